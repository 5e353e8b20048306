#pragma once
// `kascade info FILE`: what an output file holds, on stdout.
#include <string>

namespace kascade::app {

void info_command(const std::string& file);

}  // namespace kascade::app
