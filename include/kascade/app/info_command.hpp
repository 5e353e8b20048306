#pragma once
// `kascade info FILE`: what an output file holds, on stdout.
#include <string>

namespace kascade::app {

// Returns the exit status: 0 for a complete file, 3 for an incomplete one (still printed), so
// that `kascade info f && ...` goes on only with a whole file. The first 10 networks' rows, or
// with `all_networks` every network's.
int info_command(const std::string& file, bool all_networks = false);

}  // namespace kascade::app
