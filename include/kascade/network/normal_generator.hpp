#pragma once
// Random networks with normally distributed weights (the predecessor's NormalGenerator, spec
// §5.3, without its defects). Each ordered pair j -> i, j != i, is a synapse with probability
// 1 - sparsity. Its weight is X ~ Normal(mean, std), divided by sqrt(N) when glorot is set.
// With Dale's law the first round(excitatory_fraction * N) neurons are excitatory and their
// weights are |X|, the others' are -|X| (the predecessor instead splits one matrix into
// complementary halves; for mean 0 both give the same marginal law per synapse).
// Cost O(synapses): candidate presynaptic neurons are visited by geometric skips.
#include <cstdint>

#include "kascade/core/types.hpp"
#include "kascade/network/network.hpp"

namespace kascade {

struct NormalGeneratorParams {
  ordinal_t n_neurons = 20;
  double mean = 0.0;
  double std = 1.0;
  double sparsity = 0.5;  // fraction of possible synapses that are absent, in [0, 1]
  bool glorot = false;
  bool dale = true;
  double excitatory_fraction = 0.5;
};

// Throws InputError naming the offending parameter.
void validate(const NormalGeneratorParams& p);

// Pure function of (params, seed, network id).
Network generate_normal(const NormalGeneratorParams& p, std::uint64_t seed, network_id_t network);

}  // namespace kascade
