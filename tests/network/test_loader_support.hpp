#pragma once
// Shared by the loader tests: hand-written HDF5 files (plain C API, so the files do not come from
// the code under test), the message of an expected InputError, and CSR equality.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/network/network.hpp"

namespace kascade::test {

// The one-line message of the InputError that `f` throws ("no InputError" otherwise).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no InputError";
}

inline void expect_same(const Network& got, const Network& expected) {
  EXPECT_EQ(got.n_neurons, expected.n_neurons);
  EXPECT_EQ(got.row_ptr, expected.row_ptr);
  EXPECT_EQ(got.presynaptic, expected.presynaptic);
  EXPECT_EQ(got.weight, expected.weight);
}

template <class T>
hid_t native_type() {
  if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
  if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
  if constexpr (std::is_same_v<T, std::int64_t>) return H5T_NATIVE_INT64;
  if constexpr (std::is_same_v<T, std::uint64_t>) return H5T_NATIVE_UINT64;
  if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
  if constexpr (std::is_same_v<T, std::uint32_t>) return H5T_NATIVE_UINT32;
  if constexpr (std::is_same_v<T, std::uint16_t>) return H5T_NATIVE_UINT16;
}

// A new HDF5 file, closed when the object goes away.
class H5Writer {
 public:
  explicit H5Writer(const std::string& path)
      : file_(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)) {}
  ~H5Writer() { H5Fclose(file_); }
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;

  // A 1-D dataset at `path` (groups on the way are created), stored as `file_type`.
  template <class T>
  void dataset(const std::string& path, hid_t file_type, const std::vector<T>& v) {
    const hsize_t n = v.size();
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    const hid_t d =
        H5Dcreate2(file_, path.c_str(), file_type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    if (n > 0) H5Dwrite(d, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    H5Dclose(d), H5Pclose(lcpl), H5Sclose(space);
  }
  void group(const std::string& path) {
    H5Gclose(H5Gcreate2(file_, path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  }
  // A scalar integer attribute on the object at `path`.
  void int_attribute(const std::string& path, const char* name, std::int64_t value) {
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate_by_name(file_, path.c_str(), name, H5T_STD_I64LE, space, H5P_DEFAULT,
                                      H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT64, &value);
    H5Aclose(a), H5Sclose(space);
  }
  // A fixed-length string attribute (the loaders must read these as well as variable ones).
  void string_attribute(const std::string& path, const char* name, const std::string& value) {
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, value.size());
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate_by_name(file_, path.c_str(), name, type, space, H5P_DEFAULT,
                                      H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, type, value.data());
    H5Aclose(a), H5Sclose(space), H5Tclose(type);
  }
  // A 1-D attribute of several values (crafted files: kascade reads attributes of one value),
  // `file_type` and `mem_type` as for H5Awrite; `data`: the values in `mem_type`.
  void array_attribute(const std::string& path, const char* name, hid_t file_type, hid_t mem_type,
                       hsize_t n, const void* data) {
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t a = H5Acreate_by_name(file_, path.c_str(), name, file_type, space, H5P_DEFAULT,
                                      H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, mem_type, data);
    H5Aclose(a), H5Sclose(space);
  }
  // The same as a 1-D dataset at `path` in the root group (any type, strings too).
  void array_dataset(const std::string& path, hid_t file_type, hid_t mem_type, hsize_t n,
                     const void* data) {
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t d =
        H5Dcreate2(file_, path.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    H5Dclose(d), H5Sclose(space);
  }

 private:
  hid_t file_;
};

}  // namespace kascade::test
