#pragma once
// Random directed graphs with random weights, reproducible from (seed, network id) alone so that
// a network is the same whichever rank makes it. Topology x weight law x sign rule:
//   topology  Bernoulli: each ordered pair j -> i exists with probability p (Erdos-Renyi; the
//             normal and uniform generators), visited by geometric skips: O(synapses);
//             fixed in-degree: every neuron gets exactly k distinct presynaptic partners.
//   weights   normal(a = mean, b = std), uniform(a = low, b = high), lognormal(a = mu, b = sigma)
//             or constant(a); divided by sqrt(N) with glorot.
//   signs     Dale's law: round(excitatory_fraction N) neurons are excitatory, their weights
//             |w|; the others' -|w| (times inhibitory_scale). The first ones, or a set drawn
//             from (seed, network id) (random_types: a neuron's index then tells nothing of its
//             type). Without Dale: as drawn.
// Row i of the result lists the presynaptic partners of neuron i in ascending order.
#include <cstdint>
#include <string>

#include "kascade/core/types.hpp"
#include "kascade/network/network.hpp"

namespace kascade {

enum class Topology { bernoulli, fixed_indegree };
enum class WeightLaw { normal, uniform, lognormal, constant };

struct RandomGraphParams {
  Topology topology = Topology::bernoulli;
  double connection_probability = 0.1;  // Topology::bernoulli
  std::int64_t indegree = 10;           // Topology::fixed_indegree
  WeightLaw weights = WeightLaw::normal;
  double a = 0.0, b = 1.0;  // law parameters (see above)
  bool glorot = false;
  bool dale = false;
  double excitatory_fraction = 0.8;
  double inhibitory_scale = 1.0;  // multiplies |w| of inhibitory neurons under Dale's law
  bool random_types = false;      // Dale's law: excitatory neurons drawn per network, not 0 .. E-1
  bool self_connections = false;
};

// Throws InputError naming `prefix`<parameter> when a value is impossible for n neurons.
void validate(const RandomGraphParams& p, ordinal_t n_neurons, const std::string& prefix);

Network generate_random_graph(const RandomGraphParams& p, ordinal_t n_neurons, std::uint64_t seed,
                              network_id_t network);

WeightLaw parse_weight_law(const std::string& name, const std::string& key);

}  // namespace kascade
