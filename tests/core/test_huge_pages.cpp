// advise_huge_pages / huge_page_view: a large host array comes in huge pages where the kernel
// grants them, and its contents are whatever the caller writes.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "kascade/core/huge_pages.hpp"

namespace kascade {
namespace {

// The THP mode of this kernel ("always", "madvise", "never"), or "" where there is none.
std::string thp_mode() {
  std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string word;
  while (in >> word)
    if (word.front() == '[') return word.substr(1, word.size() - 2);
  return "";
}

// Kilobytes of the mapping holding `p` that are in anonymous huge pages (/proc/self/smaps).
long huge_kb_around(const void* p) {
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  std::ifstream in("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    std::uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-') {
      inside = lo <= at && at < hi;
      continue;
    }
    if (inside && line.rfind("AnonHugePages:", 0) == 0) return std::stol(line.substr(14));
  }
  return -1;
}

TEST(HugePages, LargeHostArraysComeInHugePages) {
  // Only where the kernel backs memory with huge pages just where asked can the advice be seen.
  const std::string mode = thp_mode();
  if (mode != "madvise") GTEST_SKIP() << "transparent huge pages are '" << mode << "' here";
  using View = Kokkos::View<float*, Kokkos::HostSpace>;
  const std::size_t n = std::size_t(16) << 20 >> 2;  // 16 MiB: 7 whole 2 MiB pages inside
  const View plain("plain", n);                      // (written: Kokkos zeroes it)
  const View advised = huge_page_view<View>("advised", n);
  ASSERT_EQ(advised.extent(0), n);
  for (std::size_t i = 0; i < n; ++i) advised(i) = static_cast<float>(i);
  EXPECT_EQ(advised(n - 1), static_cast<float>(n - 1));
  const long plain_kb = huge_kb_around(plain.data() + n / 2);
  const long advised_kb = huge_kb_around(advised.data() + n / 2);
  if (plain_kb < 0 || advised_kb < 0) GTEST_SKIP() << "no AnonHugePages in /proc/self/smaps";
  EXPECT_EQ(plain_kb, 0) << "not advised, not huge";
  EXPECT_GE(advised_kb, 2048) << "advised: at least one huge page (free ones permitting)";
}

TEST(HugePages, SmallOrMissingRangesAreLeftAlone) {
  float small[1024] = {};
  EXPECT_FALSE(advise_huge_pages(small, sizeof(small)));  // no whole 2 MiB page inside
  EXPECT_FALSE(advise_huge_pages(nullptr, std::size_t(8) << 20));
}

}  // namespace
}  // namespace kascade
