#pragma once
// FNV-1a, 64 bit: a fingerprint of some bytes (a deck's text, which ties checkpoints to it; values
// a deck reads from files), not a cryptographic hash.
#include <cstddef>
#include <cstdint>
#include <string>

namespace kascade {

inline std::uint64_t fnv1a(const char* data, const std::size_t n) {
  std::uint64_t h = 14695981039346656037ull;
  for (std::size_t k = 0; k < n; ++k)
    h = (h ^ static_cast<unsigned char>(data[k])) * 1099511628211ull;
  return h;
}
inline std::uint64_t fnv1a(const std::string& bytes) { return fnv1a(bytes.data(), bytes.size()); }

}  // namespace kascade
