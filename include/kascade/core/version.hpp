#pragma once
#include <string>

namespace kascade {

std::string version();         // e.g. "0.1.0"
std::string git_revision();    // `git describe` at build time, or "unknown"
std::string kokkos_backend();  // name of Kokkos' default execution space, e.g. "OpenMP"

}  // namespace kascade
