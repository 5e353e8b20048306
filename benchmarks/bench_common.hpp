#pragma once
// Shared by the benchmark files: the standard model and weights of issue 7, batches of random
// networks with their out-degrees, and a one-slot cache that keeps the last fixture alive
// between the repeated calls Google Benchmark makes to one benchmark.
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kascade/model/bernoulli_glm.hpp"
#include "kascade/network/batch.hpp"
#include "kascade/network/normal_generator.hpp"

namespace kascade::bench {

using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;

inline constexpr std::uint64_t weight_seed = 1;
inline constexpr std::uint64_t engine_seed = 7;

// BernoulliGLM standard parameters: theta 5, dt 1, coupling window 5, alpha 0.2, beta 0.5,
// absolute refractoriness 3 steps at -100, relative 7 steps at -30, r 1.
BernoulliGLMParams standard_glm();

// generate_normal with mean 0, std 5, Glorot scaling and Dale's law (half excitatory), as the
// predecessor's NormalGenerator(N, 0, 5, glorot=True).
NormalGeneratorParams standard_weights(ordinal_t n_neurons, double sparsity);

// `n_networks` networks of `n_neurons` each (ids 0..n_networks-1) as one batch.
struct NetworkBatch {
  Batch<Mem> batch;
  std::vector<std::vector<std::uint32_t>> out_degree;  // [network][local neuron]
  std::size_t synapses = 0;
};
NetworkBatch make_network_batch(int n_networks, ordinal_t n_neurons, double sparsity);

// One-slot cache: returns the object stored under `key`, first dropping whatever another key
// stored and building this one with `make`. Keeps one big fixture in memory at a time.
void* cached_raw(const std::string& key, const std::function<std::shared_ptr<void>()>& make);
template <class T, class Make>
T& cached(const std::string& key, Make make) {
  return *static_cast<T*>(cached_raw(key, [&] { return std::shared_ptr<void>(make()); }));
}
void release_cached();

}  // namespace kascade::bench

namespace kascade::bench {

// Mean wall time of one KokkosSparse::spmv y = A x (x all ones) on `A`, over at least 20 ms.
double spmv_seconds(const Batch<Mem>::matrix_type& A);

// Mean wall time of one STREAM-like triad a = b + s c over float arrays of n elements (one value
// per neuron: the cost of touching a step's per-neuron state once), over at least 20 ms.
double triad_seconds(std::size_t n);

}  // namespace kascade::bench
