#pragma once
// The step loop of one batch. Per step: one fused kernel computes every neuron's input from the
// ring buffers (separable filter: the coupling kernel acts on the ring of propagated drives
// W x(t'), the self kernel on the ring of own spikes), applies the nonlinearity, draws the
// emission from Philox keyed by (seed, network, neuron, step) and writes the spike; then the
// propagation adds the new spikes' weights into the drive ring: event-driven (only the columns of
// the neurons that spiked) or dense (every row), chosen per batch and step, bitwise the same
// (push_spikes.hpp). On host spaces a stretch of steps is one launch (step_stretch.hpp), on
// devices one of small networks (network_teams.hpp). Spikes are kept on the device for a
// recorded chunk and handed to a Recorder as events.
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "kascade/engine/detail/lane_parameters.hpp"
#include "kascade/engine/detail/neuron_blocks.hpp"
#include "kascade/engine/detail/part_spikes.hpp"
#include "kascade/engine/detail/push_cuts.hpp"
#include "kascade/engine/detail/recorded_events.hpp"
#include "kascade/engine/recorder.hpp"
#include "kascade/model/batch_model.hpp"
#include "kascade/model/extension.hpp"
#include "kascade/network/batch.hpp"
#include "kascade/stimulus/batch_stimuli.hpp"

namespace kascade::detail {
template <class MemorySpace, class Extension>
struct NeuronStep;
template <class MemorySpace>
struct PushSpikes;
template <class MemorySpace>
struct TeamPush;
}  // namespace kascade::detail

namespace kascade {

// How spikes reach their targets: a full row-ordered sparse product, or a push of the spiking
// neurons' columns only. Both give bitwise the same drive; `automatic` picks per recorded chunk
// the cheaper one from the previous chunk's firing (docs/performance.md).
enum class Propagation { automatic, event, dense };

struct EngineSettings {
  std::uint64_t seed = 0;
  step_t equilibration_steps = 0;  // simulated, not recorded
  step_t recorded_steps = 0;
  step_t chunk_steps = 1000;  // recorded steps held on the device between hand-overs
  Propagation propagation = Propagation::automatic;
  // automatic: fraction of neurons firing per step above which dense. The measured crossover
  // (docs/performance.md): a pushed synaptic event costs ~1.1 times a pulled synapse.
  double dense_above = 0.9;
  // Runaway activity: a network firing more than this many spikes per neuron per step over a
  // recorded chunk is marked (runaway_steps()); with `runaway_stop` its later chunks are not
  // handed over. 0: no check.
  double runaway_spikes_per_step = 0;
  bool runaway_stop = false;
  // Host threads that share networks (networks that cannot be dealt out whole to the threads)
  // each need at least this many neurons; fewer threads step otherwise. The spikes do not
  // depend on it. Measured with threads that meet point to point (step_stretch.hpp), one
  // network on one and two threads (`BM_StepPropagation`): event-driven, 1000 neurons (case D)
  // 3.1 -> 2.5 us, 500 neurons 1.57 -> 1.66 us (two threads pay from ~600 neurons); dense, 500
  // neurons 11.2 -> 6.9 us, 250 neurons 3.1 -> 2.6. Event-driven steps are the usual ones.
  // (With two barriers per step it had been 2048: 1000 neurons took 3.4 us on one thread and
  // 4.2 on two.)
  ordinal_t min_neurons_per_thread = 320;
  // Device backends step batches whose networks all have at most this many neurons with a team
  // of threads per network and a launch per stretch of steps (GPU: one launch instead of two
  // per step). Host backends do so only with network_teams_on_host (tests of that path). On an
  // H200 a team stepped 250 neurons in 9 us but 1000 in 104 us, where the two launches of a step
  // took 12-18 us (docs/performance.md).
  ordinal_t network_team_neurons = 256;
  bool network_teams_on_host = false;
};

// How steps run: a launch per phase and step (device backends; any backend with a step
// observer); a launch per stretch of steps shared by the host's threads; or a launch per stretch
// with a team per network (device backends, small networks).
enum class StepLaunch { per_step, one_stretch, network_teams };

// Called after each recorded chunk with (recorded steps done, recorded steps in total), and
// between the pieces of a long equilibration (a chunk, at least 1000 steps), with 0 done.
using ProgressCallback = std::function<void(step_t, step_t)>;

// What went wrong in each network of a run, network by network in id order: probabilities
// clipped to [0, 1], non-finite rates, and the first recorded step of the chunk whose activity
// ran away (-1: none).
struct NetworkHealth {
  std::vector<std::uint64_t> clipped, non_finite;
  std::vector<step_t> runaway;
  void append(const NetworkHealth& more);
  void append_healthy(std::size_t networks);  // networks never simulated (no steps)
  std::size_t size() const { return clipped.size(); }
};

// Everything an engine needs to continue exactly where it was (between two chunks).
struct EngineState {
  step_t step = 0;
  bool trace_pending = false, dense = false;
  std::vector<real_t> spikes, drive, trace;
  std::vector<std::uint64_t> clipped;
  std::vector<step_t> runaway;
  std::vector<std::uint64_t> non_finite;
};

// `Extension` supplies phi for Nonlinearity::extension (docs/extending.md); the default has none.
template <class ExecutionSpace, class Extension = NoExtension>
class Engine {
 public:
  using execution_space = ExecutionSpace;
  using memory_space = typename ExecutionSpace::memory_space;
  using ring_type = Kokkos::View<real_t**, Kokkos::LayoutRight, memory_space>;

  Engine(Batch<memory_space> batch, BatchModel<memory_space> model, EngineSettings settings,
         ExecutionSpace exec = ExecutionSpace(), Extension extension = Extension());

  // The model's random initial state (the predecessor's): spikes in the step before step 0 with
  // probability 1/2 and older history zero, or activations s_j ~ Uniform[0, 1).
  void initialize_random();
  // History zero except the step before the current one, which is `spikes` (one per neuron).
  void set_previous_spikes(Kokkos::View<const real_t*, memory_space> spikes);
  // Synaptic-trace models: history zero, activations `s` (one per neuron).
  void set_activation(Kokkos::View<const real_t*, memory_space> s);
  // Input g of every neuron for the current step, without advancing (for checks).
  void compute_input(Kokkos::View<real_t*, memory_space> input) const;

  // External input for the batch's networks (none by default).
  void set_stimuli(BatchStimuli<memory_space> stimuli) { stimuli_ = std::move(stimuli); }
  const BatchStimuli<memory_space>& stimuli() const { return stimuli_; }

  // New parameter values of the same structure and history length (tuning between epochs).
  void set_model(BatchModel<memory_space> model);
  // Back to step 0 with another seed and the model's random initial state; clipped counts zero.
  void reset(std::uint64_t seed);
  // Keeps the current state (history, trace) but continues as if it were step `to`, drawing
  // with `seed`: tuning re-runs the same stimulus times from a warm state.
  void rewind(step_t to, std::uint64_t seed);
  // The networks of the batch (by position) whose `silent` is true get a history of no spikes
  // (and no drive, no trace); the others keep theirs: tuning restarts a network whose activity
  // exploded without touching its batch mates.
  void silence_networks(const std::vector<bool>& silent);

  // Called on the host before each step (equilibration included: `record_row` < 0) with that
  // step's kernel, whose state (history rings, trace, stimuli) is then exactly what the step
  // reads; tuning accumulates through it.
  using StepObserver = std::function<void(const detail::NeuronStep<memory_space, Extension>&)>;
  void observe_steps(StepObserver observer) { observer_ = std::move(observer); }

  // Equilibration then recorded steps, handing each chunk to `recorder`; continues from the
  // current step (after restore()), so a run can be cut at any chunk boundary and resumed.
  void run(Recorder& recorder, const ProgressCallback& progress = {});

  // Records `more` steps beyond the planned end at the next run() (stepwise use in tests and
  // interactive drivers); the chunk size stays as constructed.
  void extend(step_t more) { settings_.recorded_steps += more; }
  // The recorded steps run() stops after (the chunk size stays as constructed).
  void set_recorded_steps(step_t total) { settings_.recorded_steps = total; }

  // Between chunks (e.g. from the progress callback): the state, and its exact restoration.
  EngineState snapshot() const;
  void restore(const EngineState& state);

  step_t current_step() const { return step_; }
  // How the last steps were launched (what the batch and backend chose).
  StepLaunch last_launch() const { return last_launch_; }
  // Probabilities above 1 that were clipped, per network of the batch.
  std::vector<std::uint64_t> clipped_counts() const;
  // Per network of the batch: the first recorded step of the chunk in which its activity ran
  // away (EngineSettings::runaway_spikes_per_step), or -1.
  const std::vector<step_t>& runaway_steps() const { return runaway_; }
  NetworkHealth health() const { return {clipped_counts(), non_finite_counts(), runaway_}; }
  // Non-finite rates per network (NaN or infinite input, rate or probability; also clipped).
  std::vector<std::uint64_t> non_finite_counts() const;
  const Batch<memory_space>& batch() const { return batch_; }

 private:
  void advance(step_t record_row);  // one step; record_row < 0: not recorded
  // `steps` steps, recorded in rows first_row, first_row + 1, ... (first_row < 0: not
  // recorded): in one launch with network teams where network_teams() says so, else on host
  // spaces in one launch (detail/step_stretch.hpp), else step by step; always step by step when
  // a step observer wants to see every step.
  // first_recorded >= 0: the rows are the whole chunk from that recorded step, whose events a
  // stretch may make itself into chunk_events_; returns whether it did.
  bool advance_steps(step_t steps, step_t first_row, step_t first_recorded = -1);
  bool advance_in_one_launch(step_t steps, step_t first_row, step_t first_recorded);
  // A launch per stretch with a team per unit of whole networks (detail/network_teams.hpp): on
  // device backends when every network has at most settings.network_team_neurons neurons.
  bool network_teams();  // decided once
  void advance_in_network_teams(step_t steps, step_t first_row);
  template <class Stretch>
  void stretch_fields(Stretch& f, step_t steps, step_t first_row) const;  // common fields
  void stretch_done(step_t steps);  // the host's state after a stretch
  void propagate(int slot);         // drive(slot) = W * spikes(slot)
  // The event-driven propagation of ring slot `slot` in up to `blocks_wanted` row blocks; sets
  // `blocks` to their number. Finds the blocks' cuts (detail/push_cuts.hpp) when they change.
  detail::PushSpikes<memory_space> pusher(int slot, ordinal_t blocks_wanted, ordinal_t& blocks);
  // The event-driven propagation of ring slot `slot` by teams (network teams; per step on
  // device backends: a team per network, team_push_size() threads).
  // `rows`: the most rows a team pushes (its scratch holds them where they fit).
  detail::TeamPush<memory_space> team_pusher(int slot, ordinal_t rows);
  int team_push_size();
  ordinal_t largest_network();  // its neurons (found once)
  // Each thread's list of its spikes when `team` threads share the kernel's `groups`.
  detail::PartSpikes<memory_space> part_spikes(int team);
  // The team of the one-launch stretches (decided once: it depends only on the batch and the
  // host's threads): its size, and whether and how it steps independent units (below).
  template <class Functor>
  int stretch_team(const Functor& f);
  void clear_history();
  void history_from_ring();  // the self kernel's spike bits from the spike ring
  detail::NeuronStep<memory_space, Extension> kernel(
      step_t record_row) const;  // the step's functor
  // The chunk's events to the recorder (made first unless the stretch made them); returns their
  // number.
  std::size_t hand_over(step_t first_recorded, step_t rows, bool events_made, Recorder& recorder);
  // The chunk's events (chunk_events_) from its recorded rows, on the host's threads.
  void make_chunk_events(step_t first_recorded, step_t rows);
  void clear_chunk_events();
  // The maker of events of whole networks from the host layout's recorded rows into chunk_events_.
  detail::SegmentUnitEvents segment_unit_events(
      step_t first_recorded, step_t rows,
      const detail::HostRows<std::uint8_t, Kokkos::LayoutLeft>& fired,
      const detail::HostRows<std::uint64_t>& bits, const detail::HostRows<spike_count_t>& counts);
  void check_runaway(step_t first_recorded, step_t rows, std::vector<SpikeEvents>& chunk);
  int slot(step_t s) const;
  ordinal_t blocks() const;  // work items of the neuron kernel (detail/neuron_blocks.hpp)

  Batch<memory_space> batch_;
  BatchModel<memory_space> model_;
  detail::LaneParameters<memory_space> lane_parameters_;  // model_'s parameters per neuron
  EngineSettings settings_;
  ExecutionSpace exec_;
  Extension extension_;
  BatchStimuli<memory_space> stimuli_;
  ring_type spikes_;  // [T][N + pad] own spikes x(t'), slot t' mod T (pad: one vector)
  ring_type drive_;   // [T][N + pad] propagated drive (W x)(t')
  // The recorded chunk (detail::NeuronStep::spike_bits): [chunk][segment words] on hosts,
  // [chunk][N / 64 words] over the whole batch on devices; and the counts [chunk][N] of
  // emissions that count (else empty).
  Kokkos::View<std::uint64_t**, Kokkos::LayoutRight, memory_space> spike_bits_;
  Kokkos::View<spike_count_t**, Kokkos::LayoutRight, memory_space> raster_;
  // Per raster row and kernel segment: how many of the segment's neurons fired (hand_over reads
  // only the segments that did). Hosts only (empty on devices: their bits say it all).
  Kokkos::View<std::uint8_t**, Kokkos::LayoutLeft, memory_space> segment_spikes_;  // (row, seg)
  std::vector<ordinal_t> host_block_start_;    // block_start_ on the host
  std::vector<int> host_segment_network_;      // the batch network of each block
  Kokkos::View<real_t*, memory_space> trace_;  // Coupling::trace: (W s)_i, N + pad
  Kokkos::View<std::uint64_t**, Kokkos::LayoutRight, memory_space> self_history_;  // [word][slot]
  Kokkos::View<std::uint64_t*, memory_space> clipped_, non_finite_;
  Kokkos::View<ordinal_t*, memory_space> group_start_;  // work items: runs of blocks
  Kokkos::View<ordinal_t*, memory_space> block_start_;  // first neuron of each kernel block
  detail::BlockSpikes<memory_space> spiked_;            // each block's spikes (event path)
  Kokkos::View<std::uint32_t**, Kokkos::LayoutRight, memory_space> draws_;  // [5][N + pad]
  Kokkos::View<network_id_t*, memory_space> neuron_network_;  // global network id per neuron
  // The draw_block whose Bernoulli draws draws_ holds (no_draws: none).
  static constexpr step_t no_draws = std::numeric_limits<step_t>::min();
  step_t draws_cached_ = no_draws;
  bool dense_ = false;  // propagate by spmv in the current chunk
  // The launches of every step. Light weight: CUDA passes the functor (the neuron kernel's is
  // ~1.2 kB) as kernel arguments; Kokkos 3.4 would otherwise copy it to constant memory and first
  // wait, on the host, for the previous such kernel to finish: a round trip per launch.
  auto per_step_policy(const ordinal_t n) const {
    return Kokkos::Experimental::require(Kokkos::RangePolicy<ExecutionSpace>(exec_, 0, n),
                                         Kokkos::Experimental::WorkItemProperty::HintLightWeight);
  }
  // Device backends pull whenever the choice is theirs: their first push (a thread per block of
  // rows, walking every neuron's spike count) measured 7-12x slower than the pull on an H200 for
  // networks of 1000-5000 neurons (docs/performance.md). The team push that replaced it
  // (detail/team_push.hpp; Propagation::event) has not yet run on a GPU: until its
  // crossover with the pull is measured (BM_StepPropagation), `automatic` keeps the pull there.
  static constexpr bool device_pulls =
      !Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible;
  bool starts_dense() const {
    return settings_.propagation == Propagation::dense ||
           (device_pulls && settings_.propagation == Propagation::automatic);
  }
  step_t step_ = 0;
  bool trace_pending_ = false;  // the trace has not yet taken in the last step's spikes
  StepObserver observer_;
  // One-launch stretches (detail/step_stretch.hpp): the first neuron of every group of the
  // neuron kernel, then N; whether the threads step independent units of whole networks, and
  // those units (detail::StepStretch::unit).
  std::vector<ordinal_t> group_first_neuron_;
  std::vector<ordinal_t> share_cuts_;  // where the host threads' shares begin (detail::share_cuts)
  int team_size_ = 0;                  // 0: not decided yet
  Kokkos::View<ordinal_t*, memory_space> team_units_;
  Kokkos::View<ordinal_t*, memory_space> team_groups_;  // each thread's groups (shared steps; host)
  std::vector<int> team_unit_runs_;  // each thread's run of units (detail::unit_runs)
  bool team_independent_ = false;
  // Network teams: the first group of each unit, then the groups (empty: not decided or not
  // used); the team size.
  Kokkos::View<ordinal_t*, memory_space> unit_group_;
  ordinal_t unit_rows_ = 0;  // neurons of the largest unit
  bool no_network_teams_ = false;
  StepLaunch last_launch_ = StepLaunch::per_step;
  int unit_team_ = 1;
  // The push's cut table for blocks of push_cut_rows_ rows (0: none found yet).
  detail::PushCuts<memory_space> push_cuts_;
  ordinal_t push_cut_rows_ = 0;
  static constexpr ordinal_t max_cut_blocks = 1024;
  // The push's accumulators on hosts, one row per block (detail::PushSpikes::scratch).
  Kokkos::View<real_t**, Kokkos::LayoutRight, memory_space> push_scratch_;
  detail::PartSpikes<memory_space> part_spikes_;                   // (part_spikes())
  Kokkos::View<detail::ListedColumn*, memory_space> team_spikes_;  // (team_pusher())
  int team_push_size_ = 0;                                         // 0: not decided yet
  ordinal_t largest_network_ = -1;                                 // -1: not found yet
  std::vector<step_t> runaway_;                                    // per network, -1: none
  std::vector<SpikeEvents> chunk_events_;  // the chunk handed over (hand_over)
};

// Compiled once in the library for the default execution space without extension.
extern template class Engine<Kokkos::DefaultExecutionSpace>;

}  // namespace kascade
