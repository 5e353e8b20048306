#pragma once
// A stretch of steps in ONE launch, for host execution spaces: a team of all the space's threads
// runs, for every step, the neuron kernel over its groups, a barrier, the propagation (push
// blocks or pull rows), a barrier. Per step that saves the fork-join of two launches (several
// microseconds each with OpenMP), a large part of a step of a small batch. Every thread derives
// the step's fields of the neuron kernel as the engine does on the host between launches
// (set_step), and the work items and their order are those of the per-step launches, so the
// spikes are bitwise the same. Device backends keep a launch per phase. Internal.
#include <Kokkos_Core.hpp>

#include "kascade/engine/detail/neuron_step.hpp"
#include "kascade/engine/detail/push_spikes.hpp"

namespace kascade::detail {

// Host spaces run a stretch of steps in one launch; device spaces launch per phase and step.
template <class ExecutionSpace>
inline constexpr bool one_launch_stretches =
    Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible;

// Ring slot of step s for history length T (s may be negative after a rewind).
KOKKOS_INLINE_FUNCTION int ring_slot(step_t s, int T) {
  return static_cast<int>(((s % T) + T) % T);
}

// The Bernoulli draws cached for step s - 1 (steps 4q .. 4q + 3 share them) do not serve step s.
KOKKOS_INLINE_FUNCTION bool new_quad(step_t s) { return (s >> 2) != ((s - 1) >> 2); }

// The per-step fields of the neuron kernel for step s: its ring slot, raster row (-1: not
// recorded), whether it computes the Bernoulli draws of its quad, whether the trace has yet to
// take in the previous step's spikes, and its time in recorded steps.
template <class MemorySpace, class Extension>
KOKKOS_INLINE_FUNCTION void set_step(NeuronStep<MemorySpace, Extension>& f, const step_t s,
                                     const step_t record_row, const bool refresh,
                                     const bool trace_pending, const step_t equilibration_steps) {
  f.step = s;
  f.slot = ring_slot(s, f.model.kernel_length);
  f.record_row = record_row;
  f.refresh = refresh;
  f.trace_pending = trace_pending;
  f.stimulus_time = s - equilibration_steps;
}

template <class ExecutionSpace, class MemorySpace, class Extension>
struct StepStretch {
  using member_type = typename Kokkos::TeamPolicy<ExecutionSpace>::member_type;
  using ring_type = Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace>;

  NeuronStep<MemorySpace, Extension> first;  // the kernel of the first step, as kernel() made it
  PushSpikes<MemorySpace> push;              // x and drive are set per step
  PullRows<MemorySpace> pull;                // (dense)
  ring_type spikes, drive;
  bool dense = false;
  ordinal_t groups = 0, push_blocks = 0, rows = 0;
  step_t steps = 0;                // steps in the stretch
  bool recorded = false;           // raster rows first.record_row, + 1, ...
  bool trace = false;              // Coupling::trace
  step_t equilibration_steps = 0;  // for the stimulus time

  KOKKOS_INLINE_FUNCTION void operator()(const member_type& team) const {
    NeuronStep<MemorySpace, Extension> f = first;  // this thread's: the step fields change
    PushSpikes<MemorySpace> p = push;
    PullRows<MemorySpace> d = pull;
    for (step_t k = 0; k < steps; ++k) {
      if (k > 0) {
        const step_t s = first.step + k;
        set_step(f, s, recorded ? first.record_row + k : step_t(-1), new_quad(s), trace,
                 equilibration_steps);
      }
      Kokkos::parallel_for(Kokkos::TeamThreadRange(team, groups), [&](const ordinal_t q) { f(q); });
      team.team_barrier();  // the spikes and spike lists of the step are complete
      if (dense) {
        d.x = Kokkos::subview(spikes, f.slot, Kokkos::ALL());
        d.drive = Kokkos::subview(drive, f.slot, Kokkos::ALL());
        Kokkos::parallel_for(Kokkos::TeamThreadRange(team, rows), [&](const ordinal_t i) { d(i); });
      } else {
        p.x = Kokkos::subview(spikes, f.slot, Kokkos::ALL());
        p.drive = Kokkos::subview(drive, f.slot, Kokkos::ALL());
        Kokkos::parallel_for(Kokkos::TeamThreadRange(team, push_blocks),
                             [&](const ordinal_t b) { p(b); });
      }
      team.team_barrier();  // the drive is complete; the spike lists may be overwritten
    }
  }
};

}  // namespace kascade::detail
