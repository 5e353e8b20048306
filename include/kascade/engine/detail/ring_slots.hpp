#pragma once
// Slots of the T-step rings (spikes, drive, self history): step s lives in slot s mod T. Every
// kernel and the engine count slots with these, so that they agree on the layout. Internal.
#include <Kokkos_Core.hpp>

#include "kascade/core/types.hpp"

namespace kascade::detail {

// The slot of step s (s may be negative after a rewind).
KOKKOS_INLINE_FUNCTION int ring_slot(const step_t s, const int T) {
  return static_cast<int>(((s % T) + T) % T);
}

// The slot `back` steps before `slot` (0 <= back <= T): one wrap, no division (kernels ask for
// it per lag and step).
KOKKOS_INLINE_FUNCTION int ring_back(const int slot, const int back, const int T) {
  const int s = slot - back;
  return s < 0 ? s + T : s;
}

// The slot of the step after `slot`.
KOKKOS_INLINE_FUNCTION int ring_next(const int slot, const int T) {
  return slot + 1 < T ? slot + 1 : 0;
}

}  // namespace kascade::detail
