#pragma once
// The composable linear-nonlinear cascade model of one network (host side):
//   g_i(t) = r * ( sum_tau c(tau) (W x)(t-1-tau)_i + sum_tau self(tau) x_i(t-1-tau) ) + b + E_i(t)
//   lambda_i(t) = gain * phi(slope * (g_i(t) - theta))          (expected spikes per ms)
//   x_i(t) ~ emission(lambda_i(t) * dt)
// Lag tau = 0 is the step just before the one computed. Presets (bernoulli_glm.hpp, ...) fill it.
#include <string>
#include <vector>

#include "kascade/core/types.hpp"

namespace kascade {

enum class Nonlinearity { sigmoid, exponential, rectified_linear, identity };
enum class Emission { bernoulli, poisson, threshold };

struct CascadeModel {
  std::string preset;
  Nonlinearity nonlinearity = Nonlinearity::sigmoid;
  Emission emission = Emission::bernoulli;
  std::vector<real_t> coupling_kernel;  // c(tau), tau = 0..T-1
  std::vector<real_t> self_kernel;      // self(tau), tau = 0..T-1 (refractoriness)
  real_t r = 1, b = 0, theta = 0, gain = 1, slope = 1, dt = 1;

  int kernel_length() const { return static_cast<int>(coupling_kernel.size()); }
};

const char* to_string(Nonlinearity f);
const char* to_string(Emission e);

}  // namespace kascade
