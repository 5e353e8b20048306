// The fingerprint of the spill file and of a run's input files: the same bytes give the same
// value however they are fed, and any changed byte (anywhere in a word) changes it.
#include <gtest/gtest.h>

#include <string>

#include "kascade/core/fingerprint.hpp"

namespace kascade {
namespace {

std::uint64_t of(const std::string& bytes, std::size_t piece) {
  Fingerprint f;
  for (std::size_t at = 0; at < bytes.size(); at += piece)
    f.add(bytes.data() + at, std::min(piece, bytes.size() - at));
  return f.value();
}

TEST(Fingerprint, TheSameBytesInAnyPiecesGiveTheSameValue) {
  std::string bytes;
  for (int k = 0; k < 1000; ++k) bytes.push_back(static_cast<char>(k * 37 + k / 7));
  const std::uint64_t whole = of(bytes, bytes.size());
  for (std::size_t piece : {1, 2, 3, 5, 7, 8, 9, 13, 64, 999}) EXPECT_EQ(of(bytes, piece), whole);
}

TEST(Fingerprint, AnyChangedByteOrLengthChangesIt) {
  std::string bytes(203, '\0');
  for (std::size_t k = 0; k < bytes.size(); ++k) bytes[k] = static_cast<char>(k);
  const std::uint64_t base = of(bytes, 8);
  for (std::size_t k = 0; k < bytes.size(); ++k)
    for (int bit = 0; bit < 8; ++bit) {
      std::string changed = bytes;
      changed[k] = static_cast<char>(changed[k] ^ (1 << bit));
      ASSERT_NE(of(changed, 8), base) << "byte " << k << " bit " << bit;
    }
  EXPECT_NE(of(bytes + std::string(1, '\0'), 8), base);  // a zero byte more: the length counts
  EXPECT_NE(of(bytes.substr(0, 202), 8), base);
}

}  // namespace
}  // namespace kascade
