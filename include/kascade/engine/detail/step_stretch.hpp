#pragma once
// A stretch of steps in ONE launch, for host execution spaces: a team of all the space's threads
// runs every step's neuron kernel and propagation, instead of two launches per step whose
// fork-joins (several microseconds each with OpenMP) are a large part of a small batch's step.
// When the batch cuts into whole networks of nearly even size per thread, the threads step units
// of whole networks, each through the whole stretch, with no barrier at all (no thread reads what
// another writes, but for the padding lanes past a group, which are never used:
// neuron_step.hpp); otherwise each thread pushes into the rows of its own neurons and waits only
// for the other threads' spike lists (step_own_rows), or, where the rows do not match the
// threads' neurons, every step is the neuron kernel over the groups, a barrier, the propagation
// (push blocks or pull rows), a barrier. Every thread derives the step's fields of the neuron
// kernel as the engine does on the host between launches (set_step), and the work items (groups,
// rows) are those of the per-step launches (independent of each other, so the order in which a
// thread takes its share does not matter), so the spikes are bitwise the same. Device backends
// run a stretch of small networks as one launch of a team per network (network_teams.hpp), else
// a launch per phase and step. Internal.
#include <Kokkos_Core.hpp>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>
#include <vector>
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__CUDA_ARCH__) && \
    !defined(__HIP_DEVICE_COMPILE__)
#include <immintrin.h>
#endif

#include "kascade/engine/detail/neuron_step.hpp"
#include "kascade/engine/detail/push_spikes.hpp"
#include "kascade/engine/detail/recorded_events.hpp"

namespace kascade::detail {

// Host spaces run any stretch of steps in one launch (this file); device spaces only one of small
// networks (network_teams.hpp).
template <class ExecutionSpace>
inline constexpr bool one_launch_stretches =
    Kokkos::SpaceAccessibility<ExecutionSpace, Kokkos::HostSpace>::accessible;

// The Bernoulli draws cached for step s - 1 (a draw_block shares them) do not serve step s.
KOKKOS_INLINE_FUNCTION bool new_draw_block(step_t s) { return draw_block(s) != draw_block(s - 1); }

// The per-step fields of the neuron kernel for step s: its ring slot (ring_slot(s, T)), raster
// row (-1: not recorded), whether it computes the Bernoulli draws of its block, whether the
// trace has yet to take in the previous step's spikes, and its time in recorded steps.
template <class MemorySpace, class Extension>
KOKKOS_INLINE_FUNCTION void set_step(NeuronStep<MemorySpace, Extension>& f, const step_t s,
                                     const int slot, const step_t record_row, const bool refresh,
                                     const bool trace_pending, const step_t equilibration_steps) {
  f.step = s;
  f.slot = slot;
  f.record_row = record_row;
  f.refresh = refresh;
  f.trace_pending = trace_pending;
  f.stimulus_time = s - equilibration_steps;
}

// A barrier for the threads of one host team that spins (then yields, never sleeps): it costs
// about a cache line's trip between cores. Kokkos 3.4's team_barrier on the host backs off into
// yields and sleeps after a few microseconds and then wakes late: measured on two cores with
// 15 us of equal work between barriers, each thread waited 2.3-7.5 us per team_barrier, 5-9 us
// with 45 us of work (this one: 0.25-0.5 us). Host spaces only.
struct SpinBarrier {
  alignas(64) std::atomic<int> arrived{0};
  alignas(64) std::atomic<int> generation{0};

  static void relax() {
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__CUDA_ARCH__) && \
    !defined(__HIP_DEVICE_COMPILE__)
    _mm_pause();
#endif
  }

  // Returns once all `team` threads have called it; `seen`: this thread's count of barriers.
  // Everything a thread wrote before is visible to every thread after it (acquire / release).
  void wait(const int team, int& seen) {
    const int g = seen++;
    if (arrived.fetch_add(1, std::memory_order_acq_rel) == team - 1) {
      arrived.store(0, std::memory_order_relaxed);
      generation.store(g + 1, std::memory_order_release);
      return;
    }
    for (int spins = 0; generation.load(std::memory_order_acquire) == g;)
      if (++spins < 1024)
        relax();
      else  // (a descheduled team mate, e.g. more threads than cores)
        std::this_thread::yield();
  }
};

// A part's spike list is published by storing its header (part_spikes.hpp) after its spikes
// (release); another thread waits for the header of the step it needs (acquire: it then sees
// the spikes). Host spaces.
inline void publish(std::uint64_t* header, const std::uint64_t word) {
  __atomic_store_n(header, word, __ATOMIC_RELEASE);
}
inline void wait_for(const std::uint64_t* header, const std::uint32_t tag) {
  for (int spins = 0;
       static_cast<std::uint32_t>(__atomic_load_n(header, __ATOMIC_ACQUIRE) >> 32) != tag;)
    if (++spins < 1024)
      SpinBarrier::relax();
    else  // (a descheduled team mate)
      std::this_thread::yield();
}

// A thread's run of units [front, back) of an independent stretch, from which it takes at the
// front and other threads at the back (one atomic word: no unit is taken twice). Host spaces.
struct UnitRange {
  alignas(64) std::atomic<std::uint64_t> word{0};

  void set(const int front, const int back) {
    word.store(static_cast<std::uint64_t>(back) << 32 | static_cast<std::uint32_t>(front));
  }
  // The unit taken, or -1 when none is left.
  int take(const bool front) {
    std::uint64_t w = word.load(std::memory_order_relaxed);
    for (;;) {
      const auto f = static_cast<int>(w & 0xffffffffu), b = static_cast<int>(w >> 32);
      if (f >= b) return -1;
      const std::uint64_t next = front ? (std::uint64_t(b) << 32) | std::uint32_t(f + 1)
                                       : (std::uint64_t(b - 1) << 32) | std::uint32_t(f);
      if (word.compare_exchange_weak(w, next, std::memory_order_relaxed)) return front ? f : b - 1;
    }
  }
};

// What every one-launch stretch needs (this one and network_teams.hpp).
template <class MemorySpace, class Extension>
struct StretchFields {
  using ring_type = Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace>;

  NeuronStep<MemorySpace, Extension> first;  // the kernel of the first step, as kernel() made it
  PushSpikes<MemorySpace> push;              // x and drive are set per step
  PullRows<MemorySpace> pull;                // (dense)
  ring_type spikes, drive;
  bool dense = false;
  step_t steps = 0;                // steps in the stretch
  bool recorded = false;           // raster rows first.record_row, + 1, ...
  bool trace = false;              // Coupling::trace
  step_t equilibration_steps = 0;  // for the stimulus time

  // Step k of the stretch: f's fields for it when k > 0 (as the engine sets them between
  // launches; kernel() made them for k = 0), and the propagation's x and drive for f's slot.
  KOKKOS_INLINE_FUNCTION void next_step(const step_t k, NeuronStep<MemorySpace, Extension>& f,
                                        PushSpikes<MemorySpace>& p,
                                        PullRows<MemorySpace>& d) const {
    if (k > 0) {
      const step_t s = first.step + k;
      const int slot = ring_next(f.slot, f.model.kernel_length);  // (f: step s - 1)
      set_step(f, s, slot, recorded ? first.record_row + k : step_t(-1), new_draw_block(s), trace,
               equilibration_steps);
    }
    d.x = p.x = decltype(p.x)(&spikes(f.slot, 0), spikes.extent(1));
    d.drive = p.drive = decltype(p.drive)(&drive(f.slot, 0), drive.extent(1));
  }
};

// Host code only (spin waits, std::atomic, a virtual call through a host pointer): its member
// functions are not marked for devices.
template <class ExecutionSpace, class MemorySpace, class Extension>
struct StepStretch : StretchFields<MemorySpace, Extension> {
  static_assert(one_launch_stretches<ExecutionSpace>, "a stretch in one launch is for host spaces");
  using member_type = typename Kokkos::TeamPolicy<ExecutionSpace>::member_type;

  ordinal_t push_blocks = 0, rows = 0;
  // Independent units (or none): unit u is the groups [unit(u), unit(u + 1)), whole
  // networks whose neurons are also the rows it propagates into, so no thread reads what another
  // writes and the team needs no barrier. Thread r owns a run of units (ranges[r]), takes them
  // from the front, each through the whole stretch, and then takes units from the backs of the
  // other threads' runs: a thread that runs faster takes more, while the units running at one
  // time stay far apart in memory. Else every step is shared out: point to point if each
  // thread pushes exactly the rows of its own groups (step_own_rows), or else each phase ends in
  // a barrier.
  Kokkos::View<const ordinal_t*, MemorySpace> unit;
  bool independent = false;
  // (not independent) thread r's groups: [thread_group(r), thread_group(r + 1))
  Kokkos::View<const ordinal_t*, MemorySpace> thread_group;
  bool own_rows = false;        // (not independent, event-driven) push block r: thread r's rows
  UnitRange* ranges = nullptr;  // (independent) one per thread, alive during the launch
  // (independent, optional) makes each unit's events after its last step, on its thread.
  const UnitEvents* unit_events = nullptr;
  SpinBarrier* barrier = nullptr;  // the team's (not independent), alive during the launch

  inline void operator()(const member_type& team) const {
    const int r = team.team_rank(), threads = team.team_size();
    if (independent) {
      for (int u; (u = ranges[r].take(true)) >= 0;) run_unit(unit(u), unit(u + 1));
      for (int k = 1; k < threads; ++k)
        for (int u; (u = ranges[(r + k) % threads].take(false)) >= 0;)
          run_unit(unit(u), unit(u + 1));
      return;
    }
    NeuronStep<MemorySpace, Extension> f = this->first;  // this thread's: the step fields change
    PushSpikes<MemorySpace> p = this->push;
    PullRows<MemorySpace> d = this->pull;
    const ordinal_t q0 = thread_group(r), q1 = thread_group(r + 1);
    if (own_rows) return step_own_rows(r, threads, f, p, d, q0, q1);
    const ordinal_t b0 = f.group_start(q0), b1 = f.group_start(q1);  // its segments
    int barriers = 0;
    // Each thread its own share of the push blocks (or pulled rows).
    const auto share = [&](const ordinal_t n, const auto& work) {
      const ordinal_t a = share_begin(n, threads, r), b = share_begin(n, threads, r + 1);
      for (ordinal_t i = a; i < b; ++i) work(i);
    };
    for (step_t k = 0; k < this->steps; ++k) {
      this->next_step(k, f, p, d);
      for (ordinal_t q = q0; q < q1; ++q) f(q);
      if (p.parts.active()) list_spikes(r, k, f, p, b0, b1);
      barrier->wait(threads, barriers);  // the spikes and spike lists of the step are complete
      if (this->dense)
        share(rows, d);
      else
        share(push_blocks, p);
      // The drive is complete; the spike lists may be overwritten.
      barrier->wait(threads, barriers);
    }
  }

  // Thread r's spikes of stretch step k, after its groups (segments [b0, b1)), in its list for
  // the push (part_spikes.hpp), the header stored last.
  inline void list_spikes(const int r, const step_t k, const NeuronStep<MemorySpace, Extension>& f,
                          const PushSpikes<MemorySpace>& p, const ordinal_t b0,
                          const ordinal_t b1) const {
    const int n = p.parts.gather(r, b0, b1, f.spiked, f.block_start, p.x);
    publish(p.parts.header(r), p.parts.header_word(static_cast<std::uint32_t>(k + 1), n));
  }

  // The steps when thread r pushes exactly the rows of its own groups [q0, q1): all it needs of
  // the other threads is their spike lists. It publishes its own after its groups, and its push
  // waits for each other part's just before reading it (the rows of part 0 take its own spikes
  // first: that push begins at once). No barrier: instead of waiting for the slowest thread
  // twice a step (~135 ns per trip between cores here, and every imbalance of each phase), a
  // thread waits only for lists it needs, and a fast thread runs up to a step ahead (lists of
  // even and odd steps: part_spikes.hpp), no further: it sees every list of a step before it
  // leaves it. The headers are zero at the launch (engine).
  inline void step_own_rows(const int r, const int threads, NeuronStep<MemorySpace, Extension>& f,
                            PushSpikes<MemorySpace>& p, PullRows<MemorySpace>& d,
                            const ordinal_t q0, const ordinal_t q1) const {
    const ordinal_t b0 = f.group_start(q0), b1 = f.group_start(q1);  // its segments
    const ordinal_t r0 = f.block_start(b0), r1 = f.block_start(b1);
    for (step_t k = 0; k < this->steps; ++k) {
      this->next_step(k, f, p, d);
      p.parts.set_step(k);
      for (ordinal_t q = q0; q < q1; ++q) f(q);
      list_spikes(r, k, f, p, b0, b1);
      const auto wait = [&](const int part) {
        if (part != r) wait_for(p.parts.header(part), static_cast<std::uint32_t>(k + 1));
      };
      if (r0 < r1) p.rows(r0, r1, r, r, -1, -1, wait);
      for (int part = 0; part < threads; ++part) wait(part);
    }
  }

  // Groups [q0, q1) (whole networks) through every step of the stretch.
  inline void run_unit(const ordinal_t q0, const ordinal_t q1) const {
    NeuronStep<MemorySpace, Extension> f = this->first;
    PushSpikes<MemorySpace> p = this->push;
    PullRows<MemorySpace> d = this->pull;
    const ordinal_t b0 = f.group_start(q0), b1 = f.group_start(q1);  // its segments
    const ordinal_t r0 = f.block_start(b0), r1 = f.block_start(b1);
    for (step_t k = 0; k < this->steps; ++k) {
      this->next_step(k, f, p, d);
      for (ordinal_t q = q0; q < q1; ++q) f(q);
      if (r0 == r1) continue;
      if (this->dense)
        for (ordinal_t i = r0; i < r1; ++i) d(i);
      else
        p.rows(r0, r1, -1, -1, b0, b1);
    }
    if (unit_events != nullptr) (*unit_events)(r0, r1);
  }
};

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
