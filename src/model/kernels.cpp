#include "kascade/model/kernels.hpp"

#include <cmath>

namespace kascade {

std::vector<real_t> exponential_kernel(int length, int window, float decay, float dt) {
  std::vector<real_t> c(static_cast<std::size_t>(length), 0.0f);
  for (int lag = 0; lag < length && lag < window; ++lag)
    c[lag] = std::exp(-decay * dt * static_cast<float>(lag));
  return c;
}

std::vector<real_t> time_constant_kernel(int length, float dt, float tau) {
  std::vector<real_t> c(static_cast<std::size_t>(length));
  for (int lag = 0; lag < length; ++lag) c[lag] = std::exp(static_cast<float>(-lag) * dt / tau);
  return c;
}

std::vector<real_t> refractory_kernel(int length, int A, float abs_strength, int R,
                                      float rel_strength, float decay, float dt) {
  std::vector<real_t> k(static_cast<std::size_t>(length), 0.0f);
  for (int lag = 0; lag < length; ++lag) {
    if (lag < A)
      k[lag] = abs_strength;
    else if (lag <= A + R)
      k[lag] = rel_strength * std::exp(-decay * static_cast<float>(lag - A) * dt);
  }
  return k;
}

}  // namespace kascade
