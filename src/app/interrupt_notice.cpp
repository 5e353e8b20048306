#include "interrupt_notice.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
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

void print_on_interrupt(const std::string& message) {
  const std::string line = "\n" + message + "\n";
  notice_length = std::min(line.size(), sizeof notice);
  std::memcpy(notice, line.data(), notice_length);
  struct sigaction action {};
  action.sa_handler = announce;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  for (const int s : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction before {};
    // (a signal the caller ignores stays ignored: `nohup`, a background job's SIGINT)
    if (::sigaction(s, nullptr, &before) == 0 && before.sa_handler == SIG_IGN) continue;
    ::sigaction(s, &action, nullptr);
  }
}

}  // namespace kascade::app
