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
  const std::string mode = thp_mode();
  if (mode != "always" && mode != "madvise")
    GTEST_SKIP() << "transparent huge pages are '" << mode << "' here";
  using View = Kokkos::View<float*, Kokkos::HostSpace>;
  const std::size_t n = std::size_t(16) << 20 >> 2;  // 16 MiB
  const View v = huge_page_view<View>("huge", n);
  ASSERT_EQ(v.extent(0), n);
  for (std::size_t i = 0; i < n; ++i) v(i) = static_cast<float>(i);
  EXPECT_EQ(v(n - 1), static_cast<float>(n - 1));
  // At least half of the 7 whole 2 MiB pages inside (the kernel may lack free huge pages).
  EXPECT_GE(huge_kb_around(v.data() + n / 2), 4 * 2048);
}

TEST(HugePages, SmallOrMissingRangesAreLeftAlone) {
  float small[1024] = {};
  EXPECT_FALSE(advise_huge_pages(small, sizeof(small)));
  EXPECT_FALSE(advise_huge_pages(nullptr, std::size_t(8) << 20));
  EXPECT_EQ(small[0], 0.0f);
}

}  // namespace
}  // namespace kascade
