#pragma once
// Errors that reach the user as one line. InputError means the user's input is wrong
// (deck, file, parameter): the CLI exits with status 2 for it.
#include <stdexcept>
#include <string>

namespace kascade {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws InputError("<what>") unless the condition holds.
inline void require(bool condition, const std::string& what) {
  if (!condition) throw InputError(what);
}

}  // namespace kascade
