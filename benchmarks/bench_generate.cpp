// Throughput of the generators in synapses per second (items_per_second): generate_normal
// (std-5 Glorot weights, Dale's law) for N = 10^3 at 10 %, 10^4 at 1 % and 10^5 at 0.1 %
// connectivity (N = 10^5 at 1 %, 10^8 synapses, takes about 8 s on one core: left out), and the
// fixed in-degree topology with k = 100 and k = 1000 for N = 10^4.
#include <benchmark/benchmark.h>

#include "bench_common.hpp"
#include "kascade/network/random_graph.hpp"

namespace kascade::bench {
namespace {

void BM_GenerateNormal(benchmark::State& state) {
  const auto n = static_cast<ordinal_t>(state.range(0));
  const double connectivity = static_cast<double>(state.range(1)) / 1000.0;
  const NormalGeneratorParams params = standard_weights(n, 1.0 - connectivity);
  std::int64_t synapses = 0;
  network_id_t id = 0;
  for (auto _ : state) {
    const Network net = generate_normal(params, weight_seed, id++);
    synapses += static_cast<std::int64_t>(net.n_synapses());
    benchmark::DoNotOptimize(net.weight.data());
  }
  state.SetItemsProcessed(synapses);
  state.SetBytesProcessed(synapses * static_cast<std::int64_t>(sizeof(real_t) + sizeof(ordinal_t)));
  state.counters["synapses"] =
      static_cast<double>(synapses) / static_cast<double>(state.iterations());
}

void BM_GenerateFixedIndegree(benchmark::State& state) {
  const auto n = static_cast<ordinal_t>(state.range(0));
  RandomGraphParams params;
  params.topology = Topology::fixed_indegree;
  params.indegree = state.range(1);
  params.dale = true;
  params.glorot = true;
  std::int64_t synapses = 0;
  network_id_t id = 0;
  for (auto _ : state) {
    const Network net = generate_random_graph(params, n, weight_seed, id++);
    synapses += static_cast<std::int64_t>(net.n_synapses());
    benchmark::DoNotOptimize(net.weight.data());
  }
  state.SetItemsProcessed(synapses);
}

}  // namespace

BENCHMARK(BM_GenerateFixedIndegree)
    ->Args({10000, 100})
    ->Args({10000, 1000})
    ->ArgNames({"N", "k"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_GenerateNormal)
    ->Args({1000, 100})
    ->Args({10000, 10})
    ->Args({100000, 1})
    ->ArgNames({"N", "permille"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace kascade::bench
