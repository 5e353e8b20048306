#include "progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace kascade::app {

Progress::Progress(std::string what, std::uint64_t total_steps, bool enabled, std::string unit,
                   std::string counted)
    : what_(std::move(what)),
      unit_(std::move(unit)),
      counted_(std::move(counted)),
      total_(total_steps),
      enabled_(enabled),
      terminal_(isatty(STDERR_FILENO) != 0),
      start_(clock::now()),
      last_(start_) {}

void Progress::update(std::uint64_t done, std::uint64_t count, bool force) {
  if (!enabled_) return;
  const auto now = clock::now();
  const double since_last = std::chrono::duration<double>(now - last_).count();
  if (!force && since_last < (terminal_ ? 0.5 : 10.0)) return;
  last_ = now;
  shown_ = true, shown_done_ = done, shown_count_ = count;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate =
      elapsed > 0 && done > done_before_ ? static_cast<double>(done - done_before_) / elapsed : 0;
  const double left = rate > 0 && !finished_ ? (total_ - done) / rate : 0;
  const std::string counted =
      counted_.empty() ? "" : " | " + std::to_string(count) + " " + counted_;
  // (nothing stepped by this process yet, e.g. a resumed rank that had finished: no rate)
  char rate_text[32] = "-";
  char left_text[32] = "-";
  if (done > done_before_)
    std::snprintf(rate_text, sizeof rate_text, "%.*f", rate >= 100 ? 0 : 2, rate);
  if (rate > 0 || finished_) std::snprintf(left_text, sizeof left_text, "%.0f", left);
  std::fprintf(stderr, "%s[kascade] %s%s%s %5.1f%% | %llu/%llu %s | %s %s/s%s | %s s left%s",
               terminal_ ? "\r" : "", what_.c_str(), stage_.empty() ? "" : " ", stage_.c_str(),
               total_ && !finished_ ? 100.0 * done / total_ : 100.0,
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
               unit_.c_str(), rate_text, unit_.c_str(), counted.c_str(), left_text,
               terminal_ ? "   " : "\n");
  std::fflush(stderr);
}

void Progress::finish(std::uint64_t count, std::uint64_t done) {
  if (!enabled_ || finished_) return;
  finished_ = true;
  if (!(shown_done_ == done && shown_count_ == count)) update(done, count, true);
  if (terminal_) std::fputc('\n', stderr);
}

void WaitNotice::tick() {
  if (!enabled_) return;
  const auto now = clock::now();
  if (!started_) {
    started_ = true, start_ = last_ = now;
    std::fprintf(stderr,
                 "[kascade] rank 0's networks are simulated; waiting for the other ranks\n");
    std::fflush(stderr);
    return;
  }
  if (std::chrono::duration<double>(now - last_).count() < 10.0) return;
  last_ = now;
  std::fprintf(stderr, "[kascade] still waiting for the other ranks (%.0f s)\n",
               std::chrono::duration<double>(now - start_).count());
  std::fflush(stderr);
}

}  // namespace kascade::app
