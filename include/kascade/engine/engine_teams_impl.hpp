#pragma once
// Engine members for team launches (included by engine_impl.hpp): the network teams of device
// backends (a launch per stretch with a team per unit of whole networks) and the team push
// (detail/team_push.hpp) that device backends propagate with.
#include <algorithm>

#include "kascade/engine/detail/network_teams.hpp"
#include "kascade/engine/detail/team_push.hpp"
#include "kascade/engine/engine.hpp"

namespace kascade {

template <class ExecutionSpace, class Extension>
detail::TeamPush<typename Engine<ExecutionSpace, Extension>::memory_space>
Engine<ExecutionSpace, Extension>::team_pusher(const int s, const ordinal_t rows) {
  if (team_spikes_.extent(0) != static_cast<std::size_t>(batch_.n_neurons()))
    team_spikes_ = decltype(team_spikes_)(
        Kokkos::view_alloc("kascade::team_spikes", Kokkos::WithoutInitializing),
        batch_.n_neurons());
  using Push = detail::TeamPush<memory_space>;
  return {batch_.column_ptr,
          batch_.column_entry,
          team_spikes_,
          rows <= Push::most_scratch_rows ? rows : 0,
          batch_.neuron_offset_device,
          Kokkos::subview(spikes_, s, Kokkos::ALL()),
          Kokkos::subview(drive_, s, Kokkos::ALL()),
          batch_.repeated_pairs};
}

template <class ExecutionSpace, class Extension>
ordinal_t Engine<ExecutionSpace, Extension>::largest_network() {
  if (largest_network_ < 0) {
    largest_network_ = 0;
    for (int g = 0; g < batch_.n_networks(); ++g)
      largest_network_ =
          std::max(largest_network_, batch_.neuron_offset[g + 1] - batch_.neuron_offset[g]);
  }
  return largest_network_;
}

template <class ExecutionSpace, class Extension>
int Engine<ExecutionSpace, Extension>::team_push_size() {
  if (team_push_size_ > 0) return team_push_size_;
  // A thread per entry of the longest column, 32 to 256, a power of two (Kokkos 3.4 scans a
  // CUDA team only then): a spike's column is shared by the team (C's ~550 entries take three
  // passes of 256; 20-neuron networks one warp).
  offset_t longest = 0;
  Kokkos::parallel_reduce(
      "kascade::longest_column", Kokkos::RangePolicy<ExecutionSpace>(exec_, 0, batch_.n_neurons()),
      detail::LongestColumn<memory_space>{batch_.column_ptr}, Kokkos::Max<offset_t>(longest));
  const detail::TeamPush<memory_space> functor;
  const Kokkos::TeamPolicy<ExecutionSpace> probe(exec_, 1, 1);
  const auto wanted = static_cast<int>(std::min<offset_t>(256, std::max<offset_t>(32, longest)));
  team_push_size_ = detail::team_size_power_of_two(
      wanted, std::min(256, probe.team_size_max(functor, Kokkos::ParallelForTag())));
  return team_push_size_;
}

template <class ExecutionSpace, class Extension>
bool Engine<ExecutionSpace, Extension>::network_teams() {
  if (unit_group_.extent(0) > 0) return true;
  if (no_network_teams_) return false;
  const bool wanted = detail::one_launch_stretches<ExecutionSpace>
                          ? settings_.network_teams_on_host
                          : largest_network() <= settings_.network_team_neurons;
  if (!wanted || batch_.n_neurons() == 0) {
    no_network_teams_ = true;
    return false;
  }
  const std::vector<ordinal_t> units =
      detail::network_cuts(group_first_neuron_, batch_.neuron_offset);
  unit_group_ = decltype(unit_group_)("kascade::unit_group", units.size());
  Kokkos::deep_copy(unit_group_,
                    Kokkos::View<const ordinal_t*, Kokkos::HostSpace>(units.data(), units.size()));
  // On devices a thread per neuron of the largest unit; on hosts (tests) all
  // the space's threads, so that a team's threads share its networks' neurons and rows.
  const Kokkos::TeamPolicy<ExecutionSpace> probe(exec_, 1, 1);
  const detail::NetworkTeamStretch<ExecutionSpace, memory_space, Extension> functor;
  for (std::size_t u = 0; u + 1 < units.size(); ++u)  // the widest unit
    unit_rows_ =
        std::max(unit_rows_, group_first_neuron_[units[u + 1]] - group_first_neuron_[units[u]]);
  if constexpr (detail::one_launch_stretches<ExecutionSpace>) {
    unit_team_ = std::max(1, std::min(static_cast<int>(exec_.concurrency()),
                                      probe.team_size_max(functor, Kokkos::ParallelForTag())));
  } else {
    // (team_size_recommended gave 32 threads to 1000-neuron networks, 2x slower on an H200 than
    // the 448 of team_size_max; launch bounds for 1024 halved the registers, and were slower.)
    // (A power of two: Kokkos 3.4 scans a CUDA team, as the push does, only then.)
    unit_team_ =
        detail::team_size_power_of_two(std::max<ordinal_t>(32, unit_rows_),
                                       probe.team_size_max(functor, Kokkos::ParallelForTag()));
  }
  return true;
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::advance_in_network_teams(step_t steps, step_t first_row) {
  detail::NetworkTeamStretch<ExecutionSpace, memory_space, Extension> f;
  stretch_fields(f, steps, first_row);
  ordinal_t blocks = 0;
  f.push = pusher(0, 1, blocks);  // (its x and drive, set per step)
  f.team_push = team_pusher(0, unit_rows_);
  f.unit_group = unit_group_;
  const auto units = static_cast<int>(unit_group_.extent(0)) - 1;
  Kokkos::parallel_for(
      "kascade::network_teams",
      Kokkos::TeamPolicy<ExecutionSpace>(exec_, units, unit_team_)
          .set_scratch_size(0,
                            Kokkos::PerTeam(f.team_push.scratch_bytes(f.team_push.scratch_rows))),
      f);
  exec_.fence();
  stretch_done(steps);
}

}  // namespace kascade
