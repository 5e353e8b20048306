#pragma once
// Access to the reference fixtures (tests/data/glm_fixtures.h5, the predecessor's values) and
// small helpers shared by tests.
#include <cstdint>
#include <string>
#include <vector>

#include "kascade/network/network.hpp"

namespace kascade::test {

std::string data_path(const std::string& file);  // tests/data/<file>

// Reads a whole dataset of `file` converted to the requested type.
std::vector<float> read_floats(const std::string& file, const std::string& dataset);
std::vector<std::int64_t> read_ints(const std::string& file, const std::string& dataset);
std::vector<std::size_t> dataset_shape(const std::string& file, const std::string& dataset);
double read_number_attribute(const std::string& file, const std::string& object,
                             const std::string& name);

// networks/<name> of glm_fixtures.h5 (edge_index row 0 = presynaptic, row 1 = postsynaptic).
Network fixture_network(const std::string& name);

// The fixtures' float32 tolerance: |got - ref| <= 1e-5 + 1.3e-6 |ref|.
inline bool close_float32(double got, double ref) {
  const double d = got - ref;
  return (d < 0 ? -d : d) <= 1e-5 + 1.3e-6 * (ref < 0 ? -ref : ref);
}

}  // namespace kascade::test
