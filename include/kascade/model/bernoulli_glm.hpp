#pragma once
// BernoulliGLM preset (predecessor spec §3.1): logistic GLM with Bernoulli spikes and a
// refractory self-kernel. alpha is the coupling decay, beta the relative-refractory decay (the
// predecessor's docstring swaps them; its code does not); r scales the whole sum, refractory
// kernel included; the relative window is inclusive (R + 1 lags when T > A + R).
#include "kascade/model/cascade_model.hpp"

namespace kascade {

struct BernoulliGLMParams {
  double theta = 5.0;
  double dt = 1.0;
  int coupling_window = 5;
  double alpha = 0.2;
  int abs_ref_scale = 3;
  double abs_ref_strength = -100.0;
  int rel_ref_scale = 7;
  double rel_ref_strength = -30.0;
  double beta = 0.5;
  double r = 1.0;
};

// Throws InputError naming the offending parameter (as `model.<name>`).
void validate(const BernoulliGLMParams& p);

// T = max(coupling_window, abs_ref_scale + rel_ref_scale), kernels in float32 as the predecessor.
CascadeModel bernoulli_glm(const BernoulliGLMParams& p);

}  // namespace kascade
