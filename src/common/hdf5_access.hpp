#pragma once
// Checked access to user-supplied HDF5 files for the loaders (every problem becomes an
// InputError "<file>: <what>", and HDF5's own error stack stays quiet while a file is probed),
// and the writing of files that one process writes alone (exports, networks files), whose
// failures are not the input's. Only calls that exist unchanged in HDF5 1.10 to 1.14. Internal to
// the library.
#include <hdf5.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/hdf5_handle.hpp"
#include "common/hdf5_watchdog.hpp"
#include "common/write_failure.hpp"
#include "kascade/core/error.hpp"

namespace kascade::detail {

// Silences HDF5's automatic error printing for its lifetime (restores the previous handler).
class Hdf5Quiet {
 public:
  Hdf5Quiet() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~Hdf5Quiet() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  Hdf5Quiet(const Hdf5Quiet&) = delete;
  Hdf5Quiet& operator=(const Hdf5Quiet&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

[[noreturn]] inline void input_error(const std::string& file, const std::string& what) {
  throw InputError(file + ": " + what);
}

// Whether an open file carries HDF5's signature where the format puts it: at byte 0, 512, 1024,
// 2048, ... (after a user block).
inline bool hdf5_signature(std::FILE* f) {
  static const char signature[8] = {'\211', 'H', 'D', 'F', '\r', '\n', '\032', '\n'};
  for (long at = 0; at <= (1L << 20); at = at == 0 ? 512 : 2 * at) {
    char head[8];
    if (std::fseek(f, at, SEEK_SET) != 0 || std::fread(head, 1, 8, f) != 8) return false;
    if (std::memcmp(head, signature, 8) == 0) return true;
  }
  return false;
}

// A new HDF5 file that this process writes alone (an export, a networks file). write() runs
// the writing: a failure in it is a std::runtime_error "<file>: cannot write ...[: no space
// left on its file system]" (exit status 1: not the input's fault). A file not closed by close()
// is cut to nothing before HDF5 closes it, so that the close's flush finds room on a full disk,
// and removed.
class NewHdf5File {
 public:
  explicit NewHdf5File(std::string path) : path_(std::move(path)) {
    // The 1.8 format (readable by HDF5 1.8 and later): groups keep their links in their own
    // header, not in a B-tree and heap each (an export's 10^5 groups, one per network). (Before
    // HDF5 1.10.2, which names that format, the default one.)
    H5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
#if H5_VERSION_GE(1, 10, 2)
    H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_LATEST);
#endif
    file_ = H5Handle(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), H5Fclose);
    if (file_.get() < 0)
      throw std::runtime_error(path_ + ": cannot create the file" + space_note(path_));
  }
  NewHdf5File(const NewHdf5File&) = delete;
  NewHdf5File& operator=(const NewHdf5File&) = delete;
  ~NewHdf5File() {
    if (file_.get() < 0) return;
    (void)::truncate(path_.c_str(), 0);
    if (H5Fclose(file_.release()) < 0) hdf5_file_left_open() = true;
    std::remove(path_.c_str());
  }
  operator hid_t() const { return file_.get(); }

  template <class Write>
  void write(Write&& write) {
    try {
      write();
    } catch (const InputError&) {
      throw;
    } catch (const std::exception& e) {
      throw std::runtime_error(path_ + ": " + e.what() + space_note(path_));
    }
  }
  // Everything written is on disk, or a std::runtime_error says why not.
  void close() {
    const bool flushed = H5Fflush(file_, H5F_SCOPE_LOCAL) >= 0;
    if (!flushed) throw std::runtime_error(path_ + ": cannot write the file" + space_note(path_));
    if (H5Fclose(file_.get()) < 0) {  // (HDF5 keeps it open: the destructor cuts and retries)
      throw std::runtime_error(path_ + ": cannot close the file" + space_note(path_));
    }
    (void)file_.release();
  }

 private:
  std::string path_;
  H5Handle file_;
};

// True when every component of the absolute `path` ("/a/b/c") exists (H5Lexists alone fails,
// rather than answering false, when an intermediate group is missing).
inline bool exists(hid_t file, const std::string& path) {
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) return true;
  }
}

inline bool is_group(hid_t file, const std::string& path) {
  if (!exists(file, path)) return false;
  H5Handle obj(H5Oopen(file, path.c_str(), H5P_DEFAULT), H5Oclose);
  return obj.get() >= 0 && H5Iget_type(obj) == H5I_GROUP;
}

// A 1-D numeric dataset, checked on opening.
struct Array1d {
  H5Handle dataset;
  hsize_t size = 0;
  std::string file, path;

  Array1d(hid_t f, const std::string& file_name, const std::string& dataset_path, bool integers)
      : file(file_name), path(dataset_path) {
    if (!exists(f, path)) input_error(file, "missing dataset " + path);
    dataset = H5Handle(H5Dopen2(f, path.c_str(), H5P_DEFAULT), H5Dclose);
    if (dataset.get() < 0) input_error(file, path + " is not a dataset");
    H5Handle space(H5Dget_space(dataset), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank != 1)
      input_error(file, "dataset " + path + " must be 1-D (it has " + std::to_string(rank) +
                            " dimensions)");
    H5Sget_simple_extent_dims(space, &size, nullptr);
    H5Handle type(H5Dget_type(dataset), H5Tclose);
    const H5T_class_t c = H5Tget_class(type);
    if (integers && c != H5T_INTEGER) input_error(file, "dataset " + path + " must hold integers");
    if (!integers && c != H5T_INTEGER && c != H5T_FLOAT)
      input_error(file, "dataset " + path + " must hold numbers");
  }

  // Elements [first, first + count), converted by HDF5 to mem_type (float or int64 here).
  template <class T>
  std::vector<T> read(hid_t mem_type, hsize_t first, hsize_t count) const {
    std::vector<T> out(count);
    if (count == 0) return out;
    if (first + count > size)
      input_error(file, "range " + std::to_string(first) + ".." + std::to_string(first + count) +
                            " lies outside " + path + " (" + std::to_string(size) + " entries)");
    H5Handle space(H5Dget_space(dataset), H5Sclose);
    H5Sselect_hyperslab(space, H5S_SELECT_SET, &first, nullptr, &count, nullptr);
    H5Handle mem(H5Screate_simple(1, &count, nullptr), H5Sclose);
    if (H5Dread(dataset, mem_type, mem, space, H5P_DEFAULT, out.data()) < 0)
      input_error(file, "cannot read " + path);
    return out;
  }
  template <class T>
  std::vector<T> read_all(hid_t mem_type) const {
    return read<T>(mem_type, 0, size);
  }
};

// Whether attribute `a` holds exactly one value (a scalar, or one element). Every attribute kascade
// reads is one value; reading an attribute of several into one would write past it (a crafted
// file: a heap or stack overflow under AddressSanitizer), so none other is read.
inline bool holds_one_value(hid_t a) {
  H5Handle space(H5Aget_space(a), H5Sclose);
  return space >= 0 && H5Sget_simple_extent_npoints(space) == 1;
}

// The attribute `name` of `object` (which has it) read into `out` if it holds one integer; false
// otherwise (another type, several values, or a failed read).
inline bool one_integer_attribute(hid_t object, const char* name, std::int64_t& out) {
  H5Handle a(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  if (a.get() < 0) return false;
  H5Handle type(H5Aget_type(a), H5Tclose);
  return H5Tget_class(type) == H5T_INTEGER && holds_one_value(a) &&
         H5Aread(a, H5T_NATIVE_INT64, &out) >= 0;
}

// The value of a string attribute (fixed or variable length) of an object of `file`; empty when
// absent, not a string or not one value. The read is watched (a damaged global heap makes HDF5 loop
// forever).
inline std::string string_attribute(hid_t object, const char* name, const std::string& file) {
  if (H5Aexists(object, name) <= 0) return {};
  H5Handle a(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  H5Handle type(H5Aget_type(a), H5Tclose);
  if (H5Tget_class(type) != H5T_STRING || !holds_one_value(a)) return {};
  const Hdf5Watchdog watchdog(file, std::string("the attribute ") + name);
  if (H5Tis_variable_str(type) > 0) {
    H5Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(type));  // HDF5 does not convert UTF-8 to ASCII
    char* value = nullptr;
    if (H5Aread(a, mem, &value) < 0 || value == nullptr) return {};
    std::string out(value);
    H5free_memory(value);
    return out;
  }
  std::string out(H5Tget_size(type), '\0');
  if (H5Aread(a, type, out.data()) < 0) return {};
  return out.substr(0, out.find('\0'));
}

// A kascade output whose run has not finished (root attributes format = "kascade" and
// complete = 0: a .partial file, or one copied away mid-run) is never an input: its networks
// or values may be half written.
inline void refuse_incomplete(hid_t f, const std::string& file) {
  std::int64_t complete = 1;
  if (string_attribute(f, "format", file) == "kascade" &&
      one_integer_attribute(f, "complete", complete) && complete != 1)
    input_error(file,
                "a kascade output whose run did not finish (attribute complete = 0): its "
                "contents may be partial; use the file of a finished run");
}

// Why a file that HDF5 could not open was not opened: missing or unreadable, a directory, held
// by a writer (or damaged), or not HDF5 at all. Throws InputError naming it.
[[noreturn]] inline void refuse_unopened(const std::string& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) input_error(file, "is a directory, not a file");
  std::FILE* probe = std::fopen(file.c_str(), "rb");
  if (probe == nullptr) input_error(file, "no such file or not readable");
  const bool hdf5 = hdf5_signature(probe);
  std::fclose(probe);
  if (hdf5)  // (HDF5 1.10+ refuses a file that a writer holds open: its file locking)
    input_error(file,
                "an HDF5 file that HDF5 cannot open: is a program writing it? (or it is damaged)");
  input_error(file, "not an HDF5 file");
}

// Serial read-only open (the default file access list works with the parallel library too).
// An unfinished kascade output is refused.
// H5Fis_hdf5 is avoided: builds without deprecated symbols lack it.
inline H5Handle open_input(const std::string& file) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) refuse_unopened(file);
  H5Handle opened(f, H5Fclose);
  refuse_incomplete(opened, file);
  return opened;
}

inline void write_string_attribute(hid_t object, const char* name, const std::string& value) {
  H5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type, H5T_VARIABLE);  // what h5py writes and SONATA readers expect
  H5Tset_cset(type, H5T_CSET_UTF8);
  H5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  H5Handle a(h5_check(H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT),
                      std::string("cannot create attribute ") + name),
             H5Aclose);
  const char* text = value.c_str();
  h5_check(H5Awrite(a, type, &text), std::string("cannot write attribute ") + name);
}

// The root attributes every SONATA file carries: magic 0x0A7A and version (0, 1).
inline void write_sonata_root_attributes(hid_t file) {
  const std::uint32_t magic = 0x0A7A, version[2] = {0, 1};
  const hsize_t two = 2;
  H5Handle scalar(H5Screate(H5S_SCALAR), H5Sclose),
      pair(H5Screate_simple(1, &two, nullptr), H5Sclose);
  H5Handle a(H5Acreate2(file, "magic", H5T_STD_U32LE, scalar, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  H5Awrite(a, H5T_NATIVE_UINT32, &magic);
  H5Handle v(H5Acreate2(file, "version", H5T_STD_U32LE, pair, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  H5Awrite(v, H5T_NATIVE_UINT32, version);
}

inline H5Handle create_group(hid_t parent, const std::string& name) {
  return H5Handle(h5_check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                           "cannot create group " + name),
                  H5Gclose);
}

// A fixed-size 1-D dataset holding `data` (stored as file_type).
template <class T>
void write_1d(hid_t parent, const char* name, hid_t file_type, hid_t mem_type,
              const std::vector<T>& data) {
  const hsize_t n = data.size();
  H5Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  H5Handle d(
      h5_check(H5Dcreate2(parent, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               std::string("cannot create dataset ") + name),
      H5Dclose);
  if (n > 0)
    h5_check(H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()),
             std::string("cannot write dataset ") + name);
}

}  // namespace kascade::detail
