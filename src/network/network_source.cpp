#include "kascade/network/network_source.hpp"

#include "kascade/core/error.hpp"
#include "kascade/network/loaders.hpp"
#include "kascade/random/philox.hpp"

namespace kascade {

ordinal_t NetworkSource::neurons(network_id_t g) const {
  require(!from_file(), "networks: sizes of file networks are known only once loaded");
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
    case SourceKind::npy_directory:
    case SourceKind::hdf5_file:
    case SourceKind::sonata_file:
      return 0;  // unknown before loading
    case SourceKind::random_graph:
      return random_graph.topology == Topology::bernoulli
                 ? random_graph.connection_probability * n *
                       (random_graph.self_connections ? n : n - 1)
                 : static_cast<double>(random_graph.indegree) * n;
  }
  return 0;
}

double NetworkSource::cost(network_id_t g, int kernel_length) const {
  if (from_file()) return 1.0;
  return expected_synapses(g) + static_cast<double>(neurons(g)) * kernel_length;
}

NetworkSource NetworkSource::from_file(SourceKind kind, const std::string& path,
                                       std::uint64_t count) {
  NetworkSource s;
  s.kind = kind;
  s.path = path;
  std::uint64_t available = 0;
  if (kind == SourceKind::npy_directory) {
    s.items = list_npy_directory(path);
    available = s.items.size();
  } else if (kind == SourceKind::sonata_file) {
    s.items = sonata_populations(path);
    available = s.items.size();
  } else {
    available = count_hdf5_networks(path);
  }
  require(available > 0, path + ": holds no networks");
  require(count <= available, "networks.count is " + std::to_string(count) + " but " + path +
                                  " holds " + count_text(available, "network"));
  s.count = count > 0 ? count : available;
  if (!s.items.empty()) s.items.resize(s.count);
  return s;
}

Network NetworkSource::make(network_id_t g) const {
  require(g < count, "networks: no network " + std::to_string(g));
  switch (kind) {
    case SourceKind::npy_directory:
      return load_npy(items[g], limits);
    case SourceKind::hdf5_file:
      return load_hdf5_network(path, g, limits);
    case SourceKind::sonata_file:
      return load_sonata_population(path, items[g], 0, limits);
    case SourceKind::mexican_hat:
      return generate_mexican_hat(mexican_hat, neurons(g));
    case SourceKind::random_graph:
      return generate_random_graph(random_graph, neurons(g), seed, g);
  }
  return {};
}

std::vector<Network> NetworkSource::make_range(const network_id_t first,
                                               const std::uint64_t n) const {
  if (kind == SourceKind::hdf5_file && n > 0) {
    try {
      require(first + n <= count, "networks: no network " + std::to_string(first + n - 1));
      return load_hdf5_networks(path, first, n, limits);
    } catch (const InputError&) {  // the first network's error, as one by one would find it
      for (std::uint64_t k = 0; k < n; ++k) make(first + k);
      throw;
    }
  }
  std::vector<Network> out;
  out.reserve(n);
  for (std::uint64_t k = 0; k < n; ++k) out.push_back(make(first + k));
  return out;
}

}  // namespace kascade
