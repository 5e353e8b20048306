#pragma once
// The engine's member definitions. Include this (not only engine.hpp) to instantiate an Engine
// with your own model extension: `template class kascade::Engine<Exec, MyExtension>;`
// (docs/extending.md). Kokkos_Core.hpp must precede KokkosSparse_spmv.hpp on Kokkos 3.4.
#include <Kokkos_Core.hpp>

#include "kascade/engine/engine.hpp"

#include <KokkosSparse_spmv.hpp>
#include <algorithm>
#include <optional>

#include "kascade/core/error.hpp"
#include "kascade/engine/detail/network_teams.hpp"
#include "kascade/engine/detail/neuron_step.hpp"
#include "kascade/engine/detail/page_stride.hpp"
#include "kascade/engine/detail/push_spikes.hpp"
#include "kascade/engine/detail/recorded_events.hpp"
#include "kascade/engine/detail/step_stretch.hpp"
#include "kascade/engine/detail/stretch_layout.hpp"
#include "kascade/engine/detail/team_push.hpp"

namespace kascade {
namespace detail {
// ids(i) = the global id of neuron i's network. A free function: CUDA forbids device lambdas in
// constructors.
template <class ExecutionSpace, class Local, class Global, class Ids>
void global_network_ids(const ExecutionSpace& exec, Local network_of, Global network_ids, Ids ids) {
  Kokkos::parallel_for(
      "kascade::neuron_network",
      Kokkos::RangePolicy<ExecutionSpace>(exec, 0, static_cast<ordinal_t>(ids.extent(0))),
      KOKKOS_LAMBDA(const ordinal_t i) { ids(i) = network_ids(network_of(i)); });
}
}  // namespace detail

template <class ExecutionSpace, class Extension>
Engine<ExecutionSpace, Extension>::Engine(Batch<memory_space> batch, BatchModel<memory_space> model,
                                          EngineSettings settings, ExecutionSpace exec,
                                          Extension extension)
    : batch_(std::move(batch)),
      model_(std::move(model)),
      settings_(settings),
      exec_(exec),
      extension_(extension) {
  require(model_.nonlinearity != Nonlinearity::extension || extension_available<Extension>::value,
          "model: nonlinearity 'extension' needs an Engine built with a C++ extension "
          "(docs/extending.md)");
  require(settings_.equilibration_steps >= 0 && settings_.recorded_steps >= 0,
          "simulation: step counts must be >= 0");
  require(settings_.chunk_steps >= 1, "simulation: the recorded chunk must hold at least one step");
  const auto N = static_cast<std::size_t>(batch_.n_neurons());
  const auto T = static_cast<std::size_t>(model_.kernel_length);
  using Step = detail::NeuronStep<memory_space, Extension>;
  // Whole vectors past the last neuron (Step), and rows of whole 64-byte lines, so that threads
  // that own whole segments of neurons never write one line (detail::push_rows_per_block).
  const std::size_t padded = (N + Step::lanes + 15) / 16 * 16;
  spikes_ = ring_type("kascade::spike_ring", T, padded);
  drive_ = ring_type("kascade::drive_ring", T, padded);
  const auto rows = static_cast<std::size_t>(
      std::max<step_t>(1, std::min(settings_.chunk_steps, settings_.recorded_steps)));
  raster_ = decltype(raster_)("kascade::raster", model_.emission == Emission::poisson ? rows : 0,
                              model_.emission == Emission::poisson ? N : 0);
  const auto networks = static_cast<std::size_t>(batch_.n_networks());
  clipped_ = decltype(clipped_)("kascade::clipped", networks);
  non_finite_ = decltype(non_finite_)("kascade::non_finite", networks);
  if (model_.coupling == Coupling::trace) trace_ = decltype(trace_)("kascade::trace", padded);
  // On host threads, a segment and a group begin where each thread's share does.
  if (detail::one_launch_stretches<ExecutionSpace>)
    share_cuts_ = detail::share_cuts(batch_.neuron_offset, exec_.concurrency());
  const std::vector<ordinal_t> starts =
      detail::block_starts(batch_.neuron_offset, Step::segment, share_cuts_);
  const std::vector<ordinal_t> slots = detail::segment_slots(starts, share_cuts_);
  self_history_ = decltype(self_history_)(
      "kascade::self_history", static_cast<std::size_t>(detail::history_words(model_.self_length)),
      slots.back());
  const std::vector<ordinal_t> groups = detail::group_starts(starts, Step::segment, share_cuts_);
  for (const ordinal_t q : groups) group_first_neuron_.push_back(starts[q]);
  group_start_ = decltype(group_start_)("kascade::group_start", groups.size());
  Kokkos::deep_copy(group_start_, Kokkos::View<const ordinal_t*, Kokkos::HostSpace>(groups.data(),
                                                                                    groups.size()));
  host_block_start_ = starts;
  for (std::size_t b = 0; b + 1 < starts.size(); ++b)
    host_segment_network_.push_back(detail::network_from(
        batch_.neuron_offset, host_segment_network_.empty() ? 0 : host_segment_network_.back(),
        starts[b]));
  const std::size_t segments = starts.size() - 1;
  segment_spikes_ =
      decltype(segment_spikes_)("kascade::segment_spikes", rows, Step::neuron_bits ? 0 : segments);
  spike_bits_ = decltype(spike_bits_)(
      "kascade::spike_bits", rows,
      Step::neuron_bits ? (N + 63) / 64 : segments * static_cast<std::size_t>(Step::bit_words));
  block_start_ = decltype(block_start_)("kascade::block_start", starts.size());
  Kokkos::deep_copy(block_start_, Kokkos::View<const ordinal_t*, Kokkos::HostSpace>(starts.data(),
                                                                                    starts.size()));
  if (model_.emission == Emission::bernoulli) {
    draws_ = decltype(draws_)(
        Kokkos::view_alloc("kascade::bernoulli_draws", Kokkos::WithoutInitializing),
        detail::draws_per_call, padded);
    neuron_network_ = decltype(neuron_network_)("kascade::neuron_network", N);
    detail::global_network_ids(exec_, batch_.network_of, batch_.network_ids, neuron_network_);
  }
  spiked_ = detail::make_block_spikes<memory_space>(N, slots);
  lane_parameters_ = detail::make_lane_parameters(exec_, model_, batch_.network_of, padded);
  dense_ = starts_dense();
  runaway_.assign(static_cast<std::size_t>(batch_.n_networks()), -1);
}

template <class ExecutionSpace, class Extension>
int Engine<ExecutionSpace, Extension>::slot(step_t s) const {
  return detail::ring_slot(s, model_.kernel_length);
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::propagate(int s) {
  auto x = Kokkos::subview(spikes_, s, Kokkos::ALL());
  auto y = Kokkos::subview(drive_, s, Kokkos::ALL());
  const ordinal_t N = batch_.n_neurons();
  if (N == 0) return;
  if (dense_) {
    const auto& w = batch_.weights;
    Kokkos::parallel_for(
        "kascade::pull_rows", per_step_policy(N),
        detail::PullRows<memory_space>{w.graph.row_map, w.graph.entries, w.values, x, y});
    return;
  }
  if constexpr (!detail::one_launch_stretches<ExecutionSpace>) {
    // (Device backends: a team per network. A thread per block of rows, as on hosts, walked
    // every neuron's spike count on its own: 7-12x slower than the pull on an H200.)
    const auto push = team_pusher(s, largest_network());
    Kokkos::parallel_for(
        "kascade::team_push",
        Kokkos::TeamPolicy<ExecutionSpace>(exec_, batch_.n_networks(), team_push_size())
            .set_scratch_size(0, Kokkos::PerTeam(push.scratch_bytes(push.scratch_rows))),
        push);
    return;
  }
  ordinal_t blocks = 0;
  const auto push = pusher(s, static_cast<ordinal_t>(ExecutionSpace().concurrency()), blocks);
  Kokkos::parallel_for("kascade::push_spikes", per_step_policy(blocks), push);
}

template <class ExecutionSpace, class Extension>
detail::PushSpikes<typename Engine<ExecutionSpace, Extension>::memory_space>
Engine<ExecutionSpace, Extension>::pusher(int s, ordinal_t blocks_wanted, ordinal_t& blocks) {
  // One block of rows per thread: the push walks the spike lists once per block.
  const ordinal_t N = batch_.n_neurons();
  const ordinal_t rows_per_block = detail::push_rows_per_block(N, blocks_wanted);
  blocks = (N + rows_per_block - 1) / rows_per_block;
  // A table per block layout, for a host's threads; thousands of GPU blocks search instead (a
  // table would cost a word per neuron per block).
  if (rows_per_block != push_cut_rows_) {
    push_cut_rows_ = rows_per_block;
    push_cuts_ = blocks <= max_cut_blocks
                     ? detail::make_push_cuts(exec_, batch_, rows_per_block, blocks)
                     : detail::PushCuts<memory_space>{};
  }
  // Host threads accumulate apart: a row per block, whole pages apart.
  const auto rows = static_cast<std::size_t>(blocks);
  const std::size_t stride =
      detail::page_apart_stride<real_t>(static_cast<std::size_t>(rows_per_block));
  if (!detail::one_launch_stretches<ExecutionSpace> || rows < 2)
    push_scratch_ = {};
  else if (push_scratch_.extent(0) != rows || push_scratch_.extent(1) != stride)
    push_scratch_ = decltype(push_scratch_)("kascade::push_scratch", rows, stride);
  return {batch_.column_ptr,
          batch_.column_entry,
          batch_.network_of,
          batch_.neuron_offset_device,
          Kokkos::subview(spikes_, s, Kokkos::ALL()),
          Kokkos::subview(drive_, s, Kokkos::ALL()),
          block_start_,
          spiked_,
          N,
          rows_per_block,
          push_cuts_,
          push_scratch_,
          {}};  // (part lists: set by shared stretches)
}

template <class ExecutionSpace, class Extension>
detail::PartSpikes<typename Engine<ExecutionSpace, Extension>::memory_space>
Engine<ExecutionSpace, Extension>::part_spikes(const int team) {
  if (part_spikes_.parts() != team) {
    ordinal_t most = 0;  // neurons in the largest share (team_groups_)
    for (int r = 0; r < team; ++r)
      most = std::max(
          most, group_first_neuron_[team_groups_(r + 1)] - group_first_neuron_[team_groups_(r)]);
    part_spikes_ = detail::make_part_spikes<memory_space>(team, most);
  }
  return part_spikes_;
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::clear_history() {
  Kokkos::deep_copy(spikes_, real_t(0));
  Kokkos::deep_copy(drive_, real_t(0));
  if (trace_.extent(0) > 0) Kokkos::deep_copy(trace_, real_t(0));
  if (self_history_.size() > 0) Kokkos::deep_copy(self_history_, std::uint64_t(0));
  trace_pending_ = false;
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::history_from_ring() {
  if (self_history_.size() == 0) return;
  Kokkos::parallel_for(
      "kascade::self_history", Kokkos::RangePolicy<ExecutionSpace>(exec_, 0, blocks()),
      detail::BuildSelfHistory<memory_space>{spikes_, block_start_, self_history_, spiked_.slot,
                                             slot(step_), model_.self_length});
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::initialize_random() {
  const bool activation = model_.initial_state == InitialState::random_activation;
  Kokkos::View<real_t*, memory_space> state("kascade::initial_state", batch_.n_neurons());
  detail::RandomInitialState<memory_space> init{batch_.network_of,  batch_.local_neuron,
                                                batch_.network_ids, state,
                                                settings_.seed,     activation};
  Kokkos::parallel_for("kascade::initial_state",
                       Kokkos::RangePolicy<ExecutionSpace>(exec_, 0, batch_.n_neurons()), init);
  if (activation)
    set_activation(state);
  else
    set_previous_spikes(state);
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::set_previous_spikes(
    Kokkos::View<const real_t*, memory_space> x) {
  require(x.extent(0) == static_cast<std::size_t>(batch_.n_neurons()),
          "engine: one previous spike value per neuron is needed");
  clear_history();
  auto previous = Kokkos::subview(spikes_, slot(step_ - 1), Kokkos::ALL());
  Kokkos::deep_copy(Kokkos::subview(previous, std::make_pair(ordinal_t(0), batch_.n_neurons())), x);
  history_from_ring();
  Kokkos::parallel_for("kascade::list_spikes",
                       Kokkos::RangePolicy<ExecutionSpace>(exec_, 0, blocks()),
                       detail::ListSpikes<memory_space>{block_start_, previous, spiked_});
  propagate(slot(step_ - 1));
  trace_pending_ = model_.coupling == Coupling::trace;
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::set_activation(
    Kokkos::View<const real_t*, memory_space> s) {
  require(model_.coupling == Coupling::trace,
          "engine: only synaptic-trace models have activations");
  require(s.extent(0) == static_cast<std::size_t>(batch_.n_neurons()),
          "engine: one activation per neuron is needed");
  clear_history();
  KokkosSparse::spmv("N", real_t(1), batch_.weights, s, real_t(0),
                     Kokkos::subview(trace_, std::make_pair(0, batch_.n_neurons())));
}

template <class ExecutionSpace, class Extension>
detail::NeuronStep<typename Engine<ExecutionSpace, Extension>::memory_space, Extension>
Engine<ExecutionSpace, Extension>::kernel(step_t record_row) const {
  detail::NeuronStep<memory_space, Extension> f;
  f.model = model_;
  f.lane = lane_parameters_;
  f.network_of = batch_.network_of;
  f.local_neuron = batch_.local_neuron;
  f.network_ids = batch_.network_ids;
  f.block_start = block_start_;
  f.group_start = group_start_;
  f.spikes = spikes_;
  f.drive = drive_;
  f.trace = trace_;
  f.history = self_history_;
  f.raster = raster_;
  f.spike_bits = spike_bits_;
  f.segment_spikes = segment_spikes_;
  f.clipped = clipped_;
  f.non_finite = non_finite_;
  f.spiked = spiked_;
  f.draws = draws_;
  f.neuron_network = neuron_network_;
  f.seed = settings_.seed;
  f.extension = extension_;
  f.stimuli = stimuli_;
  detail::set_step(f, step_, slot(step_), record_row, detail::draw_block(step_) != draws_cached_,
                   trace_pending_, settings_.equilibration_steps);
  return f;
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::compute_input(
    Kokkos::View<real_t*, memory_space> input) const {
  using Step = detail::NeuronStep<memory_space, Extension>;
  const Step f = kernel(-1);
  const ordinal_t N = batch_.n_neurons();
  Kokkos::parallel_for(
      "kascade::input",
      Kokkos::RangePolicy<ExecutionSpace>(exec_, 0, (N + Step::lanes - 1) / Step::lanes),
      KOKKOS_LAMBDA(const ordinal_t block) {
        const ordinal_t i0 = block * Step::lanes;
        const int n = N - i0 < Step::lanes ? static_cast<int>(N - i0) : Step::lanes;
        int g[Step::lanes];
        real_t out[Step::lanes];
        f.inputs(i0, n, false, g, out);
        for (int l = 0; l < n; ++l) input(i0 + l) = out[l];
      });
  exec_.fence();
}

template <class ExecutionSpace, class Extension>
ordinal_t Engine<ExecutionSpace, Extension>::blocks() const {
  return static_cast<ordinal_t>(block_start_.extent(0)) - 1;
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::set_model(BatchModel<memory_space> model) {
  require(model.kernel_length == model_.kernel_length && model.coupling == model_.coupling &&
              model.nonlinearity == model_.nonlinearity && model.emission == model_.emission &&
              model.noise == model_.noise && model.initial_state == model_.initial_state &&
              model.r.extent(0) == model_.r.extent(0),
          "engine: a new model must keep the structure and history length of the batch");
  const bool length_changes = model.self_length != model_.self_length;
  const bool words_change =
      detail::history_words(model.self_length) != detail::history_words(model_.self_length);
  model_ = std::move(model);
  lane_parameters_ =
      detail::make_lane_parameters(exec_, model_, batch_.network_of, spikes_.extent(1));
  if (words_change)
    self_history_ =
        decltype(self_history_)("kascade::self_history",
                                static_cast<std::size_t>(detail::history_words(model_.self_length)),
                                self_history_.extent(1));
  // The self kernel's nonzero lags changed: the spike bits kept for them too.
  if (length_changes) history_from_ring();
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::reset(std::uint64_t seed) {
  settings_.seed = seed;
  step_ = 0;
  dense_ = starts_dense();
  Kokkos::deep_copy(clipped_, std::uint64_t(0));
  Kokkos::deep_copy(non_finite_, std::uint64_t(0));
  runaway_.assign(runaway_.size(), -1);
  draws_cached_ = no_draws;  // the cached draws were the old seed's
  initialize_random();
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::rewind(step_t to, std::uint64_t seed) {
  settings_.seed = seed;
  const int T = model_.kernel_length;
  const int shift = detail::ring_slot(step_ - to, T);  // slots move back by this
  step_ = to;
  draws_cached_ = no_draws;  // the cached draws were the old seed's
  if (shift != 0) {
    for (ring_type ring : {spikes_, drive_}) {
      const auto width = static_cast<ordinal_t>(ring.extent(1));
      ring_type old("kascade::ring_copy", T, ring.extent(1));
      Kokkos::deep_copy(exec_, old, ring);
      Kokkos::parallel_for(
          "kascade::rewind", Kokkos::RangePolicy<ExecutionSpace>(exec_, 0, width),
          KOKKOS_LAMBDA(const ordinal_t i) {
            for (int j = 0; j < T; ++j) ring(detail::ring_back(j, shift, T), i) = old(j, i);
          });
    }
  }
  history_from_ring();  // the self kernel's spike bits are kept by slot
  exec_.fence();
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::advance(step_t record_row) {
  const auto groups = static_cast<ordinal_t>(group_start_.extent(0)) - 1;
  if (observer_) observer_(kernel(record_row));
  Kokkos::parallel_for("kascade::neuron_step", per_step_policy(groups), kernel(record_row));
  draws_cached_ = detail::draw_block(step_);
  propagate(slot(step_));
  trace_pending_ = model_.coupling == Coupling::trace;
  ++step_;
}

template <class ExecutionSpace, class Extension>
bool Engine<ExecutionSpace, Extension>::advance_steps(step_t steps, step_t first_row,
                                                      step_t first_recorded) {
  if (steps <= 0) return false;
  if (detail::NeuronStep<memory_space, Extension>::neuron_bits && first_row >= 0) {
    const auto row0 = static_cast<std::size_t>(first_row);
    Kokkos::deep_copy(
        exec_, Kokkos::subview(spike_bits_, std::make_pair(row0, row0 + steps), Kokkos::ALL()),
        std::uint64_t(0));  // the stretch sets the bits of its spikes only
  }
  if (!observer_ && network_teams()) {
    last_launch_ = StepLaunch::network_teams;
    advance_in_network_teams(steps, first_row);
    return false;
  }
  if (detail::one_launch_stretches<ExecutionSpace> && !observer_) {
    last_launch_ = StepLaunch::one_stretch;
    return advance_in_one_launch(steps, first_row, first_recorded);
  }
  last_launch_ = StepLaunch::per_step;
  for (step_t k = 0; k < steps; ++k) advance(first_row < 0 ? -1 : first_row + k);
  return false;
}

template <class ExecutionSpace, class Extension>
template <class Stretch>
void Engine<ExecutionSpace, Extension>::stretch_fields(Stretch& f, step_t steps,
                                                       step_t first_row) const {
  f.first = kernel(first_row);
  f.spikes = spikes_;
  f.drive = drive_;
  f.dense = dense_;
  const auto& w = batch_.weights;
  f.pull = {w.graph.row_map, w.graph.entries, w.values, {}, {}};  // x, drive: per step
  f.steps = steps;
  f.recorded = first_row >= 0;
  f.trace = model_.coupling == Coupling::trace;
  f.equilibration_steps = settings_.equilibration_steps;
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::stretch_done(step_t steps) {
  // The host's view of the state, as after `steps` calls of advance(record_row).
  step_ += steps;
  draws_cached_ = detail::draw_block(step_ - 1);
  trace_pending_ = model_.coupling == Coupling::trace;
}

template <class ExecutionSpace, class Extension>
bool Engine<ExecutionSpace, Extension>::advance_in_one_launch(step_t steps, step_t first_row,
                                                              step_t first_recorded) {
  if constexpr (detail::one_launch_stretches<ExecutionSpace>) {
    using Stretch = detail::StepStretch<ExecutionSpace, memory_space, Extension>;
    Stretch f;
    stretch_fields(f, steps, first_row);
    f.rows = batch_.n_neurons();
    const int team = stretch_team(f);
    if (f.rows > 0) f.push = pusher(0, team, f.push_blocks);  // a block of rows per thread
    f.unit = team_units_;
    f.independent = team_independent_;
    f.thread_group = team_groups_;
    if (!f.independent && team > 1 && !f.dense) {
      f.push.parts = part_spikes(team);
      f.own_rows = f.push_blocks == team;  // (then headers of no step yet: step_own_rows)
      for (int r = 0; f.own_rows && r <= team; ++r)
        f.own_rows =
            group_first_neuron_[team_groups_(r)] == std::min(f.rows, r * f.push.rows_per_block);
      for (std::size_t list = 0; f.own_rows && list < part_spikes_.word.extent(0); ++list)
        part_spikes_.word(list, 0) = 0;  // (host memory: one-launch stretches)
    }
    detail::SpinBarrier barrier;
    f.barrier = &barrier;
    std::vector<detail::UnitRange> ranges(team_unit_runs_.size() - 1);
    for (std::size_t r = 0; r < ranges.size(); ++r)
      ranges[r].set(team_unit_runs_[r], team_unit_runs_[r + 1]);
    f.ranges = ranges.data();
    // Independent units make their events themselves when the stretch steps a whole chunk.
    std::optional<detail::SegmentUnitEvents> events;
    if (!detail::NeuronStep<memory_space, Extension>::neuron_bits && f.independent &&
        first_row == 0 && first_recorded >= 0) {
      clear_chunk_events();
      events.emplace(
          segment_unit_events(first_recorded, steps, segment_spikes_, spike_bits_, raster_));
      f.unit_events = &*events;
    }
    Kokkos::parallel_for("kascade::step_stretch",
                         Kokkos::TeamPolicy<ExecutionSpace>(exec_, 1, team), f);
    exec_.fence();  // (the barrier lives until here)
    stretch_done(steps);
    return events.has_value();
  }
  return false;
}

template <class ExecutionSpace, class Extension>
template <class Functor>
int Engine<ExecutionSpace, Extension>::stretch_team(const Functor& f) {
  if (team_size_ > 0) return team_size_;
  const auto partition = [this](const int threads) {
    // Whole networks per thread when that leaves the threads within 10 % of an even share.
    std::vector<ordinal_t> part;
    const ordinal_t largest =
        detail::network_parts(group_first_neuron_, batch_.neuron_offset, threads, part);
    team_independent_ = detail::even_enough(largest, threads, batch_.n_neurons());
    const std::vector<ordinal_t> no_cuts,
        &cuts = share_cuts_.size() + 1 == static_cast<std::size_t>(threads) ? share_cuts_ : no_cuts;
    const std::vector<ordinal_t> shares = detail::thread_groups(group_first_neuron_, threads, cuts);
    team_groups_ = decltype(team_groups_)("kascade::team_groups", shares.size());
    Kokkos::deep_copy(team_groups_, Kokkos::View<const ordinal_t*, Kokkos::HostSpace>(
                                        shares.data(), shares.size()));
    const std::vector<ordinal_t> units =
        detail::network_units(group_first_neuron_, batch_.neuron_offset,
                              detail::stretch_unit_neurons(batch_.n_neurons(), threads), cuts);
    team_unit_runs_ = detail::unit_runs(units, group_first_neuron_, threads, cuts);
    team_units_ = decltype(team_units_)("kascade::team_units", units.size());
    Kokkos::deep_copy(
        team_units_, Kokkos::View<const ordinal_t*, Kokkos::HostSpace>(units.data(), units.size()));
  };
  Kokkos::TeamPolicy<ExecutionSpace> probe(exec_, 1, 1);
  int team = std::max(1, std::min(static_cast<int>(exec_.concurrency()),
                                  probe.team_size_max(f, Kokkos::ParallelForTag())));
  partition(team);
  // Threads that must meet at two barriers per step need enough neurons each to be worth it.
  const ordinal_t per_thread = std::max<ordinal_t>(1, settings_.min_neurons_per_thread);
  const int useful = static_cast<int>(
      std::min<ordinal_t>(team, std::max<ordinal_t>(1, batch_.n_neurons() / per_thread)));
  if (!team_independent_ && useful < team) partition(team = useful);
  return team_size_ = team;
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::clear_chunk_events() {
  // The lists of the last chunk are emptied, not freed: refilling them allocates nothing.
  chunk_events_.resize(static_cast<std::size_t>(batch_.n_networks()));
  for (SpikeEvents& ev : chunk_events_) ev.clear();
}

template <class ExecutionSpace, class Extension>
detail::SegmentUnitEvents Engine<ExecutionSpace, Extension>::segment_unit_events(
    const step_t first_recorded, const step_t rows,
    const detail::HostRows<std::uint8_t, Kokkos::LayoutLeft>& fired,
    const detail::HostRows<std::uint64_t>& bits, const detail::HostRows<spike_count_t>& counts) {
  const detail::SegmentRows recorded{fired.data(),
                                     static_cast<std::size_t>(fired.stride(1)),
                                     bits.data(),
                                     static_cast<std::size_t>(bits.stride(0)),
                                     detail::NeuronStep<memory_space, Extension>::bit_words,
                                     host_segment_network_.data()};
  const bool with_counts = model_.emission == Emission::poisson;  // others emit 0 or 1
  return {recorded, host_block_start_,   batch_.neuron_offset, rows, first_recorded, with_counts,
          counts,   chunk_events_.data()};
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::make_chunk_events(step_t first_recorded, step_t rows) {
  clear_chunk_events();
  auto counts = Kokkos::create_mirror_view(raster_);
  Kokkos::deep_copy(counts, raster_);
  auto fired = Kokkos::create_mirror_view(segment_spikes_);
  Kokkos::deep_copy(fired, segment_spikes_);
  auto bits = Kokkos::create_mirror_view(spike_bits_);
  Kokkos::deep_copy(bits, spike_bits_);
  const int networks = batch_.n_networks();
  const std::vector<ordinal_t>& offset = batch_.neuron_offset;
  std::vector<SpikeEvents>& chunk = chunk_events_;
  if constexpr (detail::NeuronStep<memory_space, Extension>::neuron_bits) {
    // The devices' rows of bits, in a range of whole networks per host thread.
    const bool with_counts = model_.emission == Emission::poisson;
    const auto count = [&](const int k, const ordinal_t i) { return counts(k, i); };
    detail::bit_events_on_host_threads(bits.data(), static_cast<std::size_t>(bits.stride(0)), rows,
                                       offset, first_recorded, with_counts, count, chunk);
    return;
  }
  const detail::SegmentUnitEvents events =
      segment_unit_events(first_recorded, rows, fired, bits, counts);
  // On the host's threads: a range of whole networks each, or, with fewer networks than threads
  // (and more than one row), a block of rows of one network each, joined in row order. (The
  // events do not depend on the cut.)
  using Host = Kokkos::DefaultHostExecutionSpace;
  const int threads = Host().concurrency();
  if (networks >= threads || rows < 2) {
    detail::on_network_ranges(offset, [&](const int g0, const int g1) { events.networks(g0, g1); });
    return;
  }
  const int pieces = static_cast<int>(std::min<step_t>(threads, rows));
  std::vector<SpikeEvents> parts(static_cast<std::size_t>(networks * pieces));
  Kokkos::parallel_for("kascade::hand_over", Kokkos::RangePolicy<Host>(0, networks * pieces),
                       [&](const int item) {
                         const int g = item / pieces, p = item % pieces;
                         events.rows(g, g + 1, rows * p / pieces, rows * (p + 1) / pieces,
                                     &parts[static_cast<std::size_t>(item)]);
                       });
  Host().fence();
  for (int g = 0; g < networks; ++g) {
    SpikeEvents& ev = chunk[g];
    for (int p = 0; p < pieces; ++p) {
      const SpikeEvents& part = parts[static_cast<std::size_t>(g * pieces + p)];
      ev.steps.insert(ev.steps.end(), part.steps.begin(), part.steps.end());
      ev.neurons.insert(ev.neurons.end(), part.neurons.begin(), part.neurons.end());
      ev.counts.insert(ev.counts.end(), part.counts.begin(), part.counts.end());
    }
  }
}

template <class ExecutionSpace, class Extension>
std::size_t Engine<ExecutionSpace, Extension>::hand_over(step_t first_recorded, step_t rows,
                                                         bool events_made, Recorder& recorder) {
  if (!events_made) make_chunk_events(first_recorded, rows);
  std::vector<SpikeEvents>& chunk = chunk_events_;
  std::size_t events = 0;
  for (int g = 0; g < batch_.n_networks(); ++g) {
    chunk[g].network = batch_.host_network_ids[g];
    events += chunk[g].steps.size();
  }
  check_runaway(first_recorded, rows, chunk);
  recorder.record(chunk);
  return events;
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::check_runaway(step_t first_recorded, step_t rows,
                                                      std::vector<SpikeEvents>& chunk) {
  if (!(settings_.runaway_spikes_per_step > 0)) return;
  for (int g = 0; g < batch_.n_networks(); ++g) {
    SpikeEvents& ev = chunk[g];
    if (runaway_[g] >= 0) {  // found in an earlier chunk: dropped from here on when stopping
      if (settings_.runaway_stop) ev.clear();
      continue;
    }
    const auto spikes = static_cast<double>(ev.spikes());
    const double neurons = batch_.neuron_offset[g + 1] - batch_.neuron_offset[g];
    if (spikes > settings_.runaway_spikes_per_step * neurons * static_cast<double>(rows))
      runaway_[g] = first_recorded;
  }
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::run(Recorder& recorder, const ProgressCallback& progress) {
  const step_t total = settings_.recorded_steps;
  const auto chunk = static_cast<step_t>(spike_bits_.extent(0));
  // The equilibration in pieces too, reported between them: a long one would otherwise hold off
  // a signal, a due checkpoint and the progress until its end (the stretches' lengths change no
  // spike). Pieces of a chunk, at least 1000 steps: a run of few recorded steps has short
  // chunks, and each report costs the caller a pass over its networks.
  const step_t piece = std::max<step_t>(chunk, 1000);
  while (step_ < settings_.equilibration_steps) {
    advance_steps(std::min(piece, settings_.equilibration_steps - step_), -1);
    if (progress && step_ < settings_.equilibration_steps) progress(0, total);
  }
  for (step_t done = step_ - settings_.equilibration_steps; done < total;) {
    const step_t rows = std::min(chunk, total - done);
    const bool events_made = advance_steps(rows, 0, done);
    const std::size_t spikes = hand_over(done, rows, events_made, recorder);
    if (settings_.propagation == Propagation::automatic && !device_pulls)
      dense_ = static_cast<double>(spikes) >
               settings_.dense_above * static_cast<double>(rows) * batch_.n_neurons();
    done += rows;
    if (progress) progress(done, total);
  }
}

}  // namespace kascade

#include "kascade/engine/engine_state_impl.hpp"
#include "kascade/engine/engine_teams_impl.hpp"
