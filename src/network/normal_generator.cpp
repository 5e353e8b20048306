#include "kascade/network/normal_generator.hpp"

#include <cmath>

#include "kascade/core/error.hpp"
#include "kascade/network/random_graph.hpp"

namespace kascade {

namespace {

RandomGraphParams as_random_graph(const NormalGeneratorParams& p) {
  RandomGraphParams g;
  g.topology = Topology::bernoulli;
  g.connection_probability = 1.0 - p.sparsity;
  g.weights = WeightLaw::normal;
  g.a = p.mean;
  g.b = p.std;
  g.glorot = p.glorot;
  g.dale = p.dale;
  g.excitatory_fraction = p.excitatory_fraction;
  return g;
}

}  // namespace

void validate(const NormalGeneratorParams& p) {
  require(p.sparsity >= 0 && p.sparsity <= 1, "networks.normal.sparsity must be in [0, 1]");
  require(std::isfinite(p.mean), "networks.normal.mean must be finite");
  require(std::isfinite(p.std) && p.std >= 0, "networks.normal.std must be finite and >= 0");
  validate(as_random_graph(p), p.n_neurons, "networks.normal.");
}

Network generate_normal(const NormalGeneratorParams& p, std::uint64_t seed, network_id_t network) {
  validate(p);
  return generate_random_graph(as_random_graph(p), p.n_neurons, seed, network);
}

}  // namespace kascade
