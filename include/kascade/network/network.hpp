#pragma once
// One network's connectivity on the host, in compressed sparse rows whose rows are the
// postsynaptic neurons: row i lists the presynaptic neurons j (ascending) with weights W0_ji.
// Summing a row in that order is the fixed order the reproducibility contract relies on.
#include <vector>

#include "kascade/core/types.hpp"

namespace kascade {

struct Network {
  ordinal_t n_neurons = 0;
  std::vector<offset_t> row_ptr{0};    // size n_neurons + 1
  std::vector<ordinal_t> presynaptic;  // size n_synapses, ascending within a row
  std::vector<real_t> weight;          // size n_synapses

  offset_t n_synapses() const { return presynaptic.size(); }

  // From an edge list (source = presynaptic, target = postsynaptic), in any order. Duplicate
  // edges and self-edges are kept as given; exact-zero weights remain edges.
  static Network from_edges(ordinal_t n_neurons, const std::vector<ordinal_t>& source,
                            const std::vector<ordinal_t>& target, const std::vector<real_t>& w);
};

// Some networks: pointers to networks held elsewhere, or to those `made` for the piece.
struct NetworkPiece {
  std::vector<Network> made;
  std::vector<const Network*> nets;
};

}  // namespace kascade
