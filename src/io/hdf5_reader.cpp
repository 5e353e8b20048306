#include "kascade/io/hdf5_reader.hpp"

#include "common/hdf5_access.hpp"
#include "common/hdf5_handle.hpp"
#include "kascade/core/error.hpp"

#include <cstdio>

namespace kascade {

using detail::H5Handle;

namespace {

// The root attribute `name` of `file` as one number of `mem_type`; 0 unless it holds one value.
template <class T>
T root_number(hid_t file, const char* name, hid_t mem_type) {
  H5Handle a(H5Aopen(file, name, H5P_DEFAULT), H5Aclose);
  T v = 0;
  if (detail::holds_one_value(a)) H5Aread(a, mem_type, &v);
  return v;
}

}  // namespace

OutputReader::OutputReader(const std::string& path) : path_(path) {
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) detail::refuse_unopened(path);
  file_ = f;
  if (detail::string_attribute(f, "format", path) != "kascade") {
    H5Fclose(f);
    throw InputError(path + ": not a kascade output file (root attribute format != \"kascade\")");
  }
  // (read once: an export asks for them for every network)
  n_networks_ = root_number<std::uint64_t>(f, "n_networks", H5T_NATIVE_UINT64);
  with_counts_ = H5Lexists(f, "spikes/count", H5P_DEFAULT) > 0;
}

OutputReader::~OutputReader() {
  for (const auto& [name, d] : datasets_) H5Dclose(static_cast<hid_t>(d));
  H5Fclose(static_cast<hid_t>(file_));
}

// Opened once: an export reads a few elements of each of them per network (opening them per
// read had taken a third of its time).
long long OutputReader::dataset(const char* name) const {
  const auto at = datasets_.find(name);
  if (at != datasets_.end()) return at->second;
  const hid_t d = detail::h5_check(H5Dopen2(static_cast<hid_t>(file_), name, H5P_DEFAULT),
                                   std::string("missing dataset ") + name);
  datasets_.emplace(name, d);
  return d;
}

bool OutputReader::complete() const {
  return root_number<int>(static_cast<hid_t>(file_), "complete", H5T_NATIVE_INT) == 1;
}

std::uint64_t OutputReader::n_networks() const { return n_networks_; }

std::string OutputReader::deck() const {
  H5Handle d(H5Dopen2(static_cast<hid_t>(file_), "deck", H5P_DEFAULT), H5Dclose);
  H5Handle type(H5Dget_type(d), H5Tclose);
  H5Handle space(H5Dget_space(d), H5Sclose);
  // (as written: one fixed-length string; anything else would be read past the buffer)
  require(d >= 0 && H5Tget_class(type) == H5T_STRING && !H5Tis_variable_str(type) &&
              H5Sget_simple_extent_npoints(space) == 1,
          path_ + ": the dataset deck is not one fixed-length string");
  std::string text(H5Tget_size(type), '\0');
  H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data());
  return text.substr(0, text.find('\0'));
}

// Elements [first, first + count) of the 1-D dataset `name`.
template <class T>
std::vector<T> OutputReader::read(const char* name, const long long mem_type,
                                  const unsigned long long first,
                                  const unsigned long long count) const {
  std::vector<T> out(count);
  if (count == 0) return out;
  const auto d = static_cast<hid_t>(dataset(name));
  const hsize_t at = first, n = count;
  H5Handle space(H5Dget_space(d), H5Sclose);
  H5Sselect_hyperslab(space, H5S_SELECT_SET, &at, nullptr, &n, nullptr);
  H5Handle mem(H5Screate_simple(1, &n, nullptr), H5Sclose);
  detail::h5_check(H5Dread(d, static_cast<hid_t>(mem_type), mem, space, H5P_DEFAULT, out.data()),
                   std::string("cannot read ") + name);
  return out;
}

NetworkSpikes OutputReader::spikes(network_id_t g) const {
  require(g < n_networks(), path_ + ": no network " + std::to_string(g));
  const auto ptr = read<std::uint64_t>("spikes/block_ptr", H5T_NATIVE_UINT64, g, 2);
  require(ptr[0] <= ptr[1], path_ + ": spikes/block_ptr decreases at network " + std::to_string(g));
  const auto offset =
      read<std::uint64_t>("spikes/block_offset", H5T_NATIVE_UINT64, ptr[0], ptr[1] - ptr[0]);
  const auto length =
      read<std::uint64_t>("spikes/block_length", H5T_NATIVE_UINT64, ptr[0], ptr[1] - ptr[0]);
  const bool counts = with_counts_;
  NetworkSpikes out;
  for (std::size_t b = 0; b < offset.size(); ++b) {
    auto s = read<step_t>("spikes/step", H5T_NATIVE_INT64, offset[b], length[b]);
    auto n = read<std::uint32_t>("spikes/neuron", H5T_NATIVE_UINT32, offset[b], length[b]);
    out.steps.insert(out.steps.end(), s.begin(), s.end());
    out.neurons.insert(out.neurons.end(), n.begin(), n.end());
    if (counts) {
      auto c = read<spike_count_t>("spikes/count", H5T_NATIVE_UINT16, offset[b], length[b]);
      out.counts.insert(out.counts.end(), c.begin(), c.end());
    }
  }
  return out;
}

std::map<std::string, std::string> OutputReader::attributes(const std::string& group) const {
  std::map<std::string, std::string> out;
  H5Handle root(H5Gopen2(static_cast<hid_t>(file_), group.c_str(), H5P_DEFAULT), H5Gclose);
  const int n = H5Aget_num_attrs(root);
  for (int k = 0; k < n; ++k) {
    H5Handle a(H5Aopen_by_idx(root, ".", H5_INDEX_NAME, H5_ITER_INC, static_cast<hsize_t>(k),
                              H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose);
    char name[256] = {0};
    H5Aget_name(a, sizeof name, name);
    H5Handle type(H5Aget_type(a), H5Tclose);
    if (!detail::holds_one_value(a)) continue;  // (kascade writes none such)
    if (H5Tget_class(type) == H5T_STRING && !H5Tis_variable_str(type)) {
      std::string text(H5Tget_size(type), '\0');
      H5Aread(a, type, text.data());
      out[name] = text.substr(0, text.find('\0'));
    } else if (H5Tget_class(type) == H5T_INTEGER) {
      long long v = 0;
      H5Aread(a, H5T_NATIVE_LLONG, &v);
      out[name] = std::to_string(v);
    } else if (H5Tget_class(type) == H5T_FLOAT) {
      double v = 0;
      H5Aread(a, H5T_NATIVE_DOUBLE, &v);
      char text[64];
      std::snprintf(text, sizeof text, "%.10g", v);
      out[name] = text;
    }
  }
  return out;
}

std::vector<double> OutputReader::per_network(const std::string& name) const {
  const std::string path = name.rfind('/', 0) == 0 ? name : "networks/" + name;
  return read<double>(path.c_str(), H5T_NATIVE_DOUBLE, 0, n_networks());
}

bool OutputReader::has(const std::string& path) const {
  return detail::exists(static_cast<hid_t>(file_), path);
}

Network OutputReader::network(network_id_t g) const {
  require(g < n_networks(), path_ + ": no network " + std::to_string(g));
  const auto n = read<std::uint32_t>("networks/n_neurons", H5T_NATIVE_UINT32, g, 1)[0];
  const auto range = read<std::uint64_t>("networks/synapse_offset", H5T_NATIVE_UINT64, g, 2);
  const hsize_t count = range[1] - range[0];
  const auto src = read<std::uint32_t>("connectivity/source", H5T_NATIVE_UINT32, range[0], count);
  const auto dst = read<std::uint32_t>("connectivity/target", H5T_NATIVE_UINT32, range[0], count);
  const auto w = read<real_t>("connectivity/weight", H5T_NATIVE_FLOAT, range[0], count);
  return Network::from_edges(static_cast<ordinal_t>(n),
                             std::vector<ordinal_t>(src.begin(), src.end()),
                             std::vector<ordinal_t>(dst.begin(), dst.end()), w);
}

}  // namespace kascade
