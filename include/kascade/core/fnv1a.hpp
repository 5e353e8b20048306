#pragma once
// FNV-1a, 64 bit: a fingerprint of some bytes (a deck's text, which ties checkpoints to it; values
// a deck reads from files), not a cryptographic hash.
#include <cstdint>
#include <string>

namespace kascade {

inline std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace kascade
