#pragma once
// `kascade info FILE`: what an output file holds, on stdout.
#include <string>

namespace kascade::app {

// Returns the exit status: 0 for a complete file, 3 for an incomplete one (still printed), so
// that `kascade info f && ...` goes on only with a whole file.
int info_command(const std::string& file);

}  // namespace kascade::app
