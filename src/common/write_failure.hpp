#pragma once
// What the writers of files share about failures: why writing failed (a full file system), and
// whether HDF5 still holds a file it could not close after one (MPI_Finalize would then crash in
// HDF5's cleanup, so main.cpp exits without it: output_left_open()). Internal to the library.
#include <sys/statvfs.h>

#include <string>

namespace kascade::detail {

// Whether an HDF5 file could not be closed after a failure (HDF5 then still holds it, and
// MPI_Finalize would crash in HDF5's cleanup: main.cpp exits without it; output_left_open()).
inline bool& hdf5_file_left_open() {
  static bool left_open = false;
  return left_open;
}

// What a message adds where writing failed for want of space.
constexpr const char* kNoSpace = ": no space left on its file system";

// kNoSpace where that is why writing `path` failed, else "". (The file's directory is asked where
// the file was not created.)
inline std::string space_note(const std::string& path) {
  struct statvfs fs {};
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const bool known = ::statvfs(path.c_str(), &fs) == 0 || ::statvfs(dir.c_str(), &fs) == 0;
  return known && fs.f_bavail * fs.f_frsize < (1u << 20) ? kNoSpace : "";
}

}  // namespace kascade::detail
