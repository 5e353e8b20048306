// The library's one instantiation of the engine: default execution space, no extension.
#include "kascade/engine/engine_impl.hpp"

namespace kascade {

template class Engine<Kokkos::DefaultExecutionSpace>;

}  // namespace kascade
