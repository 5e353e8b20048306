#pragma once
// Progress of a long run on rank 0: rate, spikes so far and time left, redrawn in place on a
// terminal and as plain periodic lines in a batch log.
#include <chrono>
#include <cstdint>
#include <string>

namespace kascade::app {

class Progress {
 public:
  // Counts `unit`s of work and reports a running count of `counted` things beside them (none
  // when `counted` is empty).
  Progress(std::string what, std::uint64_t total_steps, bool enabled, std::string unit = "steps",
           std::string counted = "spikes");
  // `done` units of `total_steps`, `count` so far; prints at most every interval.
  void update(std::uint64_t done, std::uint64_t count, bool force = false);
  void finish(std::uint64_t count) { finish(count, total_); }
  // The last line at `done` units: work that ended early (tuning whose networks all converged)
  // shows how far it went, at 100 %.
  void finish(std::uint64_t count, std::uint64_t done);
  // finish(), but only when a line was printed before (short work stays silent).
  void finish_if_shown(std::uint64_t count) {
    if (shown_) finish(count);
  }
  // `done` units were done before this process (a resumed run): the rate leaves them out.
  void resume_from(std::uint64_t done) { done_before_ = done; }
  // What is being worked on, shown before the numbers (e.g. "networks 40-79 of 200").
  void set_stage(std::string stage) { stage_ = std::move(stage); }

 private:
  using clock = std::chrono::steady_clock;
  std::string what_, stage_, unit_, counted_;
  std::uint64_t total_;
  bool enabled_, terminal_, shown_ = false, finished_ = false;
  std::uint64_t shown_done_ = 0, shown_count_ = 0;  // what the last line said
  std::uint64_t done_before_ = 0;
  clock::time_point start_, last_;
};

// Rank 0 waiting for the other ranks to finish their work: a line when the wait begins, then one
// every 10 s (a log would otherwise show nothing until the slowest rank is done).
class WaitNotice {
 public:
  explicit WaitNotice(bool enabled) : enabled_(enabled) {}
  void tick();  // called while waiting (often)

 private:
  using clock = std::chrono::steady_clock;
  bool enabled_, started_ = false;
  clock::time_point start_, last_;
};

}  // namespace kascade::app
