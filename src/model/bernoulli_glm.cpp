#include "kascade/model/bernoulli_glm.hpp"

#include "kascade/model/presets.hpp"

namespace kascade {

void validate(const BernoulliGLMParams& p) { bernoulli_glm(p); }

CascadeModel bernoulli_glm(const BernoulliGLMParams& p) {
  return build_bernoulli_glm(
      preset_defaults(find_preset("bernoulli_glm"), {{"theta", p.theta},
                                                     {"dt", p.dt},
                                                     {"coupling_window", p.coupling_window},
                                                     {"alpha", p.alpha},
                                                     {"abs_ref_scale", p.abs_ref_scale},
                                                     {"abs_ref_strength", p.abs_ref_strength},
                                                     {"rel_ref_scale", p.rel_ref_scale},
                                                     {"rel_ref_strength", p.rel_ref_strength},
                                                     {"beta", p.beta},
                                                     {"r", p.r}}));
}

}  // namespace kascade
