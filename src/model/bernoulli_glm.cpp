#include "kascade/model/bernoulli_glm.hpp"

#include <algorithm>
#include <cmath>

#include "kascade/core/error.hpp"

namespace kascade {

void validate(const BernoulliGLMParams& p) {
  for (auto [name, v] : {std::pair{"theta", p.theta}, {"alpha", p.alpha}, {"beta", p.beta},
                         {"abs_ref_strength", p.abs_ref_strength},
                         {"rel_ref_strength", p.rel_ref_strength}, {"r", p.r}, {"dt", p.dt}})
    require(std::isfinite(v), std::string("model.") + name + " must be finite");
  require(p.dt > 0, "model.dt must be > 0 (ms)");
  require(p.coupling_window >= 1, "model.coupling_window must be >= 1 (steps)");
  require(p.abs_ref_scale >= 0, "model.abs_ref_scale must be >= 0 (steps)");
  require(p.rel_ref_scale >= 0, "model.rel_ref_scale must be >= 0 (steps)");
  require(std::max(p.coupling_window, p.abs_ref_scale + p.rel_ref_scale) <= 100000,
          "model: kernel length above 100000 steps");
}

CascadeModel bernoulli_glm(const BernoulliGLMParams& p) {
  validate(p);
  CascadeModel m;
  m.preset = "bernoulli_glm";
  m.nonlinearity = Nonlinearity::sigmoid;
  m.emission = Emission::bernoulli;
  const int A = p.abs_ref_scale, R = p.rel_ref_scale;
  const int T = std::max(p.coupling_window, A + R);
  const auto dt = static_cast<float>(p.dt);
  const float alpha = std::fabs(static_cast<float>(p.alpha));
  const float beta = std::fabs(static_cast<float>(p.beta));
  m.coupling_kernel.assign(T, 0.0f);
  m.self_kernel.assign(T, 0.0f);
  for (int tau = 0; tau < T; ++tau) {
    if (tau < p.coupling_window) m.coupling_kernel[tau] = std::exp(-alpha * dt * static_cast<float>(tau));
    if (tau < A)
      m.self_kernel[tau] = static_cast<float>(p.abs_ref_strength);
    else if (tau <= A + R)
      m.self_kernel[tau] =
          static_cast<float>(p.rel_ref_strength) * std::exp(-beta * static_cast<float>(tau - A) * dt);
  }
  m.r = static_cast<real_t>(p.r);
  m.theta = static_cast<real_t>(p.theta);
  m.b = 0;
  m.gain = 1;
  m.slope = 1;
  m.dt = dt;
  return m;
}

}  // namespace kascade
