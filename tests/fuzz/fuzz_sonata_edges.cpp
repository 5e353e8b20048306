// libFuzzer target: a recipe (fuzz_support.hpp) -> a SONATA edge file -> sonata_populations and
// load_sonata_population for each. kascade::InputError is the expected outcome of a bad file;
// anything else is a finding.
#include <cstdint>

#include "fuzz_support.hpp"
#include "kascade/core/error.hpp"
#include "kascade/network/loaders.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> datasets = {
      "/edges/a/source_node_id",   "/edges/a/target_node_id", "/edges/a/edge_group_id",
      "/edges/a/edge_group_index", "/edges/a/0/syn_weight",   "/edges/a/1/syn_weight",
      "/edges/b/source_node_id",   "/edges/b/target_node_id", "/edges/b/edge_group_id",
      "/edges/b/edge_group_index", "/edges/b/0/syn_weight",   "/edges/a/edge_type_id"};
  static const std::vector<std::string> attributes = {
      "/edges/a/source_node_id@node_population", "/edges/a/target_node_id@node_population",
      "/edges/b/source_node_id@node_population", "/edges/b/target_node_id@node_population"};
  const std::string& path = kascade::fuzz::scratch_path(".h5");
  kascade::fuzz::write_recipe(path, data, size, datasets, attributes);
  try {
    for (const std::string& population : kascade::sonata_populations(path)) {
      (void)kascade::load_sonata_population(path, population, 0, 1 << 20);
      (void)kascade::load_sonata_population(path, population, 300, 1 << 20);
    }
  } catch (const kascade::InputError&) {
  }
  return 0;
}
