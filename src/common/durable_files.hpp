#pragma once
// Making a finished file and its name survive a crash of the node: a rename is atomic but, until
// the directory is synced, not durable, and a closed file's bytes may still be only in the page
// cache. A run deletes its checkpoint and spill files once the output is complete, so the output
// must be on disk first. Internal to the library.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace kascade::detail {

// Flushes a closed file's bytes to its storage; false where that failed (an I/O error: they may be
// lost). On a parallel file system each client flushes only what it wrote, so every rank that
// wrote a shared file calls this.
inline bool sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  return ::close(fd) == 0 && ok;
}

// Makes the entries of the directory holding `path` (a rename into it) durable; false only on an
// I/O error (file systems that cannot sync a directory, EINVAL, or open one so, count as done).
inline bool sync_directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return true;
  const bool ok = ::fsync(fd) == 0 || (errno != EIO && errno != ENOSPC && errno != EDQUOT);
  (void)::close(fd);
  return ok;
}

}  // namespace kascade::detail
