#include "interrupt_notice.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kascade::app {

namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

char notice[512];  // (changed with the signals blocked; read-only in the handlers)
std::size_t notice_length = 0;
bool notices = false;  // print_on_interrupt was called

// A line of its own: after the progress line a terminal shows (redrawn in place), a new line
// first; a log's lines end with theirs.
std::string own_line(const std::string& message) {
  return (::isatty(STDERR_FILENO) ? "\n" : "") + message + "\n";
}

void set_notice(const std::string& message) {
  sigset_t block, before;
  sigemptyset(&block);
  for (const int s : kSignals) sigaddset(&block, s);
  ::sigprocmask(SIG_BLOCK, &block, &before);
  const std::string line = own_line(message);
  notice_length = std::min(line.size(), sizeof notice);
  std::memcpy(notice, line.data(), notice_length);
  ::sigprocmask(SIG_SETMASK, &before, nullptr);
}

// Async-signal-safe: write(2), then the default action of the signal.
void announce(const int signal_number) {
  if (notice_length > 0) (void)!::write(STDERR_FILENO, notice, notice_length);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

volatile sig_atomic_t noted = 0;

// A second signal is not deferred: it ends the process at once (the work may be stuck).
void note(const int signal_number) {
  if (noted != 0) {
    ::signal(signal_number, SIG_DFL);
    ::raise(signal_number);
  }
  noted = signal_number;
}

// `handler` for SIGINT, SIGTERM and SIGHUP, but where the caller ignores one (`nohup`, a
// background job's SIGINT).
void handle_interrupts(void (*handler)(int), const int flags) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = flags;
  for (const int s : kSignals) {
    struct sigaction before {};
    if (::sigaction(s, nullptr, &before) == 0 && before.sa_handler == SIG_IGN) continue;
    ::sigaction(s, &action, nullptr);
  }
}

struct sigaction saved[3];  // (DeferredInterrupts: the handlers before it)

}  // namespace

void print_on_interrupt(const std::string& message) {
  notices = true;
  set_notice(message);
  handle_interrupts(announce, SA_RESETHAND);
}

void change_interrupt_notice(const std::string& message) {
  if (notices) set_notice(message);
}

void ignore_interrupts() {
  for (const int s : kSignals) ::signal(s, SIG_IGN);
}

void defer_interrupts() { handle_interrupts(note, SA_RESTART); }

int interrupt_pending() { return noted; }

void end_as_interrupted(const std::string& message) {
  if (!message.empty()) std::fputs(own_line(message).c_str(), stderr);
  std::fflush(stderr);
  const int s = noted != 0 ? noted : SIGINT;
  ::signal(s, SIG_DFL);
  ::raise(s);
  std::_Exit(128 + s);  // (unreachable: the default action ends the process)
}

DeferredInterrupts::DeferredInterrupts() {
  for (int k = 0; k < 3; ++k) ::sigaction(kSignals[k], nullptr, &saved[k]);
  defer_interrupts();
}

DeferredInterrupts::~DeferredInterrupts() {
  for (int k = 0; k < 3; ++k) ::sigaction(kSignals[k], &saved[k], nullptr);
  if (const int s = noted; s != 0) {
    noted = 0;
    ::raise(s);  // (the handler restored acts on it)
  }
}

}  // namespace kascade::app
