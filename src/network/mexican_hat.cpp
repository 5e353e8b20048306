#include "kascade/network/mexican_hat.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "kascade/core/error.hpp"

namespace kascade {

void validate(const MexicanHatParams& p) {
  require(std::isfinite(p.a), "networks.mexican_hat.a must be finite");
  require(p.sigma_1 > 0 && std::isfinite(p.sigma_1), "networks.mexican_hat.sigma_1 must be > 0");
  require(p.sigma_2 > 0 && std::isfinite(p.sigma_2), "networks.mexican_hat.sigma_2 must be > 0");
}

Network generate_mexican_hat(const MexicanHatParams& p, ordinal_t n) {
  validate(p);
  require(n >= 1, "networks.neurons must be at least 1");
  Network net;
  net.n_neurons = n;
  net.row_ptr.assign(static_cast<std::size_t>(n) + 1, 0);
  for (ordinal_t i = 0; i < n; ++i) {
    for (ordinal_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const int gap = std::abs(i - j);
      const double d = std::min(gap, n - gap);
      const double w = std::exp(-0.5 * (d / p.sigma_1) * (d / p.sigma_1)) -
                       p.a * std::exp(-0.5 * (d / p.sigma_2) * (d / p.sigma_2));
      if (static_cast<real_t>(w) == 0) continue;  // the predecessor keeps nonzero entries only
      net.presynaptic.push_back(j);
      net.weight.push_back(static_cast<real_t>(w));
    }
    net.row_ptr[i + 1] = net.presynaptic.size();
  }
  return net;
}

}  // namespace kascade
