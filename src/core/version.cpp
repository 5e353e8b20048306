#include "kascade/core/version.hpp"

#include <Kokkos_Core.hpp>

#include "kascade/core/revision.hpp"

namespace kascade {

std::string version() { return KASCADE_VERSION; }
std::string git_revision() { return KASCADE_GIT_REVISION; }
std::string kokkos_backend() { return Kokkos::DefaultExecutionSpace::name(); }

}  // namespace kascade
