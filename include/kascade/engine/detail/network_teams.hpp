#pragma once
// A stretch of steps in ONE launch with a team of threads per unit of whole networks (on GPUs,
// one network per team): the neurons of the unit share the team's threads, a team barrier, the
// propagation into the unit's rows, a team barrier, next step. Networks never reach each other
// (the batch is block-diagonal), so the teams never wait for one another, and a batch of
// thousands of small networks is one launch per stretch instead of two launches per step (each
// of which, on a GPU, costs more than a 20-neuron network's whole step). The work items of the
// neuron kernel (groups) are those of the per-step launches, and both propagations sum every row
// in ascending presynaptic order (the event-driven one: team_push.hpp), so the spikes are bitwise
// the same. Internal.
#include <Kokkos_Core.hpp>
#include "kascade/engine/detail/step_stretch.hpp"
#include "kascade/engine/detail/team_push.hpp"

namespace kascade::detail {

template <class ExecutionSpace, class MemorySpace, class Extension>
struct NetworkTeamStretch : StretchFields<MemorySpace, Extension> {
  using member_type = typename Kokkos::TeamPolicy<ExecutionSpace>::member_type;

  // Unit u (league rank) is the groups [unit_group(u), unit_group(u + 1)): whole networks.
  Kokkos::View<const ordinal_t*, MemorySpace> unit_group;
  // (event-driven; its x and drive: the step's, from `push`; the launch gives each team
  // TeamPush::scratch_bytes(team_push.scratch_rows))
  TeamPush<MemorySpace> team_push;

  KOKKOS_INLINE_FUNCTION void operator()(const member_type& team) const {
    NeuronStep<MemorySpace, Extension> f = this->first;  // this thread's: the step fields change
    PushSpikes<MemorySpace> p = this->push;
    PullRows<MemorySpace> d = this->pull;
    const ordinal_t u = team.league_rank();
    const ordinal_t q0 = unit_group(u), q1 = unit_group(u + 1);
    const ordinal_t r0 = f.block_start(f.group_start(q0)), r1 = f.block_start(f.group_start(q1));
    const auto scratch = team_push.scratch(team);  // (once per launch)
    for (step_t k = 0; k < this->steps; ++k) {
      this->next_step(k, f, p, d);
      Kokkos::parallel_for(Kokkos::TeamThreadRange(team, q0, q1), [&](const ordinal_t q) { f(q); });
      team.team_barrier();  // the unit's spikes and spike lists of the step are complete
      if (r0 < r1) {
        if (this->dense)
          Kokkos::parallel_for(Kokkos::TeamThreadRange(team, r0, r1),
                               [&](const ordinal_t i) { d(i); });
        else
          team_push.rows(team, scratch, r0, r1, p.x, p.drive);
      }
      team.team_barrier();  // the drive is complete; the spike lists may be overwritten
    }
  }
};

}  // namespace kascade::detail
