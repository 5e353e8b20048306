#pragma once
// Per-network values taken from an HDF5 file instead of written into the deck, e.g. the tuned
// thetas of an earlier `kascade tune` (docs/input-reference.md, "Per-network values").
#include <cstddef>
#include <string>
#include <vector>

namespace kascade {

// The first `count` entries of the 1-D numeric dataset at the absolute path `dataset`
// ("/tuning/theta") of the HDF5 file `file`, as doubles: entry g for network g. An InputError
// "<file>: <what>" if the file, the dataset, its shape or its length does not serve.
std::vector<double> read_per_network_values(const std::string& file, const std::string& dataset,
                                            std::size_t count);

// A deck key whose values came from a file, for messages about them.
struct ValueSource {
  std::string key;     // dotted: "model.theta"
  std::string source;  // "/tuning/theta in <the path opened>"
  std::string file;    // the path opened
};

// `message` with "; <key> from <source>" for each key it names (model.tau, not model.tau_ref)
// whose values came from a file, unless it names that source already.
std::string with_value_sources(const std::string& message, const std::vector<ValueSource>& sources);

}  // namespace kascade
