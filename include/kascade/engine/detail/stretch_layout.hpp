#pragma once
// How a one-launch stretch (step_stretch.hpp) shares a batch among host threads, planned on the
// host before the launch: units of whole networks for threads that step networks of their own,
// or where each thread's share of a network begins (its rows of the push, its neuron groups).
// Internal.
#include <algorithm>
#include <cmath>
#include <vector>

#include "kascade/core/types.hpp"
#include "kascade/engine/detail/push_spikes.hpp"

namespace kascade::detail {

// The groups that begin a network, then the number of groups (`first_neuron[q]`: the first
// neuron of group q, q <= groups; `network_start`: the first neuron of every network, then the
// number of neurons): consecutive entries bound runs of whole networks.
inline std::vector<ordinal_t> network_cuts(const std::vector<ordinal_t>& first_neuron,
                                           const std::vector<ordinal_t>& network_start) {
  const auto groups = static_cast<ordinal_t>(first_neuron.size()) - 1;
  std::vector<ordinal_t> cuts;
  for (ordinal_t q = 0; q <= groups; ++q)
    if (std::binary_search(network_start.begin(), network_start.end(), first_neuron[q]))
      cuts.push_back(q);
  return cuts;
}

// Neurons per unit of the independent stretch of n neurons on `threads` threads (a unit grows
// by whole networks until it holds at least this many): 4096, so that a unit's state (~150
// bytes per neuron) stays in the core's caches through all the steps (10^4 networks of 20
// neurons on one thread: 1626 -> 1345 us per step; 4096 was faster than 256), and with several
// threads about 16 units each, so that they even out (case B on two threads: 6.62 -> 5.89 us
// with units of 64 neurons, no gain with 256: the second of the two vCPUs here runs a few %
// slower), but not below 64: each unit costs ~50 cycles per step.
inline ordinal_t stretch_unit_neurons(const ordinal_t n, const int threads) {
  if (threads <= 1) return 4096;
  return std::min<ordinal_t>(4096, std::max<ordinal_t>(64, n / (16 * threads)));
}

// Units of whole networks of about `neurons` neurons each (at least one network) for the
// independent stretch, one ending at each of `cuts` that begins a group: the first group of
// every unit, then the number of groups (the layout of the network teams' units).
// `first_neuron`, `network_start`: as network_parts().
inline std::vector<ordinal_t> network_units(const std::vector<ordinal_t>& first_neuron,
                                            const std::vector<ordinal_t>& network_start,
                                            const ordinal_t neurons,
                                            const std::vector<ordinal_t>& cuts = {}) {
  const std::vector<ordinal_t> starts = network_cuts(first_neuron, network_start);
  const auto at_cut = [&](const ordinal_t q) {
    return std::binary_search(cuts.begin(), cuts.end(), first_neuron[q]);
  };
  std::vector<ordinal_t> units{starts.front()};
  for (std::size_t c = 0; c + 1 < starts.size();) {
    std::size_t e = c + 1;
    while (e + 1 < starts.size() && first_neuron[starts[e]] - first_neuron[starts[c]] < neurons &&
           !at_cut(starts[e]))
      ++e;
    units.push_back(starts[e]);
    c = e;
  }
  return units;
}

// Deals `units` (network_units(), over `first_neuron`) out to `team` threads as runs of whole
// units: thread r's run is [run[r], run[r + 1]), beginning at cuts[r - 1] where `cuts` has one
// for each thread but the first and a unit begins there, else as even in neurons as the units
// allow.
inline std::vector<int> unit_runs(const std::vector<ordinal_t>& units,
                                  const std::vector<ordinal_t>& first_neuron, const int team,
                                  const std::vector<ordinal_t>& cuts = {}) {
  const int n = static_cast<int>(units.size()) - 1;
  const double total = first_neuron.back() - first_neuron.front();
  std::vector<int> run(static_cast<std::size_t>(team) + 1, n);
  run[0] = 0;
  for (int r = 1, u = 0; r < team; ++r) {
    if (cuts.size() + 1 == static_cast<std::size_t>(team)) {  // the unit that begins at the cut
      int v = u;
      while (v < n && first_neuron[units[v]] < cuts[r - 1]) ++v;
      if (v < n && first_neuron[units[v]] == cuts[r - 1]) {
        run[r] = u = v;
        continue;
      }
    }
    // Up to the unit whose middle passes r / team of the neurons.
    while (u < n && 0.5 * (first_neuron[units[u]] + first_neuron[units[u + 1]]) < total * r / team)
      ++u;
    run[r] = u;
  }
  return run;
}

// Cuts the neuron kernel's groups into `team` parts of whole networks, as even in neurons as the
// network boundaries allow: part[r] is the first group of part r, part[team] the number of groups.
// `first_neuron[q]`: the first neuron of group q (q <= groups); `network_start`: the first neuron
// of every network, then the number of neurons. Returns the largest part in neurons.
inline ordinal_t network_parts(const std::vector<ordinal_t>& first_neuron,
                               const std::vector<ordinal_t>& network_start, const int team,
                               std::vector<ordinal_t>& part) {
  const auto groups = static_cast<ordinal_t>(first_neuron.size()) - 1;
  const ordinal_t n = first_neuron.back();
  // The only cuts that leave every network to one thread.
  const std::vector<ordinal_t> cuts = network_cuts(first_neuron, network_start);
  part.assign(static_cast<std::size_t>(team) + 1, groups);
  part[0] = 0;
  ordinal_t largest = 0;
  for (int r = 1; r <= team; ++r) {
    if (r < team) {  // the cut nearest to r n / team, not before the previous one
      const double target = static_cast<double>(n) * r / team;
      ordinal_t best = part[r - 1];
      for (const ordinal_t q : cuts)
        if (q >= part[r - 1] &&
            std::abs(first_neuron[q] - target) < std::abs(first_neuron[best] - target))
          best = q;
      part[r] = best;
    }
    largest = std::max(largest, first_neuron[part[r]] - first_neuron[part[r - 1]]);
  }
  return largest;
}

// Whether whole networks per thread, the largest share `largest` neurons of n, leave `threads`
// threads within 10 % of an even share (else they share networks).
inline bool even_enough(const ordinal_t largest, const int threads, const ordinal_t n) {
  return static_cast<double>(largest) * threads <= 1.1 * n;
}

// The first group of each of `threads` threads' shares of the groups (`first_neuron[q]`: the
// first neuron of group q, q <= groups), then the number of groups, for steps shared by the
// threads: at the group that begins at each of `cuts` (one for each thread but the first) when
// every cut begins one (group_starts), else an even count of groups each (share_begin).
inline std::vector<ordinal_t> thread_groups(const std::vector<ordinal_t>& first_neuron,
                                            const int threads, const std::vector<ordinal_t>& cuts) {
  const auto groups = static_cast<ordinal_t>(first_neuron.size()) - 1;
  std::vector<ordinal_t> share(static_cast<std::size_t>(threads) + 1);
  for (int r = 0; r <= threads; ++r)
    share[static_cast<std::size_t>(r)] = share_begin(groups, threads, r);
  std::vector<ordinal_t> at_cuts;
  for (const ordinal_t cut : cuts) {
    const auto at = std::lower_bound(first_neuron.begin(), first_neuron.end(), cut);
    if (at != first_neuron.end() && *at == cut)
      at_cuts.push_back(static_cast<ordinal_t>(at - first_neuron.begin()));
  }
  if (!cuts.empty() && at_cuts.size() == cuts.size() &&
      cuts.size() + 1 == static_cast<std::size_t>(threads))
    std::copy(at_cuts.begin(), at_cuts.end(), share.begin() + 1);
  return share;
}

// Where the shares of `threads` threads begin (r = 1 .. threads - 1), ascending, without
// repeats, 0 or N (`network_start`: the first neuron of every network, then N). Of whole
// networks, as even in neurons as the networks allow: the first neuron of the network nearest
// to r / threads of the neurons; the engine begins a group of the neuron kernel at each
// (group_starts), so that the threads' units can split the batch there (on case B, 100 networks
// of 20 neurons in groups of 120, the split had been 960 : 1040 neurons, and the thread with the
// smaller share then stole a whole unit: one thread done ~90 k cycles, 8 % of 100 steps, before
// the other). If the threads share networks (even_enough), where each thread's block of the
// push begins; the engine also begins a segment there (block_starts).
inline std::vector<ordinal_t> share_cuts(const std::vector<ordinal_t>& network_start,
                                         const int threads) {
  std::vector<ordinal_t> cuts, part;
  if (network_start.size() < 2) return cuts;
  // network_parts over the networks themselves: part[r] is the network nearest the cut.
  const ordinal_t n = network_start.back();
  if (!even_enough(network_parts(network_start, network_start, threads, part), threads, n)) {
    const ordinal_t rows = push_rows_per_block(n, threads);
    for (int r = 1; r < threads && r * rows < n; ++r) cuts.push_back(r * rows);
    return cuts;
  }
  for (int r = 1; r < threads; ++r) {
    const ordinal_t at = network_start[static_cast<std::size_t>(part[static_cast<std::size_t>(r)])];
    if (at > 0 && at < network_start.back() && (cuts.empty() || at > cuts.back()))
      cuts.push_back(at);
  }
  return cuts;
}

}  // namespace kascade::detail
