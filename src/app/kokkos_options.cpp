#include "kokkos_options.hpp"

#include <Kokkos_Core.hpp>
#include <cerrno>
#include <cstdlib>

#include "kascade/core/error.hpp"

namespace kascade::app {

namespace {

// Kokkos 3.4's OpenMP backend sizes its thread data for at most this many threads
// (OpenMPExec::MAX_THREAD_COUNT); more crash it.
#if defined(KOKKOS_ENABLE_OPENMP)
constexpr long most_threads = 512;
#else
constexpr long most_threads = 1L << 20;
#endif

// `text` as a whole number in [low, high], or else InputError naming `what`.
void check_count(const std::string& what, const std::string& text, const long low,
                 const long high) {
  // (digits only, as Kokkos reads them: strtol would also take spaces and a sign)
  const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  errno = 0;
  char* end = nullptr;
  const long value = digits ? std::strtol(text.c_str(), &end, 10) : 0;
  const bool number = digits && end != nullptr && *end == '\0' && errno == 0;
  require(number && value >= low && value <= high,
          what + " = '" + text + "': needs a whole number from " + std::to_string(low) + " to " +
              std::to_string(high));
}

}  // namespace

std::string usual_kokkos_options() {
#if KOKKOS_VERSION < 30700
  return "--kokkos-threads=N, --kokkos-device-id=N, --kokkos-help";
#else
  return "--kokkos-num-threads=N, --kokkos-device-id=N, --kokkos-help";
#endif
}

void check_kokkos_options(const std::vector<std::string>& options, const char* omp_num_threads) {
  struct Counted {
    const char* name;
    long low, high;
    bool skip = false;  // N,SKIP: also the device not to use (Kokkos threw on a bad one: abort)
  };
  const Counted counted[] = {{"--kokkos-threads", 1, most_threads},
                             {"--kokkos-num-threads", 1, most_threads},
                             {"--kokkos-numa", 1, 1024},
                             {"--kokkos-device", 0, 1023},
                             {"--kokkos-device-id", 0, 1023},
                             {"--kokkos-ndevices", 1, 1024, true},
                             {"--kokkos-num-devices", 1, 1024, true}};
  // Kokkos ignores a --kokkos-* option it does not know (a misspelt --kokkos-thread=4, or 4.x's
  // --kokkos-num-threads on 3.4, ran on the default threads without a word): the options of the
  // Kokkos this program is built with.
#if KOKKOS_VERSION < 30700
  const char* known[] = {
      "--kokkos-threads",          "--kokkos-numa",           "--kokkos-device",
      "--kokkos-device-id",        "--kokkos-ndevices",       "--kokkos-num-devices",
      "--kokkos-disable-warnings", "--kokkos-tune-internals", "--kokkos-tools-library",
      "--kokkos-tools-args",       "--kokkos-tools-help",     "--kokkos-help"};
#else
  const char* known[] = {"--kokkos-threads",
                         "--kokkos-num-threads",
                         "--kokkos-numa",
                         "--kokkos-device",
                         "--kokkos-device-id",
                         "--kokkos-ndevices",
                         "--kokkos-num-devices",
                         "--kokkos-map-device-id-by",
                         "--kokkos-disable-warnings",
                         "--kokkos-print-configuration",
                         "--kokkos-tune-internals",
                         "--kokkos-tools-library",
                         "--kokkos-tools-libs",
                         "--kokkos-tools-args",
                         "--kokkos-tools-help",
                         "--kokkos-help"};
#endif
  for (const std::string& option : options) {
    const std::string name = option.substr(0, option.find('='));
    bool found = false;
    for (const char* k : known) found = found || name == k;
    require(found, "unknown option '" + name + "' (this build's Kokkos " +
                       std::to_string(KOKKOS_VERSION / 10000) + "." +
                       std::to_string(KOKKOS_VERSION / 100 % 100) + " takes " +
                       usual_kokkos_options() + ", ...; see kascade --help)");
  }
  bool threads_given = false;
  for (const std::string& option : options)
    for (const Counted& c : counted) {
      const std::string name = c.name;
      if (option == name) throw InputError(name + ": give its value with '=', e.g. " + name + "=4");
      if (option.rfind(name + "=", 0) != 0) continue;
      const std::string value = option.substr(name.size() + 1);
      const std::size_t comma = c.skip ? value.find(',') : std::string::npos;
      check_count(name, value.substr(0, comma), c.low, c.high);
      if (comma != std::string::npos)
        check_count(name + " (the device to skip, after ',')", value.substr(comma + 1), 0, 1023);
      threads_given = threads_given || name.find("threads") != std::string::npos;
    }
#if defined(KOKKOS_ENABLE_OPENMP)
  // (OpenMP reads a list, one count per nesting level: the first is Kokkos' threads)
  if (!threads_given && omp_num_threads != nullptr && *omp_num_threads != '\0') {
    std::string first =
        std::string(omp_num_threads).substr(0, std::string(omp_num_threads).find(','));
    first.erase(0, first.find_first_not_of(" \t"));
    first.erase(first.find_last_not_of(" \t") + 1);
    check_count("OMP_NUM_THREADS", first, 1, most_threads);
  }
#else
  (void)omp_num_threads;
  (void)threads_given;
#endif
}

}  // namespace kascade::app
