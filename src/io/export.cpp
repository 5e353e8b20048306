#include "kascade/io/export.hpp"

#include <filesystem>
#include <fstream>
#include <numeric>

#include "common/hdf5_access.hpp"
#include "kascade/core/error.hpp"
#include "kascade/io/hdf5_reader.hpp"
#include "kascade/network/loaders.hpp"

namespace kascade {

using detail::create_group;
using detail::create_output;
using detail::H5Handle;
using detail::write_1d;

namespace {

void require_complete(const OutputReader& reader, const std::string& file) {
  require(reader.complete(), file + ": the run is not complete; resume it before exporting");
}

void make_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  require(!ec && std::filesystem::is_directory(dir), dir + ": cannot create the directory");
}

}  // namespace

void export_sonata(const std::string& output_file, const std::string& dir,
                   const ExportProgress& progress) {
  const OutputReader reader(output_file);
  require_complete(reader, output_file);
  make_dir(dir);
  const double dt = std::stod(reader.attributes().at("dt_ms"));
  const std::uint64_t G = reader.n_networks();

  detail::Hdf5Quiet quiet;
  const std::string spikes_file = dir + "/spikes.h5";
  const H5Handle f = create_output(spikes_file);
  detail::write_sonata_root_attributes(f);
  // sorting: HDF5 enum none = 0, by_id = 1, by_time = 2
  H5Handle sorting(H5Tenum_create(H5T_NATIVE_UINT8), H5Tclose);
  const std::uint8_t values[3] = {0, 1, 2};
  H5Tenum_insert(sorting, "none", &values[0]);
  H5Tenum_insert(sorting, "by_id", &values[1]);
  H5Tenum_insert(sorting, "by_time", &values[2]);

  const H5Handle spikes = create_group(f, "spikes");
  std::vector<std::string> names;
  std::vector<Network> nets;
  for (std::uint64_t g = 0; g < G; ++g) {
    const auto id = static_cast<network_id_t>(g);
    const NetworkSpikes s = reader.spikes(id);
    std::vector<double> times;
    std::vector<std::uint64_t> nodes;
    for (std::size_t e = 0; e < s.steps.size(); ++e) {  // a count of k is k spikes
      const int repeat = s.counts.empty() ? 1 : s.counts[e];
      for (int k = 0; k < repeat; ++k) {
        times.push_back(static_cast<double>(s.steps[e]) * dt);
        nodes.push_back(s.neurons[e]);
      }
    }
    names.push_back("network_" + std::to_string(g));
    const H5Handle pop = create_group(spikes, names.back());
    H5Handle scalar(H5Screate(H5S_SCALAR), H5Sclose);
    H5Handle a(H5Acreate2(pop, "sorting", sorting, scalar, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
    H5Awrite(a, sorting, &values[2]);  // events are in step order
    write_1d(pop, "timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, times);
    write_1d(pop, "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, nodes);
    const H5Handle d(H5Dopen2(pop, "timestamps", H5P_DEFAULT), H5Dclose);
    detail::write_string_attribute(d, "units", "ms");
    nets.push_back(reader.network(id));
    if (progress) progress(g + 1, G);
  }
  std::vector<const Network*> ptrs;
  for (const auto& n : nets) ptrs.push_back(&n);
  write_sonata_edges(dir + "/edges.h5", names, ptrs);
}

void export_npy(const std::string& output_file, const std::string& dir, std::int64_t max_neurons,
                const ExportProgress& progress) {
  const OutputReader reader(output_file);
  require_complete(reader, output_file);
  make_dir(dir);
  for (std::uint64_t g = 0; g < reader.n_networks(); ++g) {
    const Network net = reader.network(static_cast<network_id_t>(g));
    const auto n = static_cast<std::size_t>(net.n_neurons);
    require(net.n_neurons <= max_neurons, output_file + ": network " + std::to_string(g) + " has " +
                                              std::to_string(n) +
                                              " neurons, more than --max-neurons " +
                                              std::to_string(max_neurons) + " for a dense matrix");
    std::vector<float> dense(n * n, 0.0f);
    for (std::size_t i = 0; i < n; ++i)
      for (offset_t k = net.row_ptr[i]; k < net.row_ptr[i + 1]; ++k)
        dense[static_cast<std::size_t>(net.presynaptic[k]) * n + i] += net.weight[k];
    // .npy version 1.0: magic, header length, a Python dict padded so the data is 64-aligned.
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(n) +
                         ", " + std::to_string(n) + "), }";
    header.append(64 - (10 + header.size() + 1) % 64, ' ');
    header += '\n';
    const std::string path = dir + "/" + std::to_string(g) + ".npy";
    std::ofstream out(path, std::ios::binary);
    require(static_cast<bool>(out), path + ": cannot write");
    const auto length = static_cast<std::uint16_t>(header.size());
    out.write("\x93NUMPY\x01\x00", 8);
    out.put(static_cast<char>(length & 0xff)).put(static_cast<char>(length >> 8));
    out << header;
    out.write(reinterpret_cast<const char*>(dense.data()),
              static_cast<std::streamsize>(dense.size() * 4));
    require(static_cast<bool>(out), path + ": cannot write");
    if (progress) progress(g + 1, reader.n_networks());
  }
}

}  // namespace kascade
