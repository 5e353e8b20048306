#pragma once
// exp for float32 without libm: Cody-Waite range reduction and a minimax polynomial, pure
// arithmetic so that it inlines and vectorises in kernels on every backend, and gives the same
// bits on every CPU (no FMA contraction: the library is built with -ffp-contract=off).
// Inputs are clamped to [-87.3, 88]: below, the result is ~1e-38 instead of 0 (harmless for
// rates); above, e^88 (1.6e38). Maximum error about 1.5 ulp (tests/core/test_fast_exp.cpp).
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <cstring>

namespace kascade::math {

KOKKOS_INLINE_FUNCTION float fast_exp(float x) {
  x = x < -87.3f ? -87.3f : (x > 88.0f ? 88.0f : x);
  // x = n ln2 + r, |r| <= ln2 / 2, with ln2 = C1 + C2 and C1 short enough that n C1 is exact.
  const float n = static_cast<float>(static_cast<int>(x * 1.44269504f + (x >= 0 ? 0.5f : -0.5f)));
  const float r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
  // e^r = 1 + r + r^2 P(r), P a minimax polynomial (Cephes' expf coefficients).
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  // times 2^n through the exponent bits (n in [-126, 127] after the clamp)
  const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace kascade::math
