#include "fixtures.hpp"

#include <hdf5.h>

#include <stdexcept>

namespace kascade::test {

namespace {

struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Handle() {
    if (id >= 0) close(id);
  }
};

hid_t checked(hid_t id, const std::string& what) {
  if (id < 0) throw std::runtime_error("fixtures: cannot open " + what);
  return id;
}

template <class T>
std::vector<T> read_all(const std::string& file, const std::string& dataset, hid_t mem_type) {
  Handle f{checked(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), file), H5Fclose};
  Handle d{checked(H5Dopen2(f.id, dataset.c_str(), H5P_DEFAULT), file + ":" + dataset), H5Dclose};
  Handle s{H5Dget_space(d.id), H5Sclose};
  std::vector<T> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s.id)));
  if (H5Dread(d.id, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw std::runtime_error("fixtures: cannot read " + dataset);
  return out;
}

}  // namespace

std::string data_path(const std::string& file) {
  return std::string(KASCADE_TEST_DATA) + "/" + file;
}

std::vector<float> read_floats(const std::string& file, const std::string& dataset) {
  return read_all<float>(file, dataset, H5T_NATIVE_FLOAT);
}

std::vector<std::int64_t> read_ints(const std::string& file, const std::string& dataset) {
  return read_all<std::int64_t>(file, dataset, H5T_NATIVE_INT64);
}

std::vector<std::size_t> dataset_shape(const std::string& file, const std::string& dataset) {
  Handle f{checked(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), file), H5Fclose};
  Handle d{checked(H5Dopen2(f.id, dataset.c_str(), H5P_DEFAULT), dataset), H5Dclose};
  Handle s{H5Dget_space(d.id), H5Sclose};
  hsize_t dims[8];
  const int rank = H5Sget_simple_extent_dims(s.id, dims, nullptr);
  return std::vector<std::size_t>(dims, dims + rank);
}

double read_number_attribute(const std::string& file, const std::string& object,
                             const std::string& name) {
  Handle f{checked(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), file), H5Fclose};
  Handle a{checked(H5Aopen_by_name(f.id, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                   object + "@" + name),
           H5Aclose};
  double v = 0;
  H5Aread(a.id, H5T_NATIVE_DOUBLE, &v);
  return v;
}

Network fixture_network(const std::string& name) {
  const std::string file = data_path("glm_fixtures.h5");
  const auto edges = read_ints(file, "networks/" + name + "/edge_index");
  const auto w = read_floats(file, "networks/" + name + "/W0");
  const auto n =
      static_cast<ordinal_t>(read_number_attribute(file, "networks/" + name, "num_nodes"));
  const std::size_t E = w.size();
  std::vector<ordinal_t> src(E), dst(E);
  for (std::size_t e = 0; e < E; ++e) {
    src[e] = static_cast<ordinal_t>(edges[e]);
    dst[e] = static_cast<ordinal_t>(edges[E + e]);
  }
  return Network::from_edges(n, src, dst, w);
}

}  // namespace kascade::test
