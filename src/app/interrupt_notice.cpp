#include "interrupt_notice.hpp"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iterator>

namespace kascade::app {

namespace {

// (SIGUSR1 and SIGUSR2: what batch systems send as a warning before a time limit, e.g. Slurm's
// --signal=USR1@120; their default action would end the run without a checkpoint.)
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2};
static_assert(std::size(kSignals) == ScopedInterrupts::kHandled);

// The lines the handlers print (changed with the signals blocked; read-only in the handlers).
struct Line {
  char text[512];
  std::size_t length = 0;
};
Line notice, deferred_notice;
bool notices = false;  // print_on_interrupt was called

// A line of its own: after the progress line a terminal shows (redrawn in place), a new line
// first; a log's lines end with theirs.
std::string own_line(const std::string& message) {
  return (::isatty(STDERR_FILENO) ? "\n" : "") + message + "\n";
}

void set_line(Line& line, const std::string& message) {
  const std::string text = message.empty() ? "" : own_line(message);
  line.length = std::min(text.size(), sizeof line.text);
  std::memcpy(line.text, text.data(), line.length);
}

void write_line(const Line& line) {
  if (line.length > 0) (void)!::write(STDERR_FILENO, line.text, line.length);
}

// Async-signal-safe: write(2), then the default action of the signal.
void announce(const int signal_number) {
  write_line(notice);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

// (lock-free atomics: the signal may be delivered to any thread, e.g. an OpenMP worker)
std::atomic<int> noted{0};
std::atomic<long long> noted_at_ms{0};  // when, on the monotonic clock
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<long long>::is_always_lock_free,
              "signal handlers need lock-free flags");

// Milliseconds on the monotonic clock (clock_gettime is async-signal-safe).
long long monotonic_ms() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<long long>(t.tv_sec) * 1000 + t.tv_nsec / 1000000;
}

// A Ctrl-C this long after the first signal is a second request: the user means now.
constexpr long long kSecondRequestMs = 1000;

// The first signal is noted and said at once. Later ones are the same request again and are
// ignored, so that the checkpoint under way is written: a batch system's SIGTERM reaches
// mpirun and every rank, and mpirun passes it on (each rank gets two); Slurm's warning SIGUSR1
// is followed by SIGTERM at the limit; a terminal's Ctrl-C reaches mpirun and its ranks. (A
// second SIGTERM had ended a rank in the middle of its checkpoint: its chunks were redone.) The
// exception is a Ctrl-C a second or more after the first signal: it ends the process at once
// (the work may be stuck); the scheduler's SIGKILL ends it anyway.
void note(const int signal_number) {
  const long long now = monotonic_ms();
  int first = 0;
  if (noted.compare_exchange_strong(first, signal_number)) {
    noted_at_ms.store(now);
    write_line(deferred_notice);
    return;
  }
  const long long first_at = noted_at_ms.load();  // (0: the first is being noted right now)
  if (signal_number == SIGINT && first_at != 0 && now - first_at >= kSecondRequestMs) {
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);  // (blocked in its own handler: acted on as this one returns)
  }
}

// `handler` for the signals above, but where the caller ignores one (`nohup`, a
// background job's SIGINT), and SIGUSR1 and SIGUSR2 only where nothing else handles them (a
// library or a profiler may).
void handle_interrupts(void (*handler)(int), const int flags) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = flags;
  for (const int s : kSignals) {
    struct sigaction before {};
    if (::sigaction(s, nullptr, &before) != 0 || before.sa_handler == SIG_IGN) continue;
    const bool plain = (before.sa_flags & SA_SIGINFO) == 0;
    const bool ours = plain && (before.sa_handler == announce || before.sa_handler == note);
    const bool warning = s == SIGUSR1 || s == SIGUSR2;
    if (warning && !ours && !(plain && before.sa_handler == SIG_DFL)) continue;
    ::sigaction(s, &action, nullptr);
  }
}

}  // namespace

void print_on_interrupt(const std::string& message) {
  notices = true;
  set_line(notice, message);
  handle_interrupts(announce, SA_RESETHAND);
}

void change_interrupt_notice(const std::string& message, const std::string& deferred) {
  if (!notices) return;
  sigset_t block, before;
  sigemptyset(&block);
  for (const int s : kSignals) sigaddset(&block, s);
  ::pthread_sigmask(SIG_BLOCK, &block, &before);
  set_line(notice, message);
  set_line(deferred_notice, deferred);
  ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
}

void ignore_interrupts() {
  for (const int s : kSignals) ::signal(s, SIG_IGN);
}

void defer_interrupts() { handle_interrupts(note, SA_RESTART); }

int interrupt_pending() { return noted.load(); }

void end_as_interrupted(const std::string& message) {
  if (!message.empty()) std::fputs(own_line(message).c_str(), stderr);
  std::fflush(stderr);
  const int s = noted.load() != 0 ? noted.load() : SIGINT;
  ::signal(s, SIG_DFL);
  ::raise(s);
  std::_Exit(128 + s);  // (unreachable: the default action ends the process)
}

ScopedInterrupts::ScopedInterrupts(const Mode mode) {
  for (int k = 0; k < kHandled; ++k) ::sigaction(kSignals[k], nullptr, &saved_[k]);
  if (mode == deferred)
    defer_interrupts();
  else if (mode == ignored)
    ignore_interrupts();
  else
    for (const int s : {SIGUSR1, SIGUSR2}) ::signal(s, SIG_IGN);
}

ScopedInterrupts::~ScopedInterrupts() {
  for (int k = 0; k < kHandled; ++k) ::sigaction(kSignals[k], &saved_[k], nullptr);
  noted_at_ms.store(0);  // (a later first signal stamps its own time)
  const int s = noted.exchange(0);
  if (s != 0 && std::uncaught_exceptions() == 0) ::raise(s);  // (the handler restored acts)
}

}  // namespace kascade::app
