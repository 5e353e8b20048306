// Dense .npy loader: numeric file order, row = presynaptic, dtype conversions, header versions,
// and the exact message of every rejection (samples in tests/bad_inputs/connectivity, written by
// numpy through scripts/make_example_data.py, plus hand-made headers numpy would not write).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "kascade/network/loaders.hpp"
#include "test_loader_support.hpp"
#include "test_support.hpp"

namespace kascade {
namespace {

using test::error_of;

const std::string kBad = std::string(KASCADE_SOURCE_DIR) + "/tests/bad_inputs/connectivity/";
const std::string kExamples = std::string(KASCADE_SOURCE_DIR) + "/inputs/data/npy";

// A .npy file image: magic, version, little-endian header length, header padded to 64 bytes.
std::string npy(const std::string& header, const std::string& data, int major = 1) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string text = header;
  while ((prefix + text.size() + 1) % 64 != 0) text += ' ';
  text += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  for (std::size_t k = 0; k < prefix - 8; ++k) out += static_cast<char>(text.size() >> (8 * k));
  return out + text + data;
}

std::string dict(const std::string& descr, const std::string& shape, bool fortran = false) {
  return "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
         ", 'shape': " + shape + ", }";
}

template <class T>
std::string bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

void write_binary(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

TEST(NpyLoader, ListsFilesInNumericOrderOfTheLastNumber) {
  test::ScratchDir dir("npy_order");
  for (const char* name : {"10.npy", "2.npy", "1.npy", "example_3.npy", "b.npy", "a.npy",
                           "net_02.npy", "run10_net4.npy", "notes.txt", "2.pt"})
    write_binary(dir.file(name), "");
  std::filesystem::create_directory(dir.file("7.npy"));  // a directory, not a matrix
  std::vector<std::string> names;
  for (const auto& path : list_npy_directory(dir.path().string()))
    names.push_back(std::filesystem::path(path).filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"1.npy", "2.npy", "net_02.npy", "example_3.npy",
                                             "run10_net4.npy", "10.npy", "a.npy", "b.npy"}));
}

TEST(NpyLoader, ExampleDirectoryLoadsInNumericOrder) {
  // 1.npy, 2.npy and 10.npy hold 8, 10 and 12 neurons; lexicographic order would give 8, 12, 10.
  const auto nets = load_npy_directory(kExamples);
  ASSERT_EQ(nets.size(), 3u);
  EXPECT_EQ(nets[0].n_neurons, 8);
  EXPECT_EQ(nets[1].n_neurons, 10);
  EXPECT_EQ(nets[2].n_neurons, 12);
  // Synapse counts printed by scripts/make_example_data.py.
  EXPECT_EQ(nets[0].n_synapses(), 17u);
  EXPECT_EQ(nets[1].n_synapses(), 35u);
  EXPECT_EQ(nets[2].n_synapses(), 51u);
}

TEST(NpyLoader, RowIsPresynapticAndZerosAreNotSynapses) {
  test::ScratchDir dir("npy_rows");
  // W[0][2] = 1.5 (0 -> 2), W[2][0] = -2 (2 -> 0), W[1][1] = 0.25 (self), W[2][1] = -0.0.
  const std::vector<float> w{0, 0, 1.5f, 0, 0.25f, 0, -2, -0.0f, 0};
  write_binary(dir.file("m.npy"), npy(dict("<f4", "(3, 3)"), bytes(w)));
  const Network net = load_npy(dir.file("m.npy"));
  EXPECT_EQ(net.n_neurons, 3);
  EXPECT_EQ(net.row_ptr, (std::vector<offset_t>{0, 1, 2, 3}));
  EXPECT_EQ(net.presynaptic, (std::vector<ordinal_t>{2, 1, 0}));
  EXPECT_EQ(net.weight, (std::vector<real_t>{-2, 0.25f, 1.5f}));
  // Within the memory budget's limits: 3 neurons and 3 synapses, not 2 of either.
  EXPECT_NO_THROW(load_npy(dir.file("m.npy"), {3, 3}));
  EXPECT_EQ(error_of([&] { load_npy(dir.file("m.npy"), {2}); }),
            dir.file("m.npy") +
                ": a network of 3 neurons, more than simulation.memory_budget_gib allows");
  EXPECT_EQ(
      error_of([&] {
        load_npy(dir.file("m.npy"), {3, 2});
      }),
      dir.file("m.npy") + ": holds more synapses than simulation.memory_budget_gib allows (2)");
}

TEST(NpyLoader, ConvertsEveryAcceptedDtypeToFloat) {
  test::ScratchDir dir("npy_dtypes");
  // Each matrix is [[0, a], [b, 0]]: the synapses 1 -> 0 (weight b) and 0 -> 1 (weight a).
  const auto check = [&](const std::string& descr, const std::string& data, real_t a, real_t b) {
    write_binary(dir.file("m.npy"), npy(dict(descr, "(2, 2)"), data));
    const Network net = load_npy(dir.file("m.npy"));
    EXPECT_EQ(net.presynaptic, (std::vector<ordinal_t>{1, 0})) << descr;
    EXPECT_EQ(net.weight, (std::vector<real_t>{b, a})) << descr;
  };
  check("<f8", bytes(std::vector<double>{0, 0.1, -1e-3, 0}), static_cast<float>(0.1),
        static_cast<float>(-1e-3));
  // Nonzero in the file decides, even where float32 rounds the weight to zero.
  check("<f8", bytes(std::vector<double>{0, 1e-50, 0.1, 0}), 0.0f, static_cast<float>(0.1));
  check("<i4", bytes(std::vector<std::int32_t>{0, 7, -2147483647, 0}), 7.0f, -2147483647.0f);
  check("<i8", bytes(std::vector<std::int64_t>{0, -5, 1LL << 40, 0}), -5.0f, 1099511627776.0f);
  check("<i2", bytes(std::vector<std::int16_t>{0, -300, 300, 0}), -300.0f, 300.0f);
  check("|i1", bytes(std::vector<std::int8_t>{0, -7, 127, 0}), -7.0f, 127.0f);
  check(">i1", bytes(std::vector<std::int8_t>{0, -7, 127, 0}), -7.0f, 127.0f);  // (one byte)
  check("<u2", bytes(std::vector<std::uint16_t>{0, 60000, 1, 0}), 60000.0f, 1.0f);
  check("<u8", bytes(std::vector<std::uint64_t>{0, 3, 4, 0}), 3.0f, 4.0f);
  check("|u1", bytes(std::vector<std::uint8_t>{0, 200, 1, 0}), 200.0f, 1.0f);
  check("|b1", bytes(std::vector<std::uint8_t>{0, 1, 1, 0}), 1.0f, 1.0f);
}

TEST(NpyLoader, ReadsFormatVersionsTwoAndThree) {
  test::ScratchDir dir("npy_versions");
  const std::string data = bytes(std::vector<float>{0, 1, 2, 0});
  for (int major : {2, 3}) {
    // Python 2 headers wrote longs as 2L; double quotes are valid Python too.
    write_binary(
        dir.file("m.npy"),
        npy("{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2L, 2L)}", data, major));
    const Network net = load_npy(dir.file("m.npy"));
    EXPECT_EQ(net.weight, (std::vector<real_t>{2, 1})) << "version " << major;
  }
}

TEST(NpyLoader, RejectsNumpysOwnFilesThatAreNotSquareLittleEndianRealMatrices) {
  const auto message = [](const std::string& name) {
    return error_of([&] { load_npy(kBad + name); });
  };
  EXPECT_EQ(message("fortran_order.npy"),
            kBad +
                "fortran_order.npy: fortran_order arrays are not supported; save with "
                "np.ascontiguousarray");
  EXPECT_EQ(message("big_endian.npy"), kBad +
                                           "big_endian.npy: big-endian dtype '>f4' is not "
                                           "supported; save with arr.astype('<f4')");
  EXPECT_EQ(message("complex.npy"),
            kBad + "complex.npy: complex dtype '<c8' is not supported; weights are real");
  EXPECT_EQ(message("strings.npy"),
            kBad + "strings.npy: string dtype '<U1' is not supported; save a numeric array");
  EXPECT_EQ(message("not_square.npy"),
            kBad + "not_square.npy: expected a square matrix, found shape (2, 3)");
  EXPECT_EQ(message("three_d.npy"),
            kBad + "three_d.npy: expected a 2-D square matrix, found shape (2, 2, 2)");
  EXPECT_EQ(message("truncated.npy"),
            kBad +
                "truncated.npy: truncated: the header promises 64 bytes of data but the file "
                "holds 20");
}

TEST(NpyLoader, RejectsMalformedFilesWithOneLineMessages) {
  test::ScratchDir dir("npy_bad");
  const std::string f = dir.file("m.npy");
  const std::string four = bytes(std::vector<float>{1, 2, 3, 4});
  const auto message = [&](const std::string& content) {
    write_binary(f, content);
    return error_of([&] { load_npy(f); });
  };
  EXPECT_EQ(message("PK\x03\x04 not numpy at all"), f + ": not a .npy file (bad magic string)");
  std::string huge = npy(dict("<f4", "(2, 2)"), four, 2);
  huge[8] = huge[9] = huge[10] = huge[11] = '\x7f';  // header length 2139062143
  EXPECT_EQ(message(huge),
            f + ": the .npy header claims 2139062143 bytes (at most 65536 are accepted)");
  EXPECT_EQ(message(npy("[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]", four)),
            f + ": malformed .npy header '[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]'");
  EXPECT_EQ(message(npy(dict("<f4", "(2147483648, 2147483648)"), four)),
            f + ": 2147483648 neurons exceed the supported 1073741824");
  std::string v4 = npy(dict("<f4", "(2, 2)"), four);
  v4[6] = 4;
  EXPECT_EQ(message(v4), f + ": unsupported .npy format version 4.0");
  EXPECT_EQ(message(npy(dict("<f4", "(4,)"), four)),
            f + ": expected a 2-D square matrix, found shape (4,)");
  EXPECT_EQ(message(npy(dict("<f4", "()"), four)),
            f + ": expected a 2-D square matrix, found shape ()");
  EXPECT_EQ(message(npy(dict("|O", "(2, 2)"), four)),
            f + ": object arrays are not supported; save a numeric array");
  EXPECT_EQ(message(npy(dict("<f2", "(2, 2)"), four)),
            f + ": dtype '<f2' is not supported (use float32, float64, an integer type or bool)");
  EXPECT_EQ(message(npy(dict("<f4", "(0, 0)"), "")),
            f + ": empty matrix (shape (0, 0)): a network needs at least one neuron");
  EXPECT_EQ(message(npy(dict("<f4", "(2, 2)"), four + "xyz")),
            f + ": 3 bytes follow the matrix data (the header's shape or dtype is wrong)");
  EXPECT_EQ(
      message(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 2), }", four)),
      f + ": structured dtypes are not supported; save a plain numeric matrix");
  const std::string broken = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2}";
  EXPECT_EQ(message(npy(broken, four)), f + ": malformed .npy header '" + broken + "'");
  EXPECT_EQ(message(npy("{'descr': '<f4', 'shape': (2, 2)}", four)),
            f + ": malformed .npy header '{'descr': '<f4', 'shape': (2, 2)}' (needs descr, "
                "fortran_order and shape)");
  EXPECT_EQ(message(npy(dict("<f4", "(2, 2)"), bytes(std::vector<float>{0, NAN, 0, 0}))),
            f + ": entry [0, 1] is not a finite float32 number");
  EXPECT_EQ(message(npy(dict("<f8", "(2, 2)"), bytes(std::vector<double>{0, 0, 1e300, 0}))),
            f + ": entry [1, 0] is not a finite float32 number");
  EXPECT_EQ(error_of([&] { load_npy(dir.file("absent.npy")); }),
            dir.file("absent.npy") + ": no such file");
}

TEST(NpyLoader, RejectsDirectoriesWithoutMatrices) {
  test::ScratchDir dir("npy_dirs");
  const std::string d = dir.path().string();
  EXPECT_EQ(error_of([&] { load_npy_directory(d); }), d + ": no .npy files in the directory");
  write_binary(dir.file("0.pt"), "");
  EXPECT_EQ(error_of([&] { list_npy_directory(d); }),
            d + ": no .npy files (PyTorch .pt files are not read; save each matrix with "
                "np.save(path, tensor.numpy()))");
  write_binary(dir.file("1.npy"), "");  // 0.pt beside it would be left out of the dataset
  EXPECT_EQ(error_of([&] { list_npy_directory(d); }),
            d + ": holds 0.pt but no 0.npy (PyTorch .pt files are not read: save each matrix "
                "with np.save(path, tensor.numpy()), or move the .pt files out)");
  EXPECT_EQ(error_of([&] { list_npy_directory(d + "/missing"); }),
            d + "/missing: no such directory");
  EXPECT_EQ(error_of([&] { list_npy_directory(dir.file("0.pt")); }),
            dir.file("0.pt") + ": not a directory");
}

}  // namespace
}  // namespace kascade
