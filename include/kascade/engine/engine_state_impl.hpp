#pragma once
// The engine's state as host data (checkpoints: snapshot, restore) and its per-network counts:
// member definitions, included by engine_impl.hpp.
#include <Kokkos_Core.hpp>
#include <string>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/engine/engine.hpp"

namespace kascade {

namespace detail {

template <class View>
std::vector<typename View::non_const_value_type> to_host(const View& v) {
  std::vector<typename View::non_const_value_type> out(v.size());
  if (v.size() == 0) return out;
  Kokkos::View<typename View::non_const_value_type*, Kokkos::HostSpace> h(out.data(), out.size());
  Kokkos::deep_copy(h, Kokkos::View<typename View::const_value_type*, typename View::memory_space>(
                           v.data(), v.size()));
  return out;
}

template <class View>
void from_host(const View& v, const std::vector<typename View::non_const_value_type>& values,
               const char* what) {
  require(values.size() == v.size(),
          std::string("engine: the saved state does not fit (") + what + ")");
  if (v.size() == 0) return;
  Kokkos::deep_copy(Kokkos::View<typename View::non_const_value_type*, typename View::memory_space>(
                        v.data(), v.size()),
                    Kokkos::View<const typename View::non_const_value_type*, Kokkos::HostSpace>(
                        values.data(), values.size()));
}

// The first n columns of a padded per-neuron view (rows x (n + padding)), contiguous: the saved
// state does not depend on the neuron kernel's padding.
template <class T, class Mem>
Kokkos::View<T**, Kokkos::LayoutRight, Mem> first_columns(
    const Kokkos::View<T**, Kokkos::LayoutRight, Mem>& v, ordinal_t n) {
  Kokkos::View<T**, Kokkos::LayoutRight, Mem> out("kascade::state", v.extent(0), n);
  Kokkos::deep_copy(out, Kokkos::subview(v, Kokkos::ALL(), std::make_pair(ordinal_t(0), n)));
  return out;
}
template <class T, class Mem>
Kokkos::View<T*, Mem> first_columns(const Kokkos::View<T*, Mem>& v, ordinal_t n) {
  if (v.extent(0) == 0) return v;
  return Kokkos::subview(v, std::make_pair(ordinal_t(0), n));
}

template <class View>
void columns_from_host(const View& v, ordinal_t n,
                       const std::vector<typename View::non_const_value_type>& values,
                       const char* what) {
  const auto packed = first_columns(v, n);
  from_host(packed, values, what);
  if constexpr (View::rank == 2)
    Kokkos::deep_copy(Kokkos::subview(v, Kokkos::ALL(), std::make_pair(ordinal_t(0), n)), packed);
}

}  // namespace detail

template <class ExecutionSpace, class Extension>
EngineState Engine<ExecutionSpace, Extension>::snapshot() const {
  EngineState s;
  s.step = step_;
  s.trace_pending = trace_pending_;
  s.dense = dense_;
  const ordinal_t N = batch_.n_neurons();
  s.spikes = detail::to_host(detail::first_columns(spikes_, N));
  s.drive = detail::to_host(detail::first_columns(drive_, N));
  s.trace = detail::to_host(detail::first_columns(trace_, N));
  s.clipped = detail::to_host(clipped_);
  s.runaway = runaway_;
  s.non_finite = detail::to_host(non_finite_);
  return s;
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::restore(const EngineState& s) {
  const ordinal_t N = batch_.n_neurons();
  detail::columns_from_host(spikes_, N, s.spikes, "spike ring");
  detail::columns_from_host(drive_, N, s.drive, "drive ring");
  detail::columns_from_host(trace_, N, s.trace, "trace");
  detail::from_host(clipped_, s.clipped, "clipped counts");
  require(s.runaway.size() == runaway_.size(), "engine: the saved state does not fit (runaway)");
  runaway_ = s.runaway;
  detail::from_host(non_finite_, s.non_finite, "non-finite counts");
  step_ = s.step;
  trace_pending_ = s.trace_pending;
  dense_ = s.dense || starts_dense();  // (devices pull whenever the choice is theirs)
  draws_cached_ = no_draws;
  history_from_ring();
}

template <class ExecutionSpace, class Extension>
void Engine<ExecutionSpace, Extension>::silence_networks(const std::vector<bool>& silent) {
  require(silent.size() == static_cast<std::size_t>(batch_.n_networks()),
          "engine: one flag per network of the batch is needed");
  const auto& offset = batch_.neuron_offset;
  for (std::size_t g = 0; g < silent.size(); ++g) {
    if (!silent[g]) continue;
    const auto neurons = std::make_pair(offset[g], offset[g + 1]);
    Kokkos::deep_copy(exec_, Kokkos::subview(spikes_, Kokkos::ALL(), neurons), real_t(0));
    Kokkos::deep_copy(exec_, Kokkos::subview(drive_, Kokkos::ALL(), neurons), real_t(0));
    if (trace_.extent(0) > 0) Kokkos::deep_copy(exec_, Kokkos::subview(trace_, neurons), real_t(0));
  }
  history_from_ring();  // (every block's bits from its ring: the others' as they were)
  exec_.fence();
}

template <class ExecutionSpace, class Extension>
std::vector<std::uint64_t> Engine<ExecutionSpace, Extension>::clipped_counts() const {
  return detail::to_host(clipped_);
}

template <class ExecutionSpace, class Extension>
std::vector<std::uint64_t> Engine<ExecutionSpace, Extension>::non_finite_counts() const {
  return detail::to_host(non_finite_);
}

}  // namespace kascade
