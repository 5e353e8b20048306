#pragma once
// Shared by the libFuzzer targets (scripts/fuzz.sh): a scratch file per process for inputs that
// the code under test reads from disk, and a small "recipe" decoder that turns fuzz bytes into
// an HDF5 file of chosen datasets, so that the loaders' own checks (indices, lengths, offsets,
// types) are exercised rather than only HDF5's file-format parser.
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace kascade::fuzz {

// A file in /dev/shm (or /tmp) unique to this process, removed at exit.
inline const std::string& scratch_path(const char* suffix) {
  static const std::string path = [suffix] {
    const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    return std::string(dir) + "/kascade_fuzz_" + std::to_string(getpid()) + suffix;
  }();
  static const struct Remove {
    ~Remove() { std::remove(path.c_str()); }
  } remove;
  return path;
}

inline void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
}

// Reads the fuzz input front to back; past the end every read gives 0.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  bool done() const { return at_ >= n_; }
  std::uint8_t byte() { return at_ < n_ ? p_[at_++] : 0; }
  std::uint64_t raw(std::size_t k) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < k; ++i) v |= std::uint64_t(byte()) << (8 * i);
    return v;
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_, at_ = 0;
};

// One value: mostly small numbers (valid indices and sizes are small), sometimes extremes.
inline double value(Bytes& in) {
  const std::uint8_t b = in.byte();
  if (b < 0xf0) return static_cast<double>(b) - 8.0;  // -8 .. 231
  switch (b) {
    case 0xf0:
      return std::numeric_limits<double>::quiet_NaN();
    case 0xf1:
      return std::numeric_limits<double>::infinity();
    case 0xf2:
      return -std::numeric_limits<double>::infinity();
    case 0xf3:
      return 1e300;
    case 0xf4:
      return 2147483648.0;
    case 0xf5:
      return 4294967296.0;
    case 0xf6:
      return 0.5;
    case 0xf7:
      return -1e-40;
    default: {
      const std::uint64_t bits = in.raw(8);
      double d;
      std::memcpy(&d, &bits, 8);
      return d;
    }
  }
}

inline hid_t file_type(int code) {
  switch (code % 9) {
    case 0:
      return H5T_STD_U8LE;
    case 1:
      return H5T_STD_I32LE;
    case 2:
      return H5T_STD_U32LE;
    case 3:
      return H5T_STD_I64LE;
    case 4:
      return H5T_STD_U64LE;
    case 5:
      return H5T_IEEE_F32LE;
    case 6:
      return H5T_IEEE_F64LE;
    case 7:
      return H5T_STD_I16BE;
    default:
      return -1;  // a fixed-length string
  }
}

// Writes `n` values of the input as `type` (converted from double by HDF5, which saturates).
inline void write_values(hid_t object, bool attribute, int code, hid_t space, std::size_t n,
                         Bytes& in) {
  std::vector<double> v(n);
  for (double& x : v) x = value(in);
  hid_t type = file_type(code);
  if (type >= 0) {
    if (attribute)
      H5Awrite(object, H5T_NATIVE_DOUBLE, v.data());
    else
      H5Dwrite(object, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    return;
  }
  std::vector<char> text(n * 4, 'x');
  for (std::size_t k = 0; k < n; ++k) std::snprintf(&text[4 * k], 4, "%g", v[k]);
  const hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, 4);
  if (attribute)
    H5Awrite(object, str, text.data());
  else
    H5Dwrite(object, str, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data());
  H5Tclose(str);
  (void)space;
}

inline hid_t make_type(int code) {
  const hid_t t = file_type(code);
  if (t >= 0) return H5Tcopy(t);
  const hid_t str = H5Tcopy(H5T_C_S1);
  H5Tset_size(str, 4);
  return str;
}

// Creates the groups on the way to `path` (absolute, '/'-separated).
inline void make_groups(hid_t f, const std::string& path) {
  for (std::size_t k = path.find('/', 1); k != std::string::npos; k = path.find('/', k + 1)) {
    const std::string g = path.substr(0, k);
    if (H5Lexists(f, g.c_str(), H5P_DEFAULT) <= 0) {
      const hid_t id = H5Gcreate2(f, g.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      if (id >= 0) H5Gclose(id);
    }
  }
}

// A recipe: a sequence of steps, each [op][type][length] then values. op picks a dataset path
// (datasets[op % n]) or, for op >= 0xe0, an attribute (attributes[op % m], "object@name"); the
// type byte picks the stored type (integers, floats, a big-endian integer, strings). Length:
// 0..15 elements; lengths >= 12 make a 2-D dataset of 2 rows. A path written twice keeps its
// first version. An input that starts with the HDF5 signature is written as the file itself.
inline void write_recipe(const std::string& path, const std::uint8_t* data, std::size_t size,
                         const std::vector<std::string>& datasets,
                         const std::vector<std::string>& attributes) {
  if (size >= 8 && std::memcmp(data, "\x89HDF\r\n\x1a\n", 8) == 0) {
    write_file(path, data, size);
    return;
  }
  Bytes in(data, size);
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) std::abort();
  while (!in.done()) {
    const std::uint8_t op = in.byte(), code = in.byte(), length = in.byte() % 16;
    if (op >= 0xe0 && !attributes.empty()) {
      const std::string spec = attributes[op % attributes.size()];
      const std::string object = spec.substr(0, spec.find('@'));
      std::string name = spec.substr(spec.find('@') + 1);
      make_groups(f, object + "/x");
      if (H5Lexists(f, object.c_str(), H5P_DEFAULT) <= 0) {
        const hid_t g = H5Gcreate2(f, object.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (g >= 0) H5Gclose(g);
      }
      const hid_t o = H5Oopen(f, object.c_str(), H5P_DEFAULT);
      if (o < 0) continue;
      if (H5Aexists(o, name.c_str()) <= 0) {
        const hsize_t n = std::max<hsize_t>(1, length % 3);
        const hid_t space = n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
        const hid_t type = make_type(code);
        const hid_t a = H5Acreate2(o, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (a >= 0) {
          write_values(a, true, code, space, n, in);
          H5Aclose(a);
        }
        H5Tclose(type);
        H5Sclose(space);
      }
      H5Oclose(o);
      continue;
    }
    const std::string& name = datasets[op % datasets.size()];
    make_groups(f, name);
    if (H5Lexists(f, name.c_str(), H5P_DEFAULT) > 0) continue;
    const bool two_d = length >= 12;
    const hsize_t dims[2] = {two_d ? 2u : length, two_d ? hsize_t(length - 10) : 1u};
    const hid_t space = H5Screate_simple(two_d ? 2 : 1, dims, nullptr);
    const hid_t type = make_type(code);
    const hid_t d = H5Dcreate2(f, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (d >= 0) {
      write_values(d, false, code, space, two_d ? dims[0] * dims[1] : dims[0], in);
      H5Dclose(d);
    }
    H5Tclose(type);
    H5Sclose(space);
  }
  H5Fclose(f);
}

}  // namespace kascade::fuzz

// Each target is one translation unit: libFuzzer calls this once before the first input.
// HDF5 prints no error stack, as in the kascade command (kascade reports its own errors).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  return 0;
}
