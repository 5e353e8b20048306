// The machine's limits, to read the step results against:
//   BM_Spmv   one KokkosSparse::spmv y = W x on the batch matrix of each step case (same
//             generator, seed and CrsMatrix type as Batch::matrix_type). bytes_per_second
//             counts the CSR arrays plus x and y once.
//   BM_Triad  STREAM triad a = b + s c in double, over 3 arrays of 512 KiB (cache-resident) and
//             of 512 MiB (far beyond any cache: DRAM bandwidth). bytes_per_second counts
//             3 x 8 bytes per element, as STREAM does (no write-allocate traffic).
#include <benchmark/benchmark.h>

#include <exception>
#include <memory>
#include <string>

#include "bench_common.hpp"

// Kokkos Kernels 3.4 headers need Kokkos_Core.hpp (from bench_common.hpp) included first.
#include <KokkosSparse_spmv.hpp>

namespace kascade::bench {
namespace {

struct SpmvCase {
  int networks;
  ordinal_t neurons;
  double sparsity;
};

struct SpmvFixture {
  explicit SpmvFixture(const SpmvCase& c)
      : nets(make_network_batch(c.networks, c.neurons, c.sparsity)),
        x("kascade::bench::x", static_cast<std::size_t>(nets.batch.n_neurons())),
        y("kascade::bench::y", static_cast<std::size_t>(nets.batch.n_neurons())) {
    Kokkos::deep_copy(x, real_t(1));
  }
  NetworkBatch nets;
  Kokkos::View<real_t*, Mem> x, y;
};

void BM_Spmv(benchmark::State& state, const SpmvCase& c) {
  const std::string key = "spmv/" + std::to_string(c.networks) + "x" + std::to_string(c.neurons) +
                          "/" + std::to_string(c.sparsity);
  SpmvFixture* fixture = nullptr;
  try {  // a setup that throws (e.g. invalid parameters) fails this benchmark only
    fixture = &cached<SpmvFixture>(key, [&] { return std::make_shared<SpmvFixture>(c); });
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  SpmvFixture& f = *fixture;
  const auto& A = f.nets.batch.weights;
  for (auto _ : state) {
    KokkosSparse::spmv("N", real_t(1), A, f.x, real_t(0), f.y);
    Exec().fence();
  }
  const auto n = static_cast<std::int64_t>(A.numRows());
  const auto nnz = static_cast<std::int64_t>(A.nnz());
  const std::int64_t bytes = nnz * static_cast<std::int64_t>(sizeof(real_t) + sizeof(ordinal_t)) +
                             (n + 1) * static_cast<std::int64_t>(sizeof(offset_t)) +
                             2 * n * static_cast<std::int64_t>(sizeof(real_t));
  state.SetBytesProcessed(state.iterations() * bytes);
  state.SetItemsProcessed(state.iterations() * nnz);  // nonzeros per second
  state.counters["nnz"] = static_cast<double>(nnz);
  state.counters["rows"] = static_cast<double>(n);
}

BENCHMARK_CAPTURE(BM_Spmv, A_1x20, SpmvCase{1, 20, 0.5})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Spmv, B_100x20, SpmvCase{100, 20, 0.5})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Spmv, C_1x5000, SpmvCase{1, 5000, 0.9})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Spmv, D_1x1000, SpmvCase{1, 1000, 0.9})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

struct TriadArrays {
  explicit TriadArrays(std::size_t n) : a("triad::a", n), b("triad::b", n), c("triad::c", n) {
    Kokkos::deep_copy(b, 1.0);
    Kokkos::deep_copy(c, 2.0);
  }
  Kokkos::View<double*, Mem> a, b, c;
};

void BM_Triad(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0)) * 1024 / sizeof(double);
  TriadArrays& t = cached<TriadArrays>("triad/" + std::to_string(n),
                                       [&] { return std::make_shared<TriadArrays>(n); });
  const auto a = t.a;
  const auto b = t.b;
  const auto c = t.c;
  const double s = 3.0;
  for (auto _ : state) {
    Kokkos::parallel_for(
        "kascade::bench::triad", Kokkos::RangePolicy<Exec>(0, n),
        KOKKOS_LAMBDA(const std::size_t i) { a(i) = b(i) + s * c(i); });
    Exec().fence();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(3 * n * sizeof(double)));
}

BENCHMARK(BM_Triad)
    ->Arg(512)
    ->Arg(512 * 1024)
    ->ArgName("KiB_per_array")
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace kascade::bench
