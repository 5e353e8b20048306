#pragma once
// What a user sees when a run is stopped by Ctrl-C or a batch system's SIGTERM (or its warning
// SIGUSR1 or SIGUSR2, handled alike: "the interrupt signals" below): one line saying
// what the same command will do next, instead of nothing; and, while it simulates, a checkpoint
// taken first (a scheduler's SIGTERM before its SIGKILL loses no more than a chunk). Internal.
#include <signal.h>

#include <string>

namespace kascade::app {

// From now on the interrupt signals print `message` (on one line of its own) before the
// process ends as the signal would have ended it; those the process ignores stay ignored. Call
// once, before the work.
void print_on_interrupt(const std::string& message);
// What print_on_interrupt prints from now on, as the work moves on, and what a signal noted
// while interrupts are deferred prints at once (nothing where print_on_interrupt was not called:
// other ranks stay silent).
void change_interrupt_notice(const std::string& message, const std::string& deferred = "");
// The interrupt signals ignored from now on (the program's work is done).
void ignore_interrupts();

// For work that must clean up before it ends (an export's staging folder): from now on the
// interrupt signals are only noted (those the process ignores stay ignored); the work asks
// interrupt_pending() where it can stop, unwinds, and then calls end_as_interrupted().
void defer_interrupts();
int interrupt_pending();  // the signal noted, or 0
// Prints `message` (one line; none if empty), then ends the process as the noted signal would
// have.
[[noreturn]] void end_as_interrupted(const std::string& message);

// While it lives, the interrupt signals are deferred (defer_interrupts: the simulation asks
// at every chunk) or ignored (a complete output's last cleanup); then the handlers from before it
// again. A signal deferred but not acted on is then acted on by them, unless an exception is
// unwinding (its error is reported first).
class ScopedInterrupts {
 public:
  // warnings_ignored: SIGUSR1 and SIGUSR2 (a batch system's warning before its SIGTERM) are
  // ignored, the others act as before (a file whose assembly takes a second is finished).
  enum Mode { deferred, ignored, warnings_ignored };
  static constexpr int kHandled = 5;  // SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2
  explicit ScopedInterrupts(Mode mode);
  ~ScopedInterrupts();
  ScopedInterrupts(const ScopedInterrupts&) = delete;
  ScopedInterrupts& operator=(const ScopedInterrupts&) = delete;

 private:
  struct sigaction saved_[kHandled];  // the interrupt signals' actions before it
};

}  // namespace kascade::app
