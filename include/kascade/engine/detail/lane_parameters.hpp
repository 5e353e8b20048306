#pragma once
// The neuron kernel's scalar parameters per neuron instead of per network, so that a group of
// several small networks runs each stage as one loop over all its lanes (neuron_step.hpp): a
// 20-neuron network is 2.5 vectors, and a loop per network cost more in setup than in work.
// Also whether every network couples the same way (kernel, trace decay, window), so that the
// coupling too runs over a whole group at once. Internal.
#include <Kokkos_Core.hpp>
#include <cstddef>

#include "kascade/core/types.hpp"
#include "kascade/model/batch_model.hpp"

namespace kascade::detail {

// One parameter as a stage reads it lane by lane: one value for every lane (a group of one
// network, or a batch whose networks share it), or each lane's own.
struct SameInLanes {
  real_t value;
  KOKKOS_INLINE_FUNCTION real_t operator[](int) const { return value; }
};
struct OwnPerLane {
  const real_t* lanes;
  KOKKOS_INLINE_FUNCTION real_t operator[](int l) const { return lanes[l]; }
};
template <class P>
struct StageParameters {
  P r, b, theta, slope, gain, dt;
};

template <class MemorySpace>
struct LaneParameters {
  using view = Kokkos::View<real_t*, MemorySpace>;
  view r, b, theta, slope, gain, dt;  // [neuron], 0 in the padding past the last one
  bool shared_coupling = false;       // every network's coupling parameters are the first's
  bool shared = false;                // every network's r, b, theta, slope, gain, dt too

  // The parameters of the lanes from neuron i0 on.
  KOKKOS_INLINE_FUNCTION StageParameters<OwnPerLane> from(const ordinal_t i0) const {
    return {{&r(i0)}, {&b(i0)}, {&theta(i0)}, {&slope(i0)}, {&gain(i0)}, {&dt(i0)}};
  }
};

// Network g's parameters in every lane.
template <class MemorySpace>
KOKKOS_INLINE_FUNCTION StageParameters<SameInLanes> network_parameters(
    const BatchModel<MemorySpace>& model, const int g) {
  return {{model.r(g)},     {model.b(g)},    {model.theta(g)},
          {model.slope(g)}, {model.gain(g)}, {model.dt(g)}};
}

// Whether every network's entries (row g of a [network] or [network][lag] view) equal network
// 0's (compared with ==: a NaN differs, +0 and -0 do not).
template <class View>
bool same_in_every_network(const View& v) {
  const auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), v);
  for (std::size_t g = 1; g < h.extent(0); ++g) {
    if constexpr (View::rank == 1) {
      if (!(h(g) == h(0))) return false;
    } else {
      for (std::size_t lag = 0; lag < h.extent(1); ++lag)
        if (!(h(g, lag) == h(0, lag))) return false;
    }
  }
  return true;
}

// Whether every network couples as network 0 does (kernel, trace parameters and window).
template <class MemorySpace>
bool shares_coupling(const BatchModel<MemorySpace>& m) {
  return same_in_every_network(m.coupling_kernel) && same_in_every_network(m.trace_window) &&
         same_in_every_network(m.trace_decay) && same_in_every_network(m.trace_gain) &&
         same_in_every_network(m.trace_tail);
}

// Whether every network has network 0's r, b, theta, slope, gain and dt.
template <class MemorySpace>
bool shares_parameters(const BatchModel<MemorySpace>& m) {
  return same_in_every_network(m.r) && same_in_every_network(m.b) &&
         same_in_every_network(m.theta) && same_in_every_network(m.slope) &&
         same_in_every_network(m.gain) && same_in_every_network(m.dt);
}

// Each neuron's parameters from its network's (network_of: the batch network of each neuron),
// over `padded` lanes.
template <class ExecutionSpace, class MemorySpace, class NetworkOf>
LaneParameters<MemorySpace> make_lane_parameters(const ExecutionSpace& exec,
                                                 const BatchModel<MemorySpace>& model,
                                                 const NetworkOf& network_of,
                                                 const std::size_t padded) {
  using view = typename LaneParameters<MemorySpace>::view;
  LaneParameters<MemorySpace> lanes{view("kascade::lane_r", padded),
                                    view("kascade::lane_b", padded),
                                    view("kascade::lane_theta", padded),
                                    view("kascade::lane_slope", padded),
                                    view("kascade::lane_gain", padded),
                                    view("kascade::lane_dt", padded),
                                    shares_coupling(model),
                                    shares_parameters(model)};
  const auto N = static_cast<ordinal_t>(network_of.extent(0));
  const LaneParameters<MemorySpace> out = lanes;
  Kokkos::parallel_for(
      "kascade::lane_parameters", Kokkos::RangePolicy<ExecutionSpace>(exec, 0, N),
      KOKKOS_LAMBDA(const ordinal_t i) {
        const ordinal_t g = network_of(i);
        out.r(i) = model.r(g), out.b(i) = model.b(g), out.theta(i) = model.theta(g);
        out.slope(i) = model.slope(g), out.gain(i) = model.gain(g), out.dt(i) = model.dt(g);
      });
  return lanes;
}

}  // namespace kascade::detail
