#pragma once
// Kernel shapes shared by the presets, computed in float32 in the predecessor's order of
// operations so that its reference filters are reproduced. Index = lag (0 = previous step).
#include <vector>

#include "kascade/core/types.hpp"

namespace kascade {

// c(lag) = exp(-decay * dt * lag) for lag < window, 0 up to length.
std::vector<real_t> exponential_kernel(int length, int window, float decay, float dt);

// c(lag) = exp(-lag * dt / tau) for lag < length (PoissonGLM, RectifiedLNP).
std::vector<real_t> time_constant_kernel(int length, float dt, float tau);

// abs_strength for lag < A; rel_strength exp(-decay (lag - A) dt) for A <= lag <= A + R
// (inclusive); 0 otherwise, up to length.
std::vector<real_t> refractory_kernel(int length, int A, float abs_strength, int R,
                                      float rel_strength, float decay, float dt);

}  // namespace kascade
