#include "output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "kascade/core/error.hpp"

namespace kascade::app {

void require_output_directory(const std::string& output) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(output).has_parent_path() ? fs::path(output).parent_path() : ".";
  std::error_code ec;
  require(fs::is_directory(dir, ec),
          dir.string() +
              (fs::exists(dir, ec) ? ": the output's directory is not a directory (output = "
                                   : ": the output's directory does not exist (output = ") +
              output + ")");
  // Open MPI's MPI-IO (under parallel HDF5) copies the name into fixed buffers: from ~235
  // characters it aborts the process. Refused before any file is made.
  require(output.size() <= kLongestOutputPath,
          output + ": the output's path is " + std::to_string(output.size()) +
              " characters long, more than MPI-IO takes (" + std::to_string(kLongestOutputPath) +
              "); give a shorter one (a relative path, or a link to the directory)");
}

void require_no_links_at(const std::vector<std::string>& paths) {
  std::error_code ec;
  for (const std::string& path : paths)
    require(!std::filesystem::is_symlink(path, ec),
            path +
                ": a symbolic link where kascade keeps a file of its own (writing would go "
                "through it to the file it names); remove the link");
}

namespace {

[[noreturn]] void refuse_busy_output(const std::string& output, const std::string& lock) {
  throw InputError(output + ": another kascade run is writing this output (" + lock +
                   " is locked); wait for it to finish, or write to another file (-o)");
}

}  // namespace

void require_no_run_writing(const std::string& output) {
  const std::string lock = OutputLock::path_of(output);
  const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // (no lock file: nobody writes it)
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  if (held) refuse_busy_output(output, lock);
}

OutputLock::OutputLock(const std::string& output) : path_(path_of(output)) {
  // A run that finishes removes the lock file while holding the lock; a process that opened it
  // just before then gets the lock on a file no longer under that name, and tries again.
  // A lock held for a moment is another command's look (require_no_run_writing), not a run:
  // asked again for 0.1 s before the output is refused.
  for (int attempt = 0, busy = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      throw InputError(path_ + ": cannot create the output's lock file (" + std::strerror(errno) +
                       "); can this directory take new files?");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int error = errno;
      if (error != EWOULDBLOCK && error != EINTR) {
        fd_ = fd;  // (ENOLCK, EOPNOTSUPP, ...: no locks on this file system; the file goes too)
        return;
      }
      ::close(fd);
      if (error == EINTR) continue;
      if (++busy > 5) refuse_busy_output(output, path_);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    struct stat held {
    }, named{};
    if (::fstat(fd, &held) == 0 && ::stat(path_.c_str(), &named) == 0 &&
        held.st_dev == named.st_dev && held.st_ino == named.st_ino) {
      fd_ = fd;
      locked_ = true;
      return;
    }
    ::close(fd);
  }
  throw InputError(path_ + ": could not lock the output (its lock file keeps being replaced)");
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace kascade::app
