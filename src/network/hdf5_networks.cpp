// kascade's HDF5 connectivity layout, read a range of networks at a time and written serially. It
// is the connectivity part of kascade's output file, so a run's output can seed another run.
#include <climits>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common/hdf5_access.hpp"
#include "kascade/network/loaders.hpp"

namespace kascade {

using namespace detail;

namespace {

constexpr const char* kNeurons = "/networks/n_neurons";
constexpr const char* kOffsets = "/networks/synapse_offset";
constexpr const char* kSource = "/connectivity/source";
constexpr const char* kTarget = "/connectivity/target";
constexpr const char* kWeight = "/connectivity/weight";

// The one-network form's size: the integer attribute n_neurons of /connectivity.
std::int64_t single_network_size(hid_t f, const std::string& file) {
  H5Handle group(H5Gopen2(f, "/connectivity", H5P_DEFAULT), H5Gclose);
  std::int64_t n = 0;
  if (!one_integer_attribute(group, "n_neurons", n))
    input_error(file, "attribute n_neurons of /connectivity must be one integer");
  return n;
}

// Number of networks; checks that the tables that describe them agree.
std::uint64_t network_count(hid_t f, const std::string& file) {
  if (exists(f, "/networks")) {
    const Array1d n(f, file, kNeurons, true), offsets(f, file, kOffsets, true);
    if (offsets.size != n.size + 1)
      input_error(file, std::string(kOffsets) + " must have one entry more than " + kNeurons +
                            " (it has " + std::to_string(offsets.size) + ", " + kNeurons + " has " +
                            std::to_string(n.size) + ")");
    return n.size;
  }
  if (exists(f, "/connectivity") &&
      H5Aexists_by_name(f, "/connectivity", "n_neurons", H5P_DEFAULT) > 0)
    return 1;
  input_error(file, std::string("not a kascade connectivity file: it needs ") + kNeurons +
                        ", or an attribute n_neurons on /connectivity" +
                        (exists(f, "/edges") ? " (it looks like a SONATA edge file)" : ""));
}

// Rejects an index outside 0..n-1, naming the dataset and the network.
void check_indices(const std::vector<std::int64_t>& v, std::int64_t n, const std::string& file,
                   const char* dataset, std::uint64_t g) {
  for (std::int64_t x : v)
    if (x < 0 || x >= n)
      input_error(file, std::string(dataset) + " of network " + std::to_string(g) +
                            " names neuron " + std::to_string(x) + ", outside 0.." +
                            std::to_string(n - 1));
}

}  // namespace

std::uint64_t count_hdf5_networks(const std::string& file) {
  Hdf5Quiet quiet;
  const H5Handle f = open_input(file);
  return network_count(f, file);
}

Network load_hdf5_network(const std::string& file, std::uint64_t g, const LoadLimits& limits) {
  return std::move(load_hdf5_networks(file, g, 1, limits).front());
}

std::vector<Network> load_hdf5_networks(const std::string& file, const std::uint64_t first,
                                        const std::uint64_t count, const LoadLimits& limits) {
  Hdf5Quiet quiet;
  const H5Handle f = open_input(file);
  const std::uint64_t in_file = network_count(f, file);
  if (count > 0 && first + count - 1 >= in_file)
    input_error(file, "no network " + std::to_string(first + count - 1) + " (the file holds " +
                          std::to_string(in_file) + ")");
  const Array1d source(f, file, kSource, true), target(f, file, kTarget, true),
      weight(f, file, kWeight, false);
  if (target.size != source.size || weight.size != source.size)
    input_error(file, std::string(kSource) + ", " + kTarget + " and " + kWeight +
                          " differ in length (" + std::to_string(source.size) + ", " +
                          std::to_string(target.size) + ", " + std::to_string(weight.size) + ")");

  // Each network's size and edge range [begin, end), checked before any edge is read.
  std::vector<std::int64_t> n(count);
  std::vector<std::uint64_t> begin(count), end(count);
  const bool many = exists(f, "/networks");
  if (many && count > 0) {
    n = Array1d(f, file, kNeurons, true).read<std::int64_t>(H5T_NATIVE_INT64, first, count);
    const auto offsets =
        Array1d(f, file, kOffsets, true).read<std::uint64_t>(H5T_NATIVE_UINT64, first, count + 1);
    for (std::uint64_t k = 0; k < count; ++k) {
      begin[k] = offsets[k], end[k] = offsets[k + 1];
      if (begin[k] > end[k] || end[k] > source.size)
        input_error(file, std::string(kOffsets) + " gives network " + std::to_string(first + k) +
                              " the synapses " + std::to_string(begin[k]) + ".." +
                              std::to_string(end[k]) + ", which is not a range within " + kSource +
                              " (" + std::to_string(source.size) + " entries)");
    }
  } else if (count > 0) {
    n[0] = single_network_size(f, file), begin[0] = 0, end[0] = source.size;
  }
  for (std::uint64_t k = 0; k < count; ++k) {
    const std::string which = "network " + std::to_string(first + k);
    if (n[k] > limits.neurons && n[k] <= kMostNeurons)
      input_error(file, which + " has " + std::to_string(n[k]) +
                            " neurons, more than simulation.memory_budget_gib allows");
    if (end[k] - begin[k] > limits.synapses)
      input_error(file, which + " has " + std::to_string(end[k] - begin[k]) +
                            " synapses, more than simulation.memory_budget_gib allows");
    if (n[k] < 1 || n[k] > kMostNeurons)
      input_error(file, which + " has " + std::to_string(n[k]) + " neurons (needs 1.." +
                            std::to_string(kMostNeurons) + ")");
  }

  // Edges in reads of consecutive networks of up to ~4 M edges (one network's, if more): a
  // call per network cost ~1.5 ms (20 000 networks of 40 neurons: 29 s), and one read of the
  // whole range would hold 20 bytes an edge of it at once.
  constexpr std::uint64_t read_edges = std::uint64_t(1) << 22;
  std::vector<Network> out;
  out.reserve(count);
  for (std::uint64_t k0 = 0; k0 < count;) {
    std::uint64_t k1 = k0 + 1;  // networks [k0, k1) in this read, contiguous in the file...
    while (k1 < count && begin[k1] == end[k1 - 1] && end[k1] - begin[k0] <= read_edges) ++k1;
    const std::uint64_t at = begin[k0], edges = end[k1 - 1] - at;  // ...from edge `at`
    const auto src = source.read<std::int64_t>(H5T_NATIVE_INT64, at, edges);
    const auto dst = target.read<std::int64_t>(H5T_NATIVE_INT64, at, edges);
    const auto w = weight.read<real_t>(H5T_NATIVE_FLOAT, at, edges);
    for (std::uint64_t k = k0; k < k1; ++k) {
      const auto e0 = static_cast<std::ptrdiff_t>(begin[k] - at),
                 e1 = static_cast<std::ptrdiff_t>(end[k] - at);
      const std::vector<std::int64_t> s(src.begin() + e0, src.begin() + e1),
          d(dst.begin() + e0, dst.begin() + e1);
      check_indices(s, n[k], file, kSource, first + k);
      check_indices(d, n[k], file, kTarget, first + k);
      for (std::ptrdiff_t e = e0; e < e1; ++e)
        if (!std::isfinite(w[static_cast<std::size_t>(e)]))
          input_error(file, std::string(kWeight) + " of network " + std::to_string(first + k) +
                                " is not a finite float32 number at entry " +
                                std::to_string(at + static_cast<std::uint64_t>(e)));
      out.push_back(Network::from_edges(static_cast<ordinal_t>(n[k]),
                                        std::vector<ordinal_t>(s.begin(), s.end()),
                                        std::vector<ordinal_t>(d.begin(), d.end()),
                                        std::vector<real_t>(w.begin() + e0, w.begin() + e1)));
    }
    k0 = k1;
  }
  return out;
}

void write_hdf5_networks(const std::string& file, const std::vector<const Network*>& nets) {
  std::vector<std::uint32_t> n_neurons, source, target;
  std::vector<std::uint64_t> offsets{0};
  std::vector<float> weight;
  for (const Network* net : nets) {
    n_neurons.push_back(static_cast<std::uint32_t>(net->n_neurons));
    for (ordinal_t i = 0; i < net->n_neurons; ++i)
      for (offset_t k = net->row_ptr[i]; k < net->row_ptr[i + 1]; ++k) {
        source.push_back(static_cast<std::uint32_t>(net->presynaptic[k]));
        target.push_back(static_cast<std::uint32_t>(i));
        weight.push_back(net->weight[k]);
      }
    offsets.push_back(source.size());
  }
  Hdf5Quiet quiet;
  NewHdf5File f(file);
  f.write([&] {
    write_string_attribute(f, "format", "kascade-networks");
    const H5Handle networks = create_group(f, "networks");
    write_1d(networks, "n_neurons", H5T_STD_U32LE, H5T_NATIVE_UINT32, n_neurons);
    write_1d(networks, "synapse_offset", H5T_STD_U64LE, H5T_NATIVE_UINT64, offsets);
    const H5Handle connectivity = create_group(f, "connectivity");
    write_1d(connectivity, "source", H5T_STD_U32LE, H5T_NATIVE_UINT32, source);
    write_1d(connectivity, "target", H5T_STD_U32LE, H5T_NATIVE_UINT32, target);
    write_1d(connectivity, "weight", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, weight);
  });
  f.close();
}

}  // namespace kascade
