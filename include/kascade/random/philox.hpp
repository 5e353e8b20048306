#pragma once
// Counter-based random numbers (Random123 Philox4x32-10). Every draw is a pure function of
// (seed, network id, index, step, stream): no generator state exists, so results do not depend
// on thread count, batch composition, MPI rank or restarts.
//
// Layout: key = the 64-bit seed; counter = {index, network, step low 32 bits,
// stream << 24 | step high 24 bits}. `index` is a neuron (or any per-network item) and
// `stream` separates independent uses of the same (network, index, step).
#include <Kokkos_Core.hpp>
#include <Random123/philox.h>
#include <cstdint>

namespace kascade::random {

// Independent uses of the generator. Never reuse a value for a different purpose.
enum Stream : std::uint32_t {
  emission = 0,           // Poisson and bernoulli_exp emission, one counter per (neuron, step)
  initial_state = 1,      // initial spikes before equilibration
  connectivity = 2,       // network generators
  stimulus = 3,           // stimulus plans
  background = 4,         // background noise, one counter per (neuron, step)
  bernoulli_block = 5,    // Bernoulli emission: one counter per (neuron, block of 5 steps)
  neuron_types = 6,       // Dale's law with random excitatory neurons: one counter per draw
  poisson_attempts = 16,  // 17..127: further rejection attempts of a Poisson emission
  stimulus_poisson_attempts = 128,  // 129..255: the same for the intervals of stimulus plans
};

struct Uniform4 {
  float u[4];  // uniforms in [0, 1), 24-bit resolution
};

struct Bits4 {
  std::uint32_t v[4];
};

// The four counter words of (network, index, step, stream) (layout above).
KOKKOS_INLINE_FUNCTION Bits4 counter_words(std::uint32_t network, std::uint32_t index,
                                           std::int64_t step, std::uint32_t stream) {
  const auto s = static_cast<std::uint64_t>(step);
  return Bits4{{index, network, static_cast<std::uint32_t>(s & 0xffffffffu),
                (stream << 24) | static_cast<std::uint32_t>((s >> 32) & 0xffffffu)}};
}

KOKKOS_INLINE_FUNCTION r123::Philox4x32::key_type philox_key(std::uint64_t seed) {
  return {{static_cast<std::uint32_t>(seed & 0xffffffffu), static_cast<std::uint32_t>(seed >> 32)}};
}

KOKKOS_FORCEINLINE_FUNCTION Bits4 philox_bits(std::uint64_t seed, std::uint32_t network,
                                              std::uint32_t index, std::int64_t step,
                                              std::uint32_t stream) {
  using rng_t = r123::Philox4x32;
  const Bits4 c = counter_words(network, index, step, stream);
  const rng_t::ctr_type out = rng_t()({{c.v[0], c.v[1], c.v[2], c.v[3]}}, philox_key(seed));
  return Bits4{{out[0], out[1], out[2], out[3]}};
}

// 32 random bits -> float in [0, 1) on the 2^-24 grid (exactly representable).
KOKKOS_INLINE_FUNCTION float to_unit_float(std::uint32_t bits) {
  return static_cast<float>(bits >> 8) * (1.0f / 16777216.0f);
}

// 64 random bits -> double in [0, 1) on the 2^-53 grid.
KOKKOS_INLINE_FUNCTION double to_unit_double(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t x = (static_cast<std::uint64_t>(hi) << 32 | lo) >> 11;
  return static_cast<double>(x) * (1.0 / 9007199254740992.0);
}

KOKKOS_INLINE_FUNCTION Uniform4 uniform4(std::uint64_t seed, std::uint32_t network,
                                         std::uint32_t index, std::int64_t step,
                                         std::uint32_t stream) {
  const Bits4 b = philox_bits(seed, network, index, step, stream);
  return Uniform4{
      {to_unit_float(b.v[0]), to_unit_float(b.v[1]), to_unit_float(b.v[2]), to_unit_float(b.v[3])}};
}

}  // namespace kascade::random
