#include "kascade/core/fault.hpp"

#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

namespace kascade {

namespace {

// The k of KASCADE_FAULT=<point>:<k>, or nothing where it names another point.
const char* fault_value(const char* point) {
  static const char* const spec = std::getenv("KASCADE_FAULT");
  if (spec == nullptr) return nullptr;
  const char* colon = std::strchr(spec, ':');
  if (colon == nullptr || std::string(spec, colon) != point) return nullptr;
  return colon + 1;
}

}  // namespace

void fault_point(const char* point) {
  const char* k = fault_value(point);
  if (k == nullptr) return;
  static std::map<std::string, long> reached;  // host code, one thread
  if (++reached[point] != std::atol(k)) return;
  // (<point>:<k>:USR1 or :TERM sends that signal instead, as a batch system would)
  const char* sig = std::strchr(k, ':');
  if (sig == nullptr) std::raise(SIGKILL);
  std::raise(std::strcmp(sig + 1, "USR1") == 0 ? SIGUSR1 : SIGTERM);
}

void fault_file_limit() {
  const char* bytes = fault_value("file_limit");
  if (bytes == nullptr) return;
  std::signal(SIGXFSZ, SIG_IGN);  // (else the first write past the limit ends the process)
  rlimit size{};
  getrlimit(RLIMIT_FSIZE, &size);
  size.rlim_cur = static_cast<rlim_t>(std::atoll(bytes));  // (the soft limit: any user lifts it)
  setrlimit(RLIMIT_FSIZE, &size);
}

void fault_space_freed() {
  if (fault_value("file_limit") == nullptr) return;
  rlimit size{};
  getrlimit(RLIMIT_FSIZE, &size);
  size.rlim_cur = size.rlim_max;
  setrlimit(RLIMIT_FSIZE, &size);
}

}  // namespace kascade
