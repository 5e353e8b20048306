// The GPU backends' hand-over on the host: a chunk of recorded rows (a bit per neuron over the
// batch, as a GPU writes them) turned into every network's events on the host's threads
// (engine/detail/recorded_events.hpp). Runs on every backend: the host code is the same; with
// OMP_NUM_THREADS it shows what a GPU node's host cores do for the recorded spikes.
//   BM_HandOverBits/networks:N   N networks of 20 neurons, 100 rows, firing 0.007 per neuron-step
// Counters: us_per_step (the hand-over's share of one recorded step), events_per_s.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include "kascade/engine/detail/recorded_events.hpp"

namespace kascade::bench {
namespace {

void BM_HandOverBits(benchmark::State& state) {
  const int networks = static_cast<int>(state.range(0));
  constexpr ordinal_t neurons = 20;
  constexpr step_t rows = 100;
  std::vector<ordinal_t> offset{0};
  for (int g = 0; g < networks; ++g) offset.push_back(offset.back() + neurons);
  const std::size_t words = (static_cast<std::size_t>(offset.back()) + 63) / 64;
  std::vector<std::uint64_t> bits(words * static_cast<std::size_t>(rows), 0);
  std::mt19937_64 gen(7);
  std::bernoulli_distribution fire(0.007);
  for (step_t k = 0; k < rows; ++k)
    for (ordinal_t i = 0; i < offset.back(); ++i)
      if (fire(gen))
        bits[static_cast<std::size_t>(k) * words + static_cast<std::size_t>(i) / 64] |=
            std::uint64_t(1) << (i % 64);
  const auto no_counts = [](int, ordinal_t) { return spike_count_t(1); };
  std::size_t events = 0;
  double seconds = 0;
  for (auto _ : state) {
    std::vector<SpikeEvents> chunk(static_cast<std::size_t>(networks));
    const auto start = std::chrono::steady_clock::now();
    detail::bit_events_on_host_threads(bits.data(), words, rows, offset, 0, false, no_counts,
                                       chunk);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const SpikeEvents& ev : chunk) events += ev.steps.size();
    benchmark::DoNotOptimize(chunk.data());
  }
  state.counters["us_per_step"] = seconds / (static_cast<double>(state.iterations()) * rows) * 1e6;
  state.counters["events_per_s"] = static_cast<double>(events) / seconds;
}

BENCHMARK(BM_HandOverBits)
    ->RangeMultiplier(10)
    ->Range(100, 100000)
    ->ArgName("networks")
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
}  // namespace kascade::bench
