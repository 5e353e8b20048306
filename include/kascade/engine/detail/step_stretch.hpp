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
#include <atomic>
#include <thread>
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

}  // namespace kascade::detail
