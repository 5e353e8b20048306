#pragma once
// Errors that reach the user as one line. InputError means the user's input is wrong
// (deck, file, parameter): the CLI exits with status 2 for it.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace kascade {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A number as a message shows it: 4, 0.25, 671.147, 1e+20 (six significant digits).
inline std::string number_text(const double x) {
  char out[32];
  std::snprintf(out, sizeof out, "%.6g", x);
  return out;
}

// A number as a record keeps it: the fewest significant digits (6 to 17) that read back as x
// (0.1, 1e-07, 0.30000000000000004).
inline std::string exact_text(const double x) {
  char out[32];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(out, sizeof out, "%.*g", digits, x);
    if (std::strtod(out, nullptr) == x) break;
  }
  return out;
}

// A count and its noun, singular for one: "1 network", "3 networks" ("2 batches": `plural`).
inline std::string count_text(const unsigned long long n, const std::string& noun,
                              const std::string& plural = "") {
  return std::to_string(n) + " " + (n == 1 ? noun : plural.empty() ? noun + "s" : plural);
}

// Throws InputError("<what>") unless the condition holds.
inline void require(bool condition, const std::string& what) {
  if (!condition) throw InputError(what);
}

}  // namespace kascade
