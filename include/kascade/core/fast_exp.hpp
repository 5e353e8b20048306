#pragma once
// exp for float32 without libm: Cody-Waite range reduction and a minimax polynomial, pure
// arithmetic so that it inlines and vectorises in kernels on every backend. The library is built
// with -ffp-contract=off, so the compiler never fuses on its own; the multiply-adds here are
// explicit fma() where the target has the instruction (AVX2 hosts with FMA, GPUs): a fused
// multiply-add is correctly rounded, so it gives the same bits on every machine with it, and it
// halves the dependency chain of the polynomial. Without FMA (e.g. an -march=x86-64 build) the
// same formulas run unfused: a few bits differ between such builds, never within one.
// Inputs are clamped to [-87.3, 88]: below, the result is ~1e-38 instead of 0 (harmless for
// rates); above, e^88 (1.6e38). Maximum error 2 ulp (tests/core/test_fast_exp.cpp).
#include <Kokkos_Core.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace kascade::math {

// a b + c: one rounding where the target fuses, else two.
KOKKOS_FORCEINLINE_FUNCTION float multiply_add(float a, float b, float c) {
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
  return fmaf(a, b, c);
#elif defined(__FMA__)
  return __builtin_fmaf(a, b, c);
#else
  return a * b + c;
#endif
}

KOKKOS_FORCEINLINE_FUNCTION float fast_exp(float x) {
  x = x < -87.3f ? -87.3f : (x > 88.0f ? 88.0f : x);
  // n = round(x / ln2) by the 1.5 * 2^23 shifter: adding it rounds x / ln2 to an integer held
  // in the low mantissa bits (|x / ln2| < 2^22), read back as float (n) and as integer bits.
  constexpr float shifter = 12582912.0f;
  const float shifted = multiply_add(x, 1.44269504f, shifter);
  const float n = shifted - shifter;
  std::int32_t n_bits;
  std::memcpy(&n_bits, &shifted, sizeof n_bits);
  n_bits -= 0x4b400000;  // the shifter's own bits: n as an integer
  // x = n ln2 + r, |r| <= ln2 / 2, with ln2 = C1 + C2 and C1 short enough that n C1 is exact.
  const float r = multiply_add(n, 2.12194440e-4f, multiply_add(n, -0.693359375f, x));
  // e^r = 1 + r + r^2 P(r), P a minimax polynomial (Cephes' expf coefficients).
  float p = 1.9875691500e-4f;
  p = multiply_add(p, r, 1.3981999507e-3f);
  p = multiply_add(p, r, 8.3334519073e-3f);
  p = multiply_add(p, r, 4.1665795894e-2f);
  p = multiply_add(p, r, 1.6666665459e-1f);
  p = multiply_add(p, r, 5.0000001201e-1f);
  p = multiply_add(p, r * r, r) + 1.0f;
  // times 2^n through the exponent bits (n in [-126, 127] after the clamp; unsigned: a NaN x,
  // which the clamp lets through, gives a meaningless n, and the result is NaN through p)
  const std::uint32_t bits = (static_cast<std::uint32_t>(n_bits) + 127u) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace kascade::math
