#pragma once
// Emission draws, callable inside kernels. Each draw is a pure function of its Philox counter
// (seed, network, neuron, step): bitwise the same on every backend, thread count and batch.
#include "kascade/core/math.hpp"
#include "kascade/core/types.hpp"
#include "kascade/random/philox.hpp"

namespace kascade {

struct DrawKey {
  std::uint64_t seed;
  network_id_t network;
  std::uint32_t neuron;
  step_t step;
};

// Bernoulli(p) for p in [0, 1] in double (bernoulli_exp): spike iff 32 random bits < p 2^32, so
// P = ceil(p 2^32) / 2^32.
KOKKOS_INLINE_FUNCTION bool draw_bernoulli(double p, std::uint32_t bits) {
  return static_cast<double>(bits) < p * 4294967296.0;
}

// Bernoulli(p) for a float p in [0, 1]: spike iff the top 24 of the 32 random bits, as a uniform
// u on the 2^-24 grid in [0, 1), are below p; so P = ceil(p 2^24) / 2^24 (p = 1: always, p = 0:
// never). One float compare, which vectorises (the Bernoulli emission of the neuron kernel).
KOKKOS_INLINE_FUNCTION bool draw_bernoulli24(float p, std::uint32_t bits) {
  return random::to_unit_float(bits) < p;
}

// Poisson(mean) counts. mean < 10: inversion of the CDF with one uniform. mean >= 10: Hoermann's
// transformed rejection with squeeze (PTRS, 1993), each attempt one Philox call of its own.
// `first` is the emission call's output, used by the first attempt.
// Further attempts use streams stream_base + 1 .. stream_base + 110, apart from other uses.
KOKKOS_INLINE_FUNCTION double draw_poisson(double mean, const random::Bits4& first, DrawKey key,
                                           std::uint32_t stream_base = random::poisson_attempts) {
  if (!(mean > 0)) return 0;
  if (mean < 10) {
    const double u = random::to_unit_double(first.v[0], first.v[1]);
    double p = math::exp(-mean), cdf = p, k = 0;
    while (u >= cdf && k < 1000) {
      k += 1;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }
  const double slam = math::sqrt(mean), loglam = math::log(mean);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  random::Bits4 bits = first;
  for (std::uint32_t attempt = 0; attempt <= 110; ++attempt) {
    if (attempt > 0)
      bits =
          random::philox_bits(key.seed, key.network, key.neuron, key.step, stream_base + attempt);
    const double U = random::to_unit_double(bits.v[0], bits.v[1]) - 0.5;
    const double V = random::to_unit_double(bits.v[2], bits.v[3]);
    const double us = 0.5 - math::fabs(U);
    const double k = math::floor((2 * a / us + b) * U + mean + 0.43);
    if (us >= 0.07 && V <= vr) return k;
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (math::log(V) + math::log(inv_alpha) - math::log(a / (us * us) + b) <=
        -mean + k * loglam - math::lgamma(k + 1))
      return k;
  }
  return math::floor(mean + 0.5);  // 111 rejections in a row: probability below 1e-100
}

// Normal(0, 1) by Box-Muller from two 32-bit uniforms.
KOKKOS_INLINE_FUNCTION real_t standard_normal(std::uint32_t a, std::uint32_t b) {
  const real_t u1 = real_t(1) - random::to_unit_float(a);  // (0, 1]
  const real_t u2 = random::to_unit_float(b);
  return math::sqrt(real_t(-2) * math::log(u1)) * math::cos(real_t(6.283185307179586) * u2);
}

}  // namespace kascade
