// The library's one instantiation of the engine: default execution space, no extension.
#include "kascade/engine/engine_impl.hpp"

namespace kascade {

template class Engine<Kokkos::DefaultExecutionSpace>;

void NetworkHealth::append(const NetworkHealth& more) {
  clipped.insert(clipped.end(), more.clipped.begin(), more.clipped.end());
  non_finite.insert(non_finite.end(), more.non_finite.begin(), more.non_finite.end());
  runaway.insert(runaway.end(), more.runaway.begin(), more.runaway.end());
}

void NetworkHealth::append_healthy(std::size_t networks) {
  clipped.insert(clipped.end(), networks, 0);
  non_finite.insert(non_finite.end(), networks, 0);
  runaway.insert(runaway.end(), networks, -1);
}

}  // namespace kascade
