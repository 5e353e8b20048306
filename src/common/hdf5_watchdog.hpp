#pragma once
// A guard around an HDF5 call that reads a file's metadata. HDF5 1.10 can loop forever on some
// corrupt files: with a damaged global heap, reading a variable-length string attribute never
// returns (found by fuzz_sonata_edges; h5dump itself then reports "infinite loop closing
// library"). A batch job would hang until its wall-time limit; instead, if the guarded call has
// not returned after KASCADE_HDF5_TIMEOUT seconds (default 60: such a read takes microseconds,
// but a busy parallel file system can stall metadata for seconds), the process names the file on
// one line and exits with status 2, as for any bad input (nothing is written yet while inputs
// are read). Internal to the readers.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace kascade::detail {

class Hdf5Watchdog {
 public:
  // `file`: the file being read; `what`: what is read, for the message.
  Hdf5Watchdog(std::string file, std::string what)
      : file_(std::move(file)), what_(std::move(what)), thread_([this] { watch(); }) {}
  ~Hdf5Watchdog() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    returned_.notify_one();
    thread_.join();
  }
  Hdf5Watchdog(const Hdf5Watchdog&) = delete;
  Hdf5Watchdog& operator=(const Hdf5Watchdog&) = delete;

  // KASCADE_HDF5_TIMEOUT (seconds, > 0), else 60.
  static int timeout_seconds() {
    const char* text = std::getenv("KASCADE_HDF5_TIMEOUT");
    const int seconds = text != nullptr ? std::atoi(text) : 0;
    return seconds > 0 ? seconds : 60;
  }

 private:
  void watch() {
    const int seconds = timeout_seconds();
    std::unique_lock<std::mutex> lock(mutex_);
    if (returned_.wait_for(lock, std::chrono::seconds(seconds), [this] { return done_; })) return;
    std::fprintf(stderr,
                 "kascade: error: %s: HDF5 did not return from reading %s in %d s (a corrupt "
                 "file makes HDF5 1.10 loop forever)\n",
                 file_.c_str(), what_.c_str(), seconds);
    std::fflush(stderr);
    std::_Exit(2);  // (the reading thread cannot be stopped, nor HDF5 closed)
  }

  std::string file_, what_;
  std::mutex mutex_;
  std::condition_variable returned_;
  bool done_ = false;
  std::thread thread_;  // (last: it starts once the members it reads are made)
};

}  // namespace kascade::detail
