#include "kascade/network/network_source.hpp"

#include "kascade/core/error.hpp"
#include "kascade/random/philox.hpp"

namespace kascade {

ordinal_t NetworkSource::neurons(network_id_t g) const {
  if (!sizes.fixed.empty()) return sizes.fixed.size() == 1 ? sizes.fixed[0] : sizes.fixed.at(g);
  // A size drawn from the seed: index 0xffffffff keeps it apart from the per-neuron draws.
  const auto b = random::philox_bits(seed, g, 0xffffffffu, 0, random::connectivity);
  const double u = random::to_unit_double(b.v[0], b.v[1]);
  return sizes.min + static_cast<ordinal_t>(u * (static_cast<double>(sizes.max) - sizes.min + 1));
}

double NetworkSource::expected_synapses(network_id_t g) const {
  const double n = neurons(g);
  switch (kind) {
    case SourceKind::mexican_hat:
      return n * (n - 1);
    case SourceKind::random_graph:
      return random_graph.topology == Topology::bernoulli
                 ? random_graph.connection_probability * n *
                       (random_graph.self_connections ? n : n - 1)
                 : static_cast<double>(random_graph.indegree) * n;
  }
  return 0;
}

Network NetworkSource::make(network_id_t g) const {
  require(g < count, "networks: no network " + std::to_string(g));
  switch (kind) {
    case SourceKind::mexican_hat:
      return generate_mexican_hat(mexican_hat, neurons(g));
    case SourceKind::random_graph:
      return generate_random_graph(random_graph, neurons(g), seed, g);
  }
  return {};
}

}  // namespace kascade
