// The output reader (`kascade info`, `kascade export`) on files whose attributes (or deck) hold
// several values where kascade writes one: refused or ignored, never read past the one value it
// holds (before, a crafted file overran a heap or stack buffer under AddressSanitizer).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/io/hdf5_reader.hpp"
#include "network/test_loader_support.hpp"
#include "test_support.hpp"

namespace kascade {
namespace {

TEST(OutputReaderAttributes, FormatOfSeveralStringsIsNotAKascadeFile) {
  const test::ScratchDir dir("reader_attributes");
  const std::string path = dir.file("format_array.h5");
  {
    test::H5Writer w(path);
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 40);
    std::vector<char> values(4 * 40, '\0');
    for (int k = 0; k < 4; ++k) std::string("kascade").copy(&values[40 * k], 7);
    w.array_attribute("/", "format", type, type, 4, values.data());
    H5Tclose(type);
  }
  EXPECT_THROW(OutputReader{path}, InputError);
}

TEST(OutputReaderAttributes, NumbersOfSeveralValuesAreNotRead) {
  const test::ScratchDir dir("reader_attributes");
  const std::string path = dir.file("numbers_array.h5");
  {
    test::H5Writer w(path);
    w.string_attribute("/", "format", "kascade");
    const std::vector<std::int32_t> complete(8, 1);
    const std::vector<std::uint64_t> networks(8, 7);
    w.array_attribute("/", "complete", H5T_STD_I32LE, H5T_NATIVE_INT32, 8, complete.data());
    w.array_attribute("/", "n_networks", H5T_STD_U64LE, H5T_NATIVE_UINT64, 8, networks.data());
    w.int_attribute("/", "seed", 42);
  }
  const OutputReader reader(path);
  EXPECT_FALSE(reader.complete());  // (an array of ones is not the one value 1)
  EXPECT_EQ(reader.n_networks(), 0u);
  const auto attributes = reader.attributes();
  EXPECT_EQ(attributes.count("complete"), 0u);
  EXPECT_EQ(attributes.count("n_networks"), 0u);
  EXPECT_EQ(attributes.at("seed"), "42");
  EXPECT_EQ(attributes.at("format"), "kascade");
}

TEST(OutputReaderAttributes, DeckOfSeveralStringsIsRefused) {
  const test::ScratchDir dir("reader_attributes");
  const std::string path = dir.file("deck_array.h5");
  {
    test::H5Writer w(path);
    w.string_attribute("/", "format", "kascade");
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 8);
    w.array_dataset("/deck", type, type, 3, "seed = 1seed = 2seed = 3");
    H5Tclose(type);
  }
  const OutputReader reader(path);
  EXPECT_THROW(reader.deck(), InputError);
}

}  // namespace
}  // namespace kascade
