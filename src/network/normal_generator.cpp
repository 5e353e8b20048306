#include "kascade/network/normal_generator.hpp"

#include <cmath>

#include "kascade/core/error.hpp"
#include "kascade/random/philox.hpp"

namespace kascade {

void validate(const NormalGeneratorParams& p) {
  require(p.n_neurons >= 1, "networks.neurons must be at least 1");
  require(std::isfinite(p.mean), "networks.normal.mean must be finite");
  require(std::isfinite(p.std) && p.std >= 0, "networks.normal.std must be finite and >= 0");
  require(p.sparsity >= 0 && p.sparsity <= 1, "networks.normal.sparsity must be in [0, 1]");
  require(p.excitatory_fraction >= 0 && p.excitatory_fraction <= 1,
          "networks.normal.excitatory_fraction must be in [0, 1]");
}

Network generate_normal(const NormalGeneratorParams& p, std::uint64_t seed, network_id_t network) {
  validate(p);
  const ordinal_t n = p.n_neurons;
  const double connect = 1.0 - p.sparsity;
  const double log_miss = std::log1p(-connect);  // log(1 - p): -inf when p == 1
  const double scale = p.glorot ? 1.0 / std::sqrt(static_cast<double>(n)) : 1.0;
  const auto n_excitatory = static_cast<ordinal_t>(std::lround(p.excitatory_fraction * n));

  Network net;
  net.n_neurons = n;
  net.row_ptr.assign(static_cast<std::size_t>(n) + 1, 0);
  if (connect > 0) {
    const double expected = connect * n * (n - 1.0);
    net.presynaptic.reserve(static_cast<std::size_t>(expected * 1.05 + 16));
    net.weight.reserve(net.presynaptic.capacity());
  }
  for (ordinal_t i = 0; i < n; ++i) {
    // Row i: visit candidates j = 0..n-1 by geometric skips; draw k uses counter (i, k).
    std::int64_t j = -1;
    for (std::int64_t k = 0; connect > 0; ++k) {
      const random::Bits4 b =
          random::philox_bits(seed, network, static_cast<std::uint32_t>(i), k, random::connectivity);
      if (connect < 1) {
        const double u = 1.0 - random::to_unit_double(b.v[0], b.v[1]);  // (0, 1]
        j += 1 + static_cast<std::int64_t>(std::floor(std::log(u) / log_miss));
      } else {
        j += 1;
      }
      if (j >= n) break;
      if (j == i) continue;
      // Box-Muller from two 32-bit uniforms (one normal per draw).
      const double u1 = 1.0 - (b.v[2] >> 8) * (1.0 / 16777216.0);  // (0, 1]
      const double u2 = (b.v[3] >> 8) * (1.0 / 16777216.0);
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
      double w = (p.mean + p.std * z) * scale;
      if (p.dale) w = (j < n_excitatory) ? std::fabs(w) : -std::fabs(w);
      net.presynaptic.push_back(static_cast<ordinal_t>(j));
      net.weight.push_back(static_cast<real_t>(w));
    }
    net.row_ptr[i + 1] = net.presynaptic.size();
  }
  return net;
}

}  // namespace kascade
