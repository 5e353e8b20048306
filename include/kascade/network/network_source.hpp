#pragma once
// Where a dataset's networks come from: a generator (with a size per network) or a file. A pure
// description: make(g) builds network g on any rank, the same every time.
#include <cstdint>
#include <string>
#include <vector>

#include "kascade/network/loaders.hpp"
#include "kascade/network/mexican_hat.hpp"
#include "kascade/network/random_graph.hpp"

namespace kascade {

enum class SourceKind { random_graph, mexican_hat, npy_directory, hdf5_file, sonata_file };

struct NetworkSizes {
  std::vector<ordinal_t> fixed;  // one size for all, or one per network
  ordinal_t min = 0, max = 0;    // when `fixed` is empty: uniform integer in [min, max] per network
};

struct NetworkSource {
  std::uint64_t count = 1;
  std::uint64_t seed = 0;
  NetworkSizes sizes;
  SourceKind kind = SourceKind::random_graph;
  RandomGraphParams random_graph;
  MexicanHatParams mexican_hat;
  std::string path;                // file sources: the file
  std::vector<std::string> items;  // npy: file of each network; sonata: population of each
  LoadLimits limits;               // file networks beyond them are refused before loading

  bool from_file() const { return kind >= SourceKind::npy_directory; }
  // Generated sources only: known before any network is made.
  ordinal_t neurons(network_id_t g) const;
  double expected_synapses(network_id_t g) const;
  // Relative cost of simulating network g for one step (load balancing); files count 1 each.
  double cost(network_id_t g, int kernel_length) const;
  Network make(network_id_t g) const;
  // Networks [first, first + count), as make() each (an HDF5 file is opened once for them).
  std::vector<Network> make_range(network_id_t first, std::uint64_t count) const;

  // A file source: lists its networks (all of them, or the first `count` when count > 0).
  static NetworkSource from_file(SourceKind kind, const std::string& path, std::uint64_t count);
};

}  // namespace kascade
