#include "interrupt_notice.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kascade::app {

namespace {

char notice[512];  // (written before the handlers are installed; read-only in them)
std::size_t notice_length = 0;

// Async-signal-safe: write(2), then the default action of the signal.
void announce(const int signal_number) {
  if (notice_length > 0) (void)!::write(STDERR_FILENO, notice, notice_length);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

}  // namespace

namespace {

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
  for (const int s : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction before {};
    if (::sigaction(s, nullptr, &before) == 0 && before.sa_handler == SIG_IGN) continue;
    ::sigaction(s, &action, nullptr);
  }
}

}  // namespace

void defer_interrupts() { handle_interrupts(note, SA_RESTART); }

int interrupt_pending() { return noted; }

void end_as_interrupted(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  std::fflush(stderr);
  const int s = noted != 0 ? noted : SIGINT;
  ::signal(s, SIG_DFL);
  ::raise(s);
  std::_Exit(128 + s);  // (unreachable: the default action ends the process)
}

void print_on_interrupt(const std::string& message) {
  const std::string line = "\n" + message + "\n";
  notice_length = std::min(line.size(), sizeof notice);
  std::memcpy(notice, line.data(), notice_length);
  handle_interrupts(announce, SA_RESETHAND);
}

}  // namespace kascade::app
