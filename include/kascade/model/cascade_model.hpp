#pragma once
// The composable linear-nonlinear cascade model of one network (host side):
//   g_i(t) = r * ( coupled_i(t) + sum_tau self(tau) x_i(t-1-tau) ) + background_i(t) + E_i(t)
//   lambda_i(t) = gain * phi(slope * (g_i(t) - theta))          (expected spikes per ms)
//   x_i(t) ~ emission(lambda_i(t) * dt)
// coupled_i(t) is either a finite kernel over the propagated spikes,
//   sum_tau c(tau) (W x)_i(t-1-tau)                      (Coupling::kernel, explicit taps),
// or an exponential trace kept per postsynaptic neuron by linearity, in O(1) per step whatever
// the kernel's length (Coupling::trace):
//   y_i <- decay y_i + gain (W x)_i(t-1) - gain decay^window (W x)_i(t-1-window)
// i.e. c(tau) = gain decay^tau for tau < window (window 0: no end). The GLMs' exponential
// coupling is such a trace with a window; the synaptic-activation models' s_j <- decay s_j +
// dt x_j is one without.
// Lag tau = 0 is the step just before the one computed. Presets (presets.hpp) fill it.
#include <string>
#include <vector>

#include "kascade/core/types.hpp"

namespace kascade {

enum class Nonlinearity {
  sigmoid,
  exponential,
  rectified_linear,
  identity,
  softplus,
  erfc,
  extension,  // phi supplied in C++ (model/extension.hpp)
};
enum class Emission {
  bernoulli,      // p = lambda dt, clipped to [0, 1] and counted
  bernoulli_exp,  // p = 1 - exp(-lambda dt)
  poisson,        // count ~ Poisson(lambda dt)
  threshold,      // x = [lambda > 0], i.e. [g > theta] with the identity
};
enum class Coupling { kernel, trace };
enum class BackgroundNoise {
  none,              // background = b
  sparse_gaussian,   // b (1 + n m), n ~ Normal(0, sigma), m ~ Bernoulli(rho)
  squared_gaussian,  // b (1 + n^2 m): the predecessor's ThresholdSAM (compatibility only)
};
enum class InitialState {
  random_spikes,      // each neuron spiked in the step before step 0 with probability 1/2
  random_activation,  // each activation s_j ~ Uniform[0, 1)
};

struct CascadeModel {
  std::string preset;
  Nonlinearity nonlinearity = Nonlinearity::sigmoid;
  Emission emission = Emission::bernoulli;
  Coupling coupling = Coupling::kernel;
  std::vector<real_t> coupling_kernel;     // Coupling::kernel: c(tau), tau = 0..
  std::vector<real_t> self_kernel;         // self(tau) (refractoriness), may be empty
  real_t trace_decay = 0, trace_gain = 0;  // Coupling::trace
  int trace_window = 0;                     // Coupling::trace: lags; 0 = no end
  real_t r = 1, b = 0, theta = 0, gain = 1, slope = 1, dt = 1;
  BackgroundNoise noise = BackgroundNoise::none;
  real_t noise_sigma = 0, noise_rho = 0;
  InitialState initial_state = InitialState::random_spikes;

  // Steps of spike history the kernels need (at least 1).
  int kernel_length() const;
};

const char* to_string(Nonlinearity f);
const char* to_string(Emission e);
// Parse the names above; throw InputError naming `key` for anything else.
Nonlinearity parse_nonlinearity(const std::string& name, const std::string& key);
Emission parse_emission(const std::string& name, const std::string& key);

}  // namespace kascade
