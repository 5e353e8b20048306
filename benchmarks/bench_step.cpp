// Cost of one engine step for the cases of issue 7 (BernoulliGLM standard parameters, std-5
// Glorot weights with Dale's law), plus sweeps over the kernel length T and the batch size.
//
// One benchmark iteration runs the engine for `steps_per_iteration` steps (one recorded chunk,
// handed to a recorder that only counts). The Time column is therefore per chunk; the counters
// give per-step figures:
//   us_per_step         wall time of one step (recording hand-over included for BM_Step)
//   ns_per_neuron_step  us_per_step / neurons
//   step_per_spmv       step time / time of one KokkosSparse::spmv on the same matrix
//   step_per_triad      step time / time of one float triad over one value per neuron
//   firing_rate         spikes per neuron per step
//   syn_events_per_s    synaptic events (spikes x out-degree) per second of stepping
// BM_Step/S: a stimulated batch (a Poisson probe on 5 neurons of each of 100 networks of 50).
// BM_StepUnrecorded runs the same steps as equilibration, without the hand-over to the recorder.
// Sweeps: kernel length T (BM_StepKernel), batch size (BM_StepBatch), synapses (BM_StepSynapses)
// and firing rate with the propagation forced (BM_StepFiring: where event and dense cross).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "kascade/engine/engine.hpp"
#include "kascade/model/batch_model.hpp"
#include "kascade/stimulus/batch_stimuli.hpp"
#include "kascade/stimulus/stimulus.hpp"

namespace kascade::bench {
namespace {

constexpr step_t steps_per_iteration = 100;
constexpr int warmup_chunks = 5;  // untimed, to leave the random initial state behind

class CountingRecorder : public Recorder {
 public:
  explicit CountingRecorder(const std::vector<std::vector<std::uint32_t>>* out_degree)
      : out_degree_(out_degree) {}

  void record(const std::vector<SpikeEvents>& chunk) override {
    for (std::size_t g = 0; g < chunk.size(); ++g) {
      const SpikeEvents& ev = chunk[g];
      const std::vector<std::uint32_t>& degree = (*out_degree_)[g];
      for (std::size_t k = 0; k < ev.neurons.size(); ++k) {
        const std::uint64_t count = ev.counts.empty() ? 1 : ev.counts[k];
        spikes += count;
        events += count * degree[ev.neurons[k]];
      }
    }
  }
  void reset() { spikes = events = 0; }

  std::uint64_t spikes = 0;  // spikes recorded
  std::uint64_t events = 0;  // synaptic events: each spike times its neuron's out-degree

 private:
  const std::vector<std::vector<std::uint32_t>>* out_degree_;
};

struct StepCase {
  int networks = 1;
  ordinal_t neurons = 20;
  double sparsity = 0.5;
  BernoulliGLMParams model = standard_glm();
  bool recorded = true;
  Propagation propagation = Propagation::automatic;
  // Device backends: 0 no network teams, 1 a team per network up to the default
  // network_team_neurons, 2 for networks of any size. (Host backends: no effect.)
  int network_teams = 1;
  // A Poisson pulse train (strength 6, every 250 steps on average, 5 steps wide) on 5 random
  // neurons of every network, as inputs/inverse_problem_dataset.toml.
  bool stimulated = false;
};

// The stimulus of a stimulated case for the batch's networks, onsets over 10^6 steps.
BatchStimuli<Mem> probe_stimulus(const NetworkBatch& nets) {
  StimulusSpec probe;
  probe.kind = StimulusKind::poisson;
  probe.name = "probe";
  probe.values = {{"strength", {6}}, {"mean_interval", {250}}, {"width", {5}}};
  probe.targeting = Targeting::count;
  probe.amount = {5};
  const auto& offset = nets.batch.neuron_offset;
  std::vector<std::vector<RealisedStimulus>> realised(1);
  for (std::size_t g = 0; g + 1 < offset.size(); ++g)
    realised[0].push_back(realise(probe, 0, engine_seed, g, offset[g + 1] - offset[g], 1000000));
  return make_batch_stimuli<Mem>({StimulusKind::poisson}, realised, offset);
}

struct StepFixture {
  explicit StepFixture(const StepCase& c)
      : nets(make_network_batch(c.networks, c.neurons, c.sparsity)),
        recorder(&nets.out_degree),
        recorded(c.recorded) {
    const CascadeModel model = bernoulli_glm(c.model);
    kernel_length = model.kernel_length();
    const std::vector<const CascadeModel*> models(static_cast<std::size_t>(c.networks), &model);
    EngineSettings settings;
    settings.seed = engine_seed;
    settings.equilibration_steps = 0;
    settings.recorded_steps = steps_per_iteration;
    // Unrecorded: one chunk as long as the whole benchmark, so nothing is handed over in it.
    settings.chunk_steps = c.recorded ? steps_per_iteration : std::int64_t(1) << 40;
    settings.propagation = c.propagation;
    if (c.network_teams == 0) settings.network_team_neurons = 0;
    if (c.network_teams == 2) settings.network_team_neurons = std::numeric_limits<ordinal_t>::max();
    engine = std::make_unique<Engine<Exec>>(nets.batch, make_batch_model<Mem>(models), settings);
    if (c.stimulated) engine->set_stimuli(probe_stimulus(nets));
    engine->initialize_random();
    for (int k = 0; k < warmup_chunks; ++k) step_chunk();
    Exec().fence();
    spmv = spmv_seconds(nets.batch.weights);
    triad = triad_seconds(static_cast<std::size_t>(nets.batch.n_neurons()));
  }

  // steps_per_iteration more steps (run() continues where the previous call ended).
  void step_chunk() {
    if (!fresh) engine->extend(steps_per_iteration);
    fresh = false;
    engine->run(recorder);
  }

  NetworkBatch nets;
  CountingRecorder recorder;
  bool fresh = true;
  bool recorded;
  int kernel_length = 0;
  double spmv = 0;   // seconds per KokkosSparse::spmv on the batch matrix
  double triad = 0;  // seconds per triad over one float per neuron
  std::unique_ptr<Engine<Exec>> engine;
};

// Identifies a fixture in the one-slot cache (Google Benchmark calls a benchmark several times).
std::string key_of(const StepCase& c) {
  const BernoulliGLMParams& m = c.model;
  return "step/" + std::to_string(c.networks) + "x" + std::to_string(c.neurons) + "/" +
         std::to_string(c.sparsity) + "/" + std::to_string(m.coupling_window) + "/" +
         std::to_string(m.abs_ref_scale) + "/" + std::to_string(m.rel_ref_scale) + "/" +
         std::to_string(m.theta) + "/" + std::to_string(static_cast<int>(c.propagation)) + "/" +
         "teams" + std::to_string(c.network_teams) + "/" +
         (c.recorded ? "recorded" : "unrecorded") + (c.stimulated ? "/stimulated" : "");
}

void run_steps(benchmark::State& state, const StepCase& c) {
  StepFixture* fixture = nullptr;
  try {  // a setup that throws (e.g. invalid parameters) fails this benchmark only
    fixture = &cached<StepFixture>(key_of(c), [&] { return std::make_shared<StepFixture>(c); });
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  StepFixture& f = *fixture;
  f.recorder.reset();
  double seconds = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    f.step_chunk();
    Exec().fence();
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(elapsed);
    seconds += elapsed;
  }
  const double steps = static_cast<double>(state.iterations()) * steps_per_iteration;
  const double neurons = f.nets.batch.n_neurons();
  const double neuron_steps = steps * neurons;
  state.SetItemsProcessed(static_cast<std::int64_t>(neuron_steps));
  auto& k = state.counters;
  k["us_per_step"] = seconds / steps * 1e6;
  k["ns_per_neuron_step"] = seconds / neuron_steps * 1e9;
  k["step_per_spmv"] = seconds / steps / f.spmv;
  k["step_per_triad"] = seconds / steps / f.triad;
  k["spmv_us"] = f.spmv * 1e6;
  k["neurons"] = neurons;
  k["synapses"] = static_cast<double>(f.nets.synapses);
  k["T"] = f.kernel_length;
  if (f.recorded) {
    k["firing_rate"] = static_cast<double>(f.recorder.spikes) / neuron_steps;
    k["syn_events_per_s"] = static_cast<double>(f.recorder.events) / seconds;
    k["syn_events_per_step"] = static_cast<double>(f.recorder.events) / steps;
  }
}

StepCase issue7_case(int networks, ordinal_t neurons, double sparsity, bool recorded) {
  StepCase c;
  c.networks = networks;
  c.neurons = neurons;
  c.sparsity = sparsity;
  c.recorded = recorded;
  return c;
}

// Issue 7: A 1 x 20 neurons (p = 0.5), B 100 x 20, C 1 x 5000 at 10 %, D 1 x 1000 at 10 %.
const StepCase case_A = issue7_case(1, 20, 0.5, true);
const StepCase case_B = issue7_case(100, 20, 0.5, true);
const StepCase case_C = issue7_case(1, 5000, 0.9, true);
const StepCase case_D = issue7_case(1, 1000, 0.9, true);
// C's work as throughput: two networks of case C in one batch (threads or ranks then step whole
// networks of their own, as a dataset of many such networks does).
const StepCase case_C2 = issue7_case(2, 5000, 0.9, true);
// A dataset's kind of work: 100 networks of 50 neurons (p = 0.5) with a Poisson probe stimulus
// on 5 neurons of each (inputs/inverse_problem_dataset.toml's networks and stimulus).
StepCase stimulated_case() {
  StepCase c = issue7_case(100, 50, 0.5, true);
  c.stimulated = true;
  return c;
}
const StepCase case_S = stimulated_case();

void BM_Step(benchmark::State& state, const StepCase& c) { run_steps(state, c); }

void BM_StepUnrecorded(benchmark::State& state, StepCase c) {
  c.recorded = false;
  run_steps(state, c);
}

// Kernel length T on case B: coupling window T; refractoriness off (ref 0, kernel length T) or
// scaled to fill T in the standard 3 : 7 proportion (absolute round(0.3 T), at least 1).
void BM_StepKernel(benchmark::State& state) {
  StepCase c = case_B;
  const int T = static_cast<int>(state.range(0));
  c.model.coupling_window = T;
  if (state.range(1) != 0) {
    c.model.abs_ref_scale = std::max(1, static_cast<int>(std::lround(0.3 * T)));
    c.model.rel_ref_scale = T - c.model.abs_ref_scale;
  } else {
    c.model.abs_ref_scale = 0;
    c.model.rel_ref_scale = 0;
  }
  run_steps(state, c);
}

// Batch size: 1..100000 networks of 20 neurons (p = 0.5), standard parameters (a GPU fills
// from about 10^4 networks).
void BM_StepBatch(benchmark::State& state) {
  StepCase c = case_A;
  c.networks = static_cast<int>(state.range(0));
  run_steps(state, c);
}

// Synapses: one network at 10 % connectivity with N = sqrt(synapses / 0.1) neurons.
void BM_StepSynapses(benchmark::State& state) {
  StepCase c = case_C;
  c.neurons = static_cast<ordinal_t>(std::lround(std::sqrt(double(state.range(0)) / 0.1)));
  run_steps(state, c);
}

// Firing rate on case C (theta = range(0) / 10 moves it from ~0.03 % to ~15 %; without
// refractoriness, range(2) = 0, up to ~60 %), with the propagation forced: 0 event, 1 dense,
// 2 automatic.
void BM_StepFiring(benchmark::State& state) {
  StepCase c = case_C;
  c.model.theta = double(state.range(0)) / 10;
  if (state.range(2) == 0) c.model.abs_ref_scale = c.model.rel_ref_scale = 0;
  const Propagation modes[] = {Propagation::event, Propagation::dense, Propagation::automatic};
  c.propagation = modes[state.range(1)];
  run_steps(state, c);
}

// Propagation forced, 0 event or 1 dense (range 3), on range(0) networks of range(1) neurons at
// range(2) per mille sparsity: where each wins on a backend. range(4) (device backends): 0 a launch
// per phase and step whatever the network size, 1 network teams up to the default size, 2 network
// teams whatever the size (with the event-driven push of team_push.hpp, or the pull).
void BM_StepPropagation(benchmark::State& state) {
  StepCase c = case_A;
  c.networks = static_cast<int>(state.range(0));
  c.neurons = static_cast<ordinal_t>(state.range(1));
  c.sparsity = static_cast<double>(state.range(2)) / 1000;
  c.propagation = state.range(3) != 0 ? Propagation::dense : Propagation::event;
  c.network_teams = static_cast<int>(state.range(4));
  run_steps(state, c);
}

}  // namespace

BENCHMARK_CAPTURE(BM_Step, A_1x20, case_A)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Step, B_100x20, case_B)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Step, C_1x5000, case_C)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Step, D_1x1000, case_D)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Step, C2_2x5000, case_C2)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Step, S_100x50_probed, case_S)->UseManualTime()->Unit(benchmark::kMicrosecond);

BENCHMARK_CAPTURE(BM_StepUnrecorded, A_1x20, case_A)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_StepUnrecorded, B_100x20, case_B)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_StepUnrecorded, C_1x5000, case_C)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_StepUnrecorded, D_1x1000, case_D)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

BENCHMARK(BM_StepPropagation)
    ->ArgsProduct({{1}, {1000, 5000}, {900}, {0, 1}, {1}})
    ->ArgsProduct({{100, 10000}, {20}, {500}, {0, 1}, {1}})
    ->ArgsProduct({{100}, {1000}, {900}, {0, 1}, {1}})
    ->ArgsProduct({{1, 100}, {1000}, {900}, {0, 1}, {0}})
    ->ArgsProduct({{1, 10000}, {20}, {500}, {1}, {0}})
    ->ArgsProduct({{1, 100}, {100, 250, 500}, {900}, {1}, {0, 1}})
    ->ArgsProduct({{1}, {100, 250, 500}, {900}, {0}, {1}})
    ->ArgsProduct({{1, 100}, {1000}, {900}, {0, 1}, {2}})
    ->ArgsProduct({{1}, {5000}, {900}, {0}, {2}})
    ->ArgNames({"networks", "neurons", "sparsity", "dense", "teams"})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

BENCHMARK(BM_StepKernel)
    ->ArgsProduct({{1, 2, 5, 10, 20, 50, 100}, {0, 1}})
    ->ArgNames({"T", "ref"})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

BENCHMARK(BM_StepBatch)
    ->RangeMultiplier(10)
    ->Range(1, 100000)
    ->ArgName("networks")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

BENCHMARK(BM_StepSynapses)
    ->RangeMultiplier(10)
    ->Range(1000, 100000000)
    ->ArgName("synapses")
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

BENCHMARK(BM_StepFiring)
    ->ArgsProduct({{80, 60, 50, 40, 30, 20, 0, -30, -100}, {0, 1, 2}, {1}})
    ->ArgsProduct({{20, 0, -20, -50, -100}, {0, 1, 2}, {0}})
    ->ArgNames({"theta10", "mode", "ref"})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace kascade::bench
