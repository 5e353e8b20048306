#include "bench_common.hpp"

// Kokkos Kernels 3.4 headers need Kokkos_Core.hpp (from bench_common.hpp) included first.
#include <KokkosSparse_spmv.hpp>
#include <chrono>

namespace kascade::bench {

BernoulliGLMParams standard_glm() {
  BernoulliGLMParams p;
  p.theta = 5.0;
  p.dt = 1.0;
  p.coupling_window = 5;
  p.alpha = 0.2;
  p.beta = 0.5;
  p.abs_ref_scale = 3;
  p.abs_ref_strength = -100.0;
  p.rel_ref_scale = 7;
  p.rel_ref_strength = -30.0;
  p.r = 1.0;
  return p;
}

NormalGeneratorParams standard_weights(ordinal_t n_neurons, double sparsity) {
  NormalGeneratorParams p;
  p.n_neurons = n_neurons;
  p.mean = 0.0;
  p.std = 5.0;
  p.sparsity = sparsity;
  p.glorot = true;
  p.dale = true;  // the predecessor's generator always applies Dale's law
  p.excitatory_fraction = 0.5;
  return p;
}

NetworkBatch make_network_batch(int n_networks, ordinal_t n_neurons, double sparsity) {
  std::vector<Network> networks;
  std::vector<network_id_t> ids;
  networks.reserve(static_cast<std::size_t>(n_networks));
  for (int g = 0; g < n_networks; ++g) {
    ids.push_back(static_cast<network_id_t>(g));
    networks.push_back(generate_normal(standard_weights(n_neurons, sparsity), weight_seed, ids[g]));
  }
  NetworkBatch out;
  std::vector<const Network*> pointers;
  for (const Network& net : networks) {
    pointers.push_back(&net);
    std::vector<std::uint32_t> degree(static_cast<std::size_t>(net.n_neurons), 0);
    for (ordinal_t j : net.presynaptic) ++degree[static_cast<std::size_t>(j)];
    out.out_degree.push_back(std::move(degree));
    out.synapses += net.n_synapses();
  }
  out.batch = make_batch<Mem>(pointers, ids);
  return out;
}

namespace {
struct Slot {
  std::string key;
  std::shared_ptr<void> value;
};
Slot& slot() {
  static Slot s;
  return s;
}
}  // namespace

void* cached_raw(const std::string& key, const std::function<std::shared_ptr<void>()>& make) {
  Slot& s = slot();
  if (s.key != key || !s.value) {
    s.value.reset();  // free the previous fixture before building the next
    s.key = key;
    s.value = make();
  }
  return s.value.get();
}

void release_cached() {
  slot().value.reset();
  slot().key.clear();
}

}  // namespace kascade::bench

namespace kascade::bench {

namespace {
// Mean wall time of `call` (fenced), after two untimed calls, over >= 10 calls and >= 20 ms.
template <class Call>
double mean_seconds(Call call) {
  for (int k = 0; k < 2; ++k) call();
  Exec().fence();
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  double elapsed = 0;
  long calls = 0;
  while (calls < 10 || elapsed < 0.02) {
    call();
    Exec().fence();
    ++calls;
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  }
  return elapsed / static_cast<double>(calls);
}
}  // namespace

double spmv_seconds(const Batch<Mem>::matrix_type& A) {
  Kokkos::View<real_t*, Mem> x("kascade::bench::x", static_cast<std::size_t>(A.numCols()));
  Kokkos::View<real_t*, Mem> y("kascade::bench::y", static_cast<std::size_t>(A.numRows()));
  Kokkos::deep_copy(x, real_t(1));
  return mean_seconds([&] { KokkosSparse::spmv("N", real_t(1), A, x, real_t(0), y); });
}

double triad_seconds(std::size_t n) {
  Kokkos::View<real_t*, Mem> a("kascade::bench::a", n), b("kascade::bench::b", n),
      c("kascade::bench::c", n);
  Kokkos::deep_copy(b, real_t(1));
  Kokkos::deep_copy(c, real_t(2));
  return mean_seconds([&] {
    Kokkos::parallel_for(
        "kascade::bench::triad", Kokkos::RangePolicy<Exec>(0, n),
        KOKKOS_LAMBDA(const std::size_t i) { a(i) = b(i) + real_t(3) * c(i); });
  });
}

}  // namespace kascade::bench
