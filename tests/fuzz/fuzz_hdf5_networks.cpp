// libFuzzer target: a recipe (fuzz_support.hpp) -> a kascade-layout HDF5 connectivity file ->
// count_hdf5_networks and load_hdf5_network for its first networks. kascade::InputError is the
// expected outcome of a bad file; anything else is a finding.
#include <cstdint>

#include "fuzz_support.hpp"
#include "kascade/core/error.hpp"
#include "kascade/network/loaders.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> datasets = {
      "/networks/n_neurons",  "/networks/synapse_offset", "/connectivity/source",
      "/connectivity/target", "/connectivity/weight",     "/edges/net/source_node_id"};
  static const std::vector<std::string> attributes = {"/connectivity@n_neurons"};
  const std::string& path = kascade::fuzz::scratch_path(".h5");
  kascade::fuzz::write_recipe(path, data, size, datasets, attributes);
  try {
    const std::uint64_t n = kascade::count_hdf5_networks(path);
    for (std::uint64_t g = 0; g < n && g < 4; ++g) (void)kascade::load_hdf5_network(path, g, 4096);
  } catch (const kascade::InputError&) {
  }
  return 0;
}
