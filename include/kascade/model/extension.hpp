#pragma once
// The C++ extension point for models that need code: a nonlinearity phi that the built-in list
// lacks. A model selects it with `nonlinearity = "extension"` (deck) or
// Nonlinearity::extension (C++), and the Engine is instantiated with the extension type:
//
//   struct Cubic {                                     // copied to the device: plain data only
//     KOKKOS_INLINE_FUNCTION kascade::real_t operator()(kascade::real_t x) const {
//       return x > 0 ? x * x * x : 0;
//     }
//   };
//   template class kascade::Engine<Kokkos::DefaultExecutionSpace, Cubic>;  // needs engine_impl.hpp
//
// lambda = gain * phi(slope * (g - theta)) as for every nonlinearity. See docs/extending.md.
#include <Kokkos_Core.hpp>

#include "kascade/core/types.hpp"

namespace kascade {

// The default: no extension. A model asking for one is rejected by the Engine.
struct NoExtension {
  static constexpr bool available = false;
  KOKKOS_INLINE_FUNCTION real_t operator()(real_t) const { return real_t(0); }
};

// True unless the type declares `static constexpr bool available = false`.
template <class Extension, class = void>
struct extension_available {
  static constexpr bool value = true;
};
template <class Extension>
struct extension_available<Extension, std::void_t<decltype(Extension::available)>> {
  static constexpr bool value = Extension::available;
};

}  // namespace kascade
