#pragma once
// The fused per-neuron kernel of one step: input from the ring buffers, nonlinearity, emission,
// spike written to the ring and (when recorded) to the raster. Internal to the engine.
#include <Kokkos_Core.hpp>

#include "kascade/model/batch_model.hpp"
#include "kascade/model/nonlinearity.hpp"
#include "kascade/random/philox.hpp"

namespace kascade::detail {

template <class MemorySpace>
struct NeuronStep {
  using ring_type = Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace>;

  BatchModel<MemorySpace> model;
  Kokkos::View<ordinal_t*, MemorySpace> network_of, local_neuron;
  Kokkos::View<network_id_t*, MemorySpace> network_ids;
  ring_type spikes, drive;
  Kokkos::View<spike_count_t**, Kokkos::LayoutRight, MemorySpace> raster;
  Kokkos::View<std::uint64_t*, MemorySpace> clipped;
  std::uint64_t seed = 0;
  step_t step = 0;
  int slot = 0;            // ring slot of `step`
  step_t record_row = -1;  // raster row of `step`, or -1

  // g_i = r (sum_tau c(tau) drive(t-1-tau) + sum_tau self(tau) x_i(t-1-tau)) + b, summed in
  // ascending tau so the result is the same on every backend and thread count.
  KOKKOS_INLINE_FUNCTION real_t input(const ordinal_t i) const {
    const int g = network_of(i);
    const int T = model.kernel_length;
    real_t coupled = 0, self = 0;
    for (int tau = 0; tau < T; ++tau) {
      int s = slot - 1 - tau;
      if (s < 0) s += T;
      coupled += model.coupling_kernel(g, tau) * drive(s, i);
      self += model.self_kernel(g, tau) * spikes(s, i);
    }
    return model.r(g) * (coupled + self) + model.b(g);
  }

  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t i) const {
    const int g = network_of(i);
    const real_t lambda = apply_nonlinearity(model.nonlinearity, input(i), model.theta(g),
                                             model.gain(g), model.slope(g));
    const real_t mean = lambda * model.dt(g);  // expected spikes in this step
    spike_count_t x = 0;
    switch (model.emission) {
      case Emission::bernoulli: {
        real_t p = mean;
        if (!(p <= real_t(1)) || p < real_t(0)) {  // > 1, < 0 or NaN: clip and count
          Kokkos::atomic_add(&clipped(g), std::uint64_t(1));
          p = (p < real_t(0)) ? real_t(0) : real_t(1);
        }
        const auto u = random::uniform4(seed, network_ids(g), static_cast<std::uint32_t>(local_neuron(i)),
                                        step, random::emission);
        x = u.u[0] < p ? 1 : 0;
        break;
      }
      case Emission::threshold: x = lambda > real_t(0) ? 1 : 0; break;
      case Emission::poisson: break;  // rejected by the model builder until implemented
    }
    spikes(slot, i) = static_cast<real_t>(x);
    if (record_row >= 0) raster(record_row, i) = x;
  }
};

// Initial state: each neuron spiked in the step before step 0 with probability 1/2.
template <class MemorySpace>
struct RandomInitialSpikes {
  Kokkos::View<ordinal_t*, MemorySpace> network_of, local_neuron;
  Kokkos::View<network_id_t*, MemorySpace> network_ids;
  Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace> spikes;
  std::uint64_t seed = 0;
  int slot = 0;

  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t i) const {
    const auto bits = random::philox_bits(seed, network_ids(network_of(i)),
                                          static_cast<std::uint32_t>(local_neuron(i)), 0,
                                          random::initial_state);
    spikes(slot, i) = static_cast<real_t>(bits.v[0] >> 31);
  }
};

}  // namespace kascade::detail
