#pragma once
// The models of one batch's networks on the device: one structure (nonlinearity, emission,
// kernel length) shared by the batch, every scalar parameter and kernel per network.
#include <Kokkos_Core.hpp>
#include <vector>

#include "kascade/model/cascade_model.hpp"

namespace kascade {

template <class MemorySpace>
struct BatchModel {
  Nonlinearity nonlinearity = Nonlinearity::sigmoid;
  Emission emission = Emission::bernoulli;
  int kernel_length = 1;
  Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace> coupling_kernel;  // [network][tau]
  Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace> self_kernel;      // [network][tau]
  Kokkos::View<real_t*, MemorySpace> r, b, theta, gain, slope, dt;         // [network]
};

// One model per network of the batch; all must share nonlinearity, emission and kernel length.
template <class MemorySpace>
BatchModel<MemorySpace> make_batch_model(const std::vector<const CascadeModel*>& models);

}  // namespace kascade
