#pragma once
// One run per output at a time: a run holds an exclusive lock on <output>.lock from the end of
// its plan (its inputs read: nothing is written before) until it returns, so that a second run
// of the same output (a sweep whose runs share the deck's `output`, a command pasted twice) is
// refused before it writes, instead of writing into the same spill, checkpoint and .partial files
// and leaving a file that looks complete. The kernel drops the lock when the process ends,
// however it ends; a lock file left by a killed run is taken over. Internal.
#include <cstddef>
#include <string>
#include <vector>

namespace kascade::app {

// Throws InputError unless the output's directory exists (checked before any work).
void require_output_directory(const std::string& output);
constexpr std::size_t kLongestOutputPath = 220;  // (as given: the name MPI-IO is passed)

// Refuses (InputError) any of `paths` that is a symbolic link: the names kascade writes its own
// files under (.partial, spill, checkpoint) must not lead elsewhere.
void require_no_links_at(const std::vector<std::string>& paths);

// Throws InputError naming the output if a run holds its lock now (for commands that read what
// a run leaves beside its output, its checkpoints, without taking the lock themselves).
void require_no_run_writing(const std::string& output);

class OutputLock {
 public:
  // Throws InputError naming the output if another process holds its lock, or if the lock file
  // cannot be made (the directory takes no new files). On a file system without locks (flock
  // unsupported) it goes on unlocked.
  explicit OutputLock(const std::string& output);
  ~OutputLock();  // removes the lock file, then releases the lock
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  static std::string path_of(const std::string& output) { return output + ".lock"; }
  bool locked() const { return locked_; }  // (false: the file system has no locks)

 private:
  std::string path_;
  int fd_ = -1;
  bool locked_ = false;
};

}  // namespace kascade::app
