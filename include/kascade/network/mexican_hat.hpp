#pragma once
// The predecessor's MexicanHatGenerator (spec §5.5): a ring of N neurons, no randomness.
// d = min(|i - j|, N - |i - j|), W_ji = exp(-(d/sigma_1)^2 / 2) - a exp(-(d/sigma_2)^2 / 2),
// no self-synapses. Symmetric, so the direction convention does not matter.
#include "kascade/network/network.hpp"

namespace kascade {

struct MexicanHatParams {
  double a = 1.0015;
  double sigma_1 = 6.98;
  double sigma_2 = 7.0;
};

void validate(const MexicanHatParams& p);
Network generate_mexican_hat(const MexicanHatParams& p, ordinal_t n_neurons);

}  // namespace kascade
