#include "kascade/network/random_graph.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_set>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/core/name_hint.hpp"
#include "kascade/random/philox.hpp"

namespace kascade {

namespace {

constexpr double kTwoPi = 6.283185307179586;

double unit24(std::uint32_t bits) { return (bits >> 8) * (1.0 / 16777216.0); }

// One weight from two 32-bit words, by the law's inverse transform or Box-Muller.
double draw_weight(const RandomGraphParams& p, std::uint32_t w2, std::uint32_t w3) {
  switch (p.weights) {
    case WeightLaw::normal:
    case WeightLaw::lognormal: {
      const double u1 = 1.0 - unit24(w2);  // (0, 1]
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * unit24(w3));
      return p.weights == WeightLaw::normal ? p.a + p.b * z : std::exp(p.a + p.b * z);
    }
    case WeightLaw::uniform:
      return p.a + (p.b - p.a) * unit24(w2);
    case WeightLaw::constant:
      return p.a;
  }
  return 0;
}

struct Signs {
  const RandomGraphParams& p;
  double scale;
  ordinal_t n_excitatory;
  std::vector<char> excitatory;  // per neuron (random_types), else empty: the first n_excitatory
  real_t operator()(ordinal_t j, double w) const {
    w *= scale;
    const bool positive = excitatory.empty() ? j < n_excitatory : excitatory[j] != 0;
    if (p.dale) w = positive ? std::fabs(w) : -std::fabs(w) * p.inhibitory_scale;
    return static_cast<real_t>(w);
  }
};

// Which `e` of n neurons are excitatory (random_types): the first e of a Fisher-Yates shuffle
// whose draw k uses counter (k, network) of its own stream.
std::vector<char> random_excitatory(ordinal_t n, ordinal_t e, std::uint64_t seed,
                                    network_id_t network) {
  std::vector<ordinal_t> order(static_cast<std::size_t>(n));
  for (ordinal_t i = 0; i < n; ++i) order[i] = i;
  std::vector<char> excitatory(static_cast<std::size_t>(n), 0);
  for (ordinal_t k = 0; k < e; ++k) {
    const auto b =
        random::philox_bits(seed, network, static_cast<std::uint32_t>(k), 0, random::neuron_types);
    const double u = random::to_unit_double(b.v[0], b.v[1]);  // [0, 1)
    const auto pick = k + std::min<ordinal_t>(n - 1 - k, static_cast<ordinal_t>(u * (n - k)));
    std::swap(order[k], order[pick]);
    excitatory[order[k]] = 1;
  }
  return excitatory;
}

// Row i by geometric skips over candidates j = 0..n-1; draw k uses counter (i, k).
void bernoulli_row(const RandomGraphParams& p, ordinal_t n, ordinal_t i, std::uint64_t seed,
                   network_id_t network, const Signs& sign, Network& net) {
  const double q = p.connection_probability;
  if (q <= 0) return;
  const double log_miss = std::log1p(-q);
  std::int64_t j = -1;
  for (std::int64_t k = 0;; ++k) {
    const auto b =
        random::philox_bits(seed, network, static_cast<std::uint32_t>(i), k, random::connectivity);
    if (q < 1) {
      const double u = 1.0 - random::to_unit_double(b.v[0], b.v[1]);  // (0, 1]
      const double skip = std::floor(std::log(u) / log_miss);
      if (!(skip < static_cast<double>(n - 1 - j))) break;  // past the row (or inf for tiny p)
      j += 1 + static_cast<std::int64_t>(skip);
    } else {
      j += 1;
    }
    if (j >= n) break;
    if (j == i && !p.self_connections) continue;
    net.presynaptic.push_back(static_cast<ordinal_t>(j));
    net.weight.push_back(sign(static_cast<ordinal_t>(j), draw_weight(p, b.v[2], b.v[3])));
  }
}

// Row i: k distinct partners by Floyd's sampling over the n (or n - 1 without self) candidates.
void indegree_row(const RandomGraphParams& p, ordinal_t n, ordinal_t i, std::uint64_t seed,
                  network_id_t network, const Signs& sign, Network& net) {
  const std::int64_t candidates = p.self_connections ? n : n - 1;
  std::vector<std::int64_t> chosen;
  chosen.reserve(static_cast<std::size_t>(p.indegree));
  std::unordered_set<std::int64_t> taken_set;  // O(1) membership keeps the row O(k)
  taken_set.reserve(static_cast<std::size_t>(p.indegree) * 2);
  std::int64_t k = 0;
  for (std::int64_t top = candidates - p.indegree; top < candidates; ++top, ++k) {
    const auto b =
        random::philox_bits(seed, network, static_cast<std::uint32_t>(i), k, random::connectivity);
    const auto t = static_cast<std::int64_t>(random::to_unit_double(b.v[0], b.v[1]) * (top + 1));
    const std::int64_t pick = taken_set.count(t) ? top : t;
    taken_set.insert(pick);
    chosen.push_back(pick);
  }
  std::sort(chosen.begin(), chosen.end());
  // Weights drawn afterwards in partner order, one counter per partner (stream of row i).
  for (std::size_t e = 0; e < chosen.size(); ++e, ++k) {
    std::int64_t j = chosen[e];
    if (!p.self_connections && j >= i) ++j;  // candidate index -> neuron, skipping i
    const auto b =
        random::philox_bits(seed, network, static_cast<std::uint32_t>(i), k, random::connectivity);
    net.presynaptic.push_back(static_cast<ordinal_t>(j));
    net.weight.push_back(sign(static_cast<ordinal_t>(j), draw_weight(p, b.v[2], b.v[3])));
  }
}

}  // namespace

WeightLaw parse_weight_law(const std::string& name, const std::string& key) {
  if (name == "normal") return WeightLaw::normal;
  if (name == "uniform") return WeightLaw::uniform;
  if (name == "lognormal") return WeightLaw::lognormal;
  if (name == "constant") return WeightLaw::constant;
  throw InputError(not_one_of(key, {"normal", "uniform", "lognormal", "constant"}, name));
}

void validate(const RandomGraphParams& p, ordinal_t n, const std::string& prefix) {
  require(n >= 1, prefix + "neurons must be at least 1");
  for (double v : {p.a, p.b, p.connection_probability, p.excitatory_fraction, p.inhibitory_scale})
    require(std::isfinite(v), prefix + "parameters must be finite");
  if (p.topology == Topology::bernoulli)
    require(p.connection_probability >= 0 && p.connection_probability <= 1,
            prefix + "connection probability must be in [0, 1]");
  else
    require(p.indegree >= 0 && p.indegree <= (p.self_connections ? n : n - 1),
            prefix + "k (the in-degree) must be in [0, " +
                std::to_string(p.self_connections ? n : n - 1) + "] for " + std::to_string(n) +
                " neurons");
  if (p.weights == WeightLaw::normal || p.weights == WeightLaw::lognormal)
    require(p.b >= 0,
            prefix + (p.weights == WeightLaw::normal ? "std" : "sigma") + " must be >= 0");
  if (p.weights == WeightLaw::uniform) require(p.a <= p.b, prefix + "low must be <= high");
  require(p.excitatory_fraction >= 0 && p.excitatory_fraction <= 1,
          prefix + "excitatory_fraction must be in [0, 1]");
  require(p.inhibitory_scale >= 0, prefix + "inhibitory_scale must be >= 0");
}

Network generate_random_graph(const RandomGraphParams& p, ordinal_t n, std::uint64_t seed,
                              network_id_t network) {
  validate(p, n, "networks.");
  const auto n_excitatory = static_cast<ordinal_t>(std::lround(p.excitatory_fraction * n));
  const Signs sign{p, p.glorot ? 1.0 / std::sqrt(static_cast<double>(n)) : 1.0, n_excitatory,
                   p.dale && p.random_types ? random_excitatory(n, n_excitatory, seed, network)
                                            : std::vector<char>{}};
  Network net;
  net.n_neurons = n;
  net.row_ptr.assign(static_cast<std::size_t>(n) + 1, 0);
  const double expected = p.topology == Topology::bernoulli
                              ? p.connection_probability * n * static_cast<double>(n)
                              : static_cast<double>(p.indegree) * n;
  net.presynaptic.reserve(static_cast<std::size_t>(expected * 1.05 + 16));
  net.weight.reserve(net.presynaptic.capacity());
  for (ordinal_t i = 0; i < n; ++i) {
    if (p.topology == Topology::bernoulli)
      bernoulli_row(p, n, i, seed, network, sign, net);
    else
      indegree_row(p, n, i, seed, network, sign, net);
    net.row_ptr[i + 1] = net.presynaptic.size();
  }
  return net;
}

}  // namespace kascade
