// SONATA edge files (https://github.com/AllenInstitute/sonata): each edge population is one
// recurrent network; its weights are the syn_weight of each edge's group.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/hdf5_access.hpp"
#include "kascade/network/loaders.hpp"

namespace kascade {

using namespace detail;

namespace {

// The attribute on /edges/<pop> with the network's number of neurons: kascade's own (SONATA keeps
// sizes in node files), written by the export, read where present.
constexpr const char* kNodeCount = "kascade_n_nodes";

std::vector<std::string> populations(hid_t f, const std::string& file) {
  if (!is_group(f, "/edges")) input_error(file, "no /edges group (not a SONATA edge file)");
  const H5Handle edges(H5Gopen2(f, "/edges", H5P_DEFAULT), H5Gclose);
  H5G_info_t info;
  if (H5Gget_info(edges, &info) < 0) input_error(file, "cannot list /edges");
  std::vector<std::string> names;
  for (hsize_t k = 0; k < info.nlinks; ++k) {
    const ssize_t len =
        H5Lget_name_by_idx(edges, ".", H5_INDEX_NAME, H5_ITER_INC, k, nullptr, 0, H5P_DEFAULT);
    std::string name(static_cast<std::size_t>(std::max<ssize_t>(len, 0)) + 1, '\0');
    H5Lget_name_by_idx(edges, ".", H5_INDEX_NAME, H5_ITER_INC, k, name.data(), name.size(),
                       H5P_DEFAULT);
    name.resize(name.find('\0'));
    if (is_group(f, "/edges/" + name)) names.push_back(name);
  }
  return names;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

}  // namespace

std::vector<std::string> sonata_populations(const std::string& file) {
  Hdf5Quiet quiet;
  const H5Handle f = open_input(file);
  return populations(f, file);
}

Network load_sonata_population(const std::string& file, const std::string& population,
                               std::uint64_t n_neurons, const LoadLimits& limits) {
  Hdf5Quiet quiet;
  const H5Handle f = open_input(file);
  const std::string pop = "/edges/" + population;
  if (population.empty() || population.find('/') != std::string::npos || !is_group(f, pop))
    input_error(file, "no edge population '" + population +
                          "' (the file has: " + join(populations(f, file)) + ")");
  const Array1d source(f, file, pop + "/source_node_id", true),
      target(f, file, pop + "/target_node_id", true),
      group_id(f, file, pop + "/edge_group_id", true),
      group_index(f, file, pop + "/edge_group_index", true);
  for (const Array1d* a : {&target, &group_id, &group_index})
    if (a->size != source.size)
      input_error(file, a->path + " has " + std::to_string(a->size) + " entries but " +
                            source.path + " has " + std::to_string(source.size));

  if (source.size > limits.synapses)
    input_error(file, pop + " has " + std::to_string(source.size) +
                          " edges, more than simulation.memory_budget_gib allows");

  // Node ids count within a node population: sources and targets must be the same neurons.
  const H5Handle src_set(H5Dopen2(f, source.path.c_str(), H5P_DEFAULT), H5Dclose);
  const H5Handle dst_set(H5Dopen2(f, target.path.c_str(), H5P_DEFAULT), H5Dclose);
  const std::string src_nodes = string_attribute(src_set, "node_population", file);
  const std::string dst_nodes = string_attribute(dst_set, "node_population", file);
  if (!src_nodes.empty() && !dst_nodes.empty() && src_nodes != dst_nodes)
    input_error(file, pop + " connects node population '" + src_nodes + "' to '" + dst_nodes +
                          "'; a kascade network needs sources and targets in one population");

  const auto src = source.read_all<std::int64_t>(H5T_NATIVE_INT64);
  const auto dst = target.read_all<std::int64_t>(H5T_NATIVE_INT64);
  const auto gid = group_id.read_all<std::int64_t>(H5T_NATIVE_INT64);
  const auto gix = group_index.read_all<std::int64_t>(H5T_NATIVE_INT64);

  // Each referenced group's syn_weight, read whole once.
  std::map<std::int64_t, std::vector<real_t>> weights_of_group;
  for (std::int64_t id : gid) {
    if (weights_of_group.count(id)) continue;
    const std::string group = pop + "/" + std::to_string(id);
    if (id < 0 || !is_group(f, group))
      input_error(file, pop + "/edge_group_id names group " + std::to_string(id) +
                            ", but there is no group " + group);
    if (!exists(f, group + "/syn_weight"))
      input_error(file, "missing dataset " + group +
                            "/syn_weight (kascade takes each edge's weight from it)");
    weights_of_group[id] =
        Array1d(f, file, group + "/syn_weight", false).read_all<real_t>(H5T_NATIVE_FLOAT);
  }

  {  // a population written by kascade export says its size
    std::int64_t written = 0;
    const H5Handle group(H5Gopen2(f, pop.c_str(), H5P_DEFAULT), H5Gclose);
    if (n_neurons == 0 && H5Aexists(group, kNodeCount) > 0) {
      if (!one_integer_attribute(group, kNodeCount, written) || written <= 0)
        input_error(file, pop + ": attribute " + kNodeCount + " is not a neuron count");
      n_neurons = static_cast<std::uint64_t>(written);
    }
  }
  std::int64_t n = static_cast<std::int64_t>(std::min<std::uint64_t>(n_neurons, INT64_MAX));
  if (n_neurons == 0) {
    for (std::size_t e = 0; e < src.size(); ++e)  // (an id of INT64_MAX must not overflow)
      n = std::max({n, std::min(src[e], INT64_MAX - 1) + 1, std::min(dst[e], INT64_MAX - 1) + 1});
    if (n == 0)
      input_error(file, pop +
                            " has no edges, so its number of neurons cannot be inferred (a "
                            "population that kascade export wrote says it in its attribute " +
                            kNodeCount + ")");
  }
  if (n > limits.neurons && n <= kMostNeurons)  // before from_edges allocates for n neurons
    input_error(file, pop + " has " + std::to_string(n) +
                          " neurons, more than simulation.memory_budget_gib allows");
  if (n > kMostNeurons)
    input_error(file, pop + " needs " + std::to_string(n) + " neurons, more than the supported " +
                          std::to_string(kMostNeurons));

  std::vector<real_t> w(src.size());
  for (std::size_t e = 0; e < src.size(); ++e) {
    for (const auto& [ids, node] : {std::pair{&source, src[e]}, std::pair{&target, dst[e]}})
      if (node < 0 || node >= n)
        input_error(file, ids->path + " of edge " + std::to_string(e) + " is " +
                              std::to_string(node) + ", outside 0.." + std::to_string(n - 1));
    const std::vector<real_t>& group = weights_of_group[gid[e]];
    if (gix[e] < 0 || gix[e] >= static_cast<std::int64_t>(group.size()))
      input_error(file, group_index.path + " of edge " + std::to_string(e) + " is " +
                            std::to_string(gix[e]) + ", outside " + pop + "/" +
                            std::to_string(gid[e]) + "/syn_weight (" +
                            std::to_string(group.size()) + " entries)");
    w[e] = group[gix[e]];
    if (!std::isfinite(w[e]))
      input_error(file, pop + "/" + std::to_string(gid[e]) + "/syn_weight entry " +
                            std::to_string(gix[e]) + " is not a finite float32 number");
  }
  return Network::from_edges(static_cast<ordinal_t>(n),
                             std::vector<ordinal_t>(src.begin(), src.end()),
                             std::vector<ordinal_t>(dst.begin(), dst.end()), w);
}

void write_sonata_edges(const std::string& file, const std::vector<std::string>& names,
                        const std::vector<const Network*>& nets) {
  require(names.size() == nets.size(), file + ": one population name per network is needed");
  Hdf5Quiet quiet;
  NewHdf5File f(file);
  f.write([&] {
    write_sonata_root_attributes(f);
    const H5Handle edges = create_group(f, "edges");
    for (std::size_t p = 0; p < nets.size(); ++p) {
      const Network& net = *nets[p];
      std::vector<std::uint64_t> source, target, index;
      std::vector<std::uint32_t> zeros(net.n_synapses(), 0);
      for (ordinal_t i = 0; i < net.n_neurons; ++i)
        for (offset_t k = net.row_ptr[i]; k < net.row_ptr[i + 1]; ++k) {
          source.push_back(static_cast<std::uint64_t>(net.presynaptic[k]));
          target.push_back(static_cast<std::uint64_t>(i));
          index.push_back(k);
        }
      const H5Handle pop = create_group(edges, names[p]);
      {  // the size, which the edges alone cannot give (neurons that no edge touches)
        const H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
        const H5Handle a(
            H5Acreate2(pop, kNodeCount, H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
        const auto n = static_cast<std::uint64_t>(net.n_neurons);
        h5_check(a.get() >= 0 ? H5Awrite(a, H5T_NATIVE_UINT64, &n) : -1,
                 std::string("cannot write attribute ") + kNodeCount);
      }
      write_1d(pop, "source_node_id", H5T_STD_U64LE, H5T_NATIVE_UINT64, source);
      write_1d(pop, "target_node_id", H5T_STD_U64LE, H5T_NATIVE_UINT64, target);
      write_1d(pop, "edge_group_id", H5T_STD_U32LE, H5T_NATIVE_UINT32, zeros);
      write_1d(pop, "edge_group_index", H5T_STD_U64LE, H5T_NATIVE_UINT64, index);
      write_1d(pop, "edge_type_id", H5T_STD_U32LE, H5T_NATIVE_UINT32, zeros);  // required by SONATA
      for (const char* ids : {"source_node_id", "target_node_id"}) {
        const H5Handle d(H5Dopen2(pop, ids, H5P_DEFAULT), H5Dclose);
        write_string_attribute(d, "node_population", names[p]);
      }
      const H5Handle group = create_group(pop, "0");
      write_1d(group, "syn_weight", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, net.weight);
    }
  });
  f.close();
}

}  // namespace kascade
