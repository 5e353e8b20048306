#pragma once
// The models of one batch's networks on the device: one structure (nonlinearity, emission,
// coupling kind, noise kind, initial state) shared by the batch, every scalar parameter and
// kernel per network. Kernels are zero-padded to the longest in the batch, which leaves every
// network's sums unchanged.
#include <Kokkos_Core.hpp>
#include <vector>

#include "kascade/model/cascade_model.hpp"

namespace kascade {

template <class MemorySpace>
struct BatchModel {
  Nonlinearity nonlinearity = Nonlinearity::sigmoid;
  Emission emission = Emission::bernoulli;
  Coupling coupling = Coupling::kernel;
  BackgroundNoise noise = BackgroundNoise::none;
  InitialState initial_state = InitialState::random_spikes;
  int kernel_length = 1;  // ring length: lags of history kept
  int self_length = 0;    // lags with a nonzero self kernel (trailing zeros cut)
  Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace> coupling_kernel;  // [network][lag]
  Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace> self_kernel;      // [network][lag]
  // [network]
  Kokkos::View<real_t*, MemorySpace> r, b, theta, gain, slope, dt, trace_decay, trace_gain,
      trace_tail, noise_sigma, noise_rho;
  Kokkos::View<int*, MemorySpace> trace_window;  // 0: no end
};

// One model per network of the batch; all must share the structure above.
template <class MemorySpace>
BatchModel<MemorySpace> make_batch_model(const std::vector<const CascadeModel*>& models);

}  // namespace kascade
