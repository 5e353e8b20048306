// Tuning speed, issue 8's measure: 1000 BernoulliGLM networks of 20 neurons (the standard
// parameters and weights of bench_step.cpp) tuned to 10 Hz by theta per network (spread:1, to
// 2-40 Hz instead), with the default root finder (adam:0), with Adam as the predecessor runs it
// (adam:1: lr 0.1, 100 epochs of 100 steps) and with Adam at lr 0.02 (adam:2). After every epoch
// the values are verified by an independent run (another seed, 5000 steps, expected rate: standard
// error about 1 %) at epochs 1-16, 18, 20, 25, 30, 40, ... 100; reported: the first of those
// epochs at which 95 % and 99 % of the networks are within +-5 % of 10 Hz, the seconds of tuning up
// to then, and the share within +-5 % after 100 epochs (or at convergence). One iteration: it is a
// measurement of epochs, not of a kernel. Run: kascade_benchmarks --benchmark_filter=Tune
// (BM_TuneStep, below: the cost of a tuned step against the step.)
#include <benchmark/benchmark.h>

#include <chrono>

#include "bench_common.hpp"
#include "kascade/network/normal_generator.hpp"
#include "kascade/tune/memory_factory.hpp"

namespace kascade::bench {
namespace {

constexpr int kNetworks = 1000;

// Scenario 0: every network at 10 Hz (the measure; theta 5 starts at about 7 Hz).
// Scenario 1: network g at 2 + 38 g / 999 Hz, a dataset with spread rates (farther starts).
double target_of(int scenario, int g) { return scenario == 0 ? 10.0 : 2.0 + 38.0 * g / 999.0; }

struct TuneCase {
  std::vector<Network> networks;
  TuneProblem problem;

  explicit TuneCase(int scenario, int n_networks = kNetworks, ordinal_t neurons = 20) {
    problem.preset = &find_preset("bernoulli_glm");
    problem.example = preset_defaults(*problem.preset);
    for (int g = 0; g < n_networks; ++g) {
      networks.push_back(generate_normal(standard_weights(neurons, 0.5), weight_seed,
                                         static_cast<network_id_t>(g)));
      TuneNetwork n;
      n.id = static_cast<network_id_t>(g);
      n.parameters = problem.example;
      n.target_hz = {target_of(scenario, g)};
      problem.networks.push_back(n);
    }
    problem.batches = {{0, static_cast<std::size_t>(n_networks)}};
  }
};

// Share of networks whose independently measured expected rate is within +-5 % of the target.
double share_within(TuneCase& c, const std::vector<double>& theta) {
  for (int g = 0; g < kNetworks; ++g) c.problem.networks[g].parameters.values["theta"] = theta[g];
  TuneSettings verify;
  verify.parameters = {TunedParameter{"theta"}};
  verify.steps = 10000;
  verify.equilibration_steps = 100;
  const auto rates =
      estimate_rates(verify, c.problem, memory_engine_factory(c.networks, c.problem), 1 << 20);
  int within = 0;
  for (int g = 0; g < kNetworks; ++g)
    within += std::fabs(rates[g].rate_hz / c.problem.networks[g].target_hz[0] - 1.0) <= 0.05;
  return static_cast<double>(within) / kNetworks;
}

void BM_TuneToTargets(benchmark::State& state) {
  const bool adam = state.range(0) > 0;  // 1: Adam with lr 0.1 (the predecessor's), 2: lr 0.02
  for (auto _ : state) {
    TuneCase c(static_cast<int>(state.range(1)));
    TuneSettings s;
    s.parameters = {TunedParameter{"theta"}};
    s.method = adam ? TuneMethod::adam : TuneMethod::newton;
    s.learning_rate = state.range(0) == 2 ? 0.02 : 0.1;
    s.max_epochs = 100;
    s.steps = 100;
    s.equilibration_steps = 100;
    std::vector<std::vector<double>> history;  // theta of every network after each epoch
    std::vector<double> seconds;
    const auto start = std::chrono::steady_clock::now();
    tune(s, c.problem, memory_engine_factory(c.networks, c.problem), {},
         [&](int, int, std::size_t) {
           seconds.push_back(
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
           history.emplace_back();
           for (const auto& n : c.problem.networks)
             history.back().push_back(n.parameters.values.at("theta"));
         });
    state.PauseTiming();
    double reached95 = -1, reached99 = -1, seconds95 = -1, seconds99 = -1;
    // A grid of epochs: each check simulates 2 10^8 neuron-steps.
    for (std::size_t epoch : {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14,
                              15, 16, 18, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100}) {
      if (reached99 >= 0) break;
      const std::size_t e = std::min(epoch, history.size()) - 1;
      const double share = share_within(c, history[e]);
      if (reached95 < 0 && share >= 0.95) reached95 = e + 1, seconds95 = seconds[e];
      if (reached99 < 0 && share >= 0.99) reached99 = e + 1, seconds99 = seconds[e];
      if (epoch >= history.size()) break;  // every network had converged
    }
    state.counters["epochs_to_95pct"] = reached95;
    state.counters["epochs_to_99pct"] = reached99;
    state.counters["seconds_to_95pct"] = seconds95;
    state.counters["seconds_to_99pct"] = seconds99;
    state.counters["epochs_run"] = static_cast<double>(history.size());
    state.counters["share_at_end"] = share_within(c, history.back());
    state.counters["seconds_per_epoch"] = seconds.back() / static_cast<double>(seconds.size());
    state.ResumeTiming();
  }
}

// What a tuned step costs beside the step itself: one epoch of `steps` measured steps (the
// sensitivity kernel on each, then the engine's step) against one of as many unmeasured ones
// (equilibration: the engine's steps alone), theta tuned, `networks` x `neurons` in one batch (the
// inverse-problem deck's shape: 200 x 50). Reported per neuron-step: the engine's step
// (step_ns) and what measuring adds (sensitivity_ns); the time is the measured epoch's.
void BM_TuneStep(benchmark::State& state) {
  const auto networks = static_cast<int>(state.range(0));
  const auto neurons = static_cast<ordinal_t>(state.range(1));
  constexpr step_t steps = 400;
  auto& c = cached<TuneCase>("tune_step" + std::to_string(networks) + "x" + std::to_string(neurons),
                             [&] { return std::make_shared<TuneCase>(0, networks, neurons); });
  TuneSettings measured;
  measured.parameters = {TunedParameter{"theta"}};
  measured.steps = steps;
  measured.equilibration_steps = 0;
  TuneSettings unmeasured = measured;
  unmeasured.steps = 1;
  unmeasured.equilibration_steps = steps - 1;
  const auto factory = memory_engine_factory(c.networks, c.problem);
  const double neuron_steps = double(networks) * neurons * steps;
  double with = 0, without = 0;
  int epoch = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(estimate_rates(measured, c.problem, factory, epoch));
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(estimate_rates(unmeasured, c.problem, factory, epoch++));
    const auto t2 = std::chrono::steady_clock::now();
    const double a = std::chrono::duration<double>(t1 - t0).count();
    with += a;
    without += std::chrono::duration<double>(t2 - t1).count();
    state.SetIterationTime(a);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["step_ns"] = without / n / neuron_steps * 1e9;
  state.counters["sensitivity_ns"] = (with - without) / n / neuron_steps * 1e9;
}

}  // namespace

BENCHMARK(BM_TuneStep)
    ->Args({200, 50})
    ->Args({1, 1000})
    ->ArgNames({"networks", "neurons"})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_TuneToTargets)
    ->ArgsProduct({{0, 1, 2}, {0, 1}})
    ->ArgNames({"adam", "spread"})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

}  // namespace kascade::bench
