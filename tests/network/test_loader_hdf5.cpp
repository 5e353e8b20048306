// kascade HDF5 connectivity: write -> load round trips, files from other writers (h5py examples,
// hand-written edge lists in any order with exact-zero weights, the one-network form, a kascade
// output file) and the exact message of every rejection.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "kascade/app/run_command.hpp"
#include "kascade/io/hdf5_reader.hpp"
#include "kascade/network/loaders.hpp"
#include "kascade/network/normal_generator.hpp"
#include "test_loader_support.hpp"
#include "test_support.hpp"

namespace kascade {
namespace {

using test::error_of;
using test::expect_same;

const std::string kSource = KASCADE_SOURCE_DIR;

std::vector<Network> generated() {
  std::vector<Network> nets;
  NormalGeneratorParams p;
  for (ordinal_t n : {1, 20, 57}) {
    p.n_neurons = n;
    nets.push_back(generate_normal(p, 42, static_cast<network_id_t>(nets.size())));
  }
  p.n_neurons = 5;
  p.sparsity = 1.0;  // no synapses at all
  nets.push_back(generate_normal(p, 42, 3));
  return nets;
}

TEST(Hdf5Loader, RoundTripGivesIdenticalNetworks) {
  test::ScratchDir dir("h5_roundtrip");
  const auto nets = generated();
  ASSERT_GT(nets[2].n_synapses(), 0u);
  ASSERT_EQ(nets[3].n_synapses(), 0u);
  const std::string file = dir.file("nets.h5");
  write_hdf5_networks(file, {&nets[0], &nets[1], &nets[2], &nets[3]});
  ASSERT_EQ(count_hdf5_networks(file), 4u);
  for (std::uint64_t g = 0; g < 4; ++g) {
    SCOPED_TRACE("network " + std::to_string(g));
    expect_same(load_hdf5_network(file, g), nets[g]);
  }
}

TEST(Hdf5Loader, RangesReadTogetherGiveTheNetworksReadOneByOne) {
  test::ScratchDir dir("h5_ranges");
  const auto nets = generated();
  const std::string file = dir.file("nets.h5");
  write_hdf5_networks(file, {&nets[0], &nets[1], &nets[2], &nets[3]});
  for (std::uint64_t first = 0; first < 4; ++first)
    for (std::uint64_t count = 0; first + count <= 4; ++count) {
      SCOPED_TRACE("networks " + std::to_string(first) + " + " + std::to_string(count));
      const auto range = load_hdf5_networks(file, first, count);
      ASSERT_EQ(range.size(), count);
      for (std::uint64_t k = 0; k < count; ++k) expect_same(range[k], nets[first + k]);
    }
  EXPECT_EQ(error_of([&] { load_hdf5_networks(file, 2, 3); }),
            file + ": no network 4 (the file holds 4)");
  // A network's size is checked before any network's edges are read.
  EXPECT_EQ(error_of([&] { load_hdf5_networks(file, 0, 4, 20); }),
            file + ": network 2 has 57 neurons, more than simulation.memory_budget_gib allows");
  // So is its count of synapses (a file that claimed 2^36 had ended in "out of memory").
  const std::uint64_t most = nets[1].n_synapses();
  ASSERT_GT(nets[2].n_synapses(), most);
  EXPECT_NO_THROW(load_hdf5_networks(file, 0, 2, {100, most}));
  EXPECT_EQ(error_of([&] {
              load_hdf5_networks(file, 0, 4, {100, most});
            }),
            file + ": network 2 has " + std::to_string(nets[2].n_synapses()) +
                " synapses, more than simulation.memory_budget_gib allows");
}

TEST(Hdf5Loader, ExampleFileHoldsTheNpyExampleNetworks) {
  // Both written by scripts/make_example_data.py (h5py, edges in row-major order).
  const std::string file = kSource + "/inputs/data/networks.h5";
  const auto dense = load_npy_directory(kSource + "/inputs/data/npy");
  ASSERT_EQ(count_hdf5_networks(file), dense.size());
  for (std::uint64_t g = 0; g < dense.size(); ++g) {
    SCOPED_TRACE("network " + std::to_string(g));
    expect_same(load_hdf5_network(file, g), dense[g]);
  }
}

TEST(Hdf5Loader, EdgeListsInAnyOrderKeepZeroWeightsAndDuplicates) {
  test::ScratchDir dir("h5_edges");
  const std::string file = dir.file("edges.h5");
  {
    test::H5Writer w(file);
    w.dataset("/networks/n_neurons", H5T_STD_U16LE, std::vector<std::uint16_t>{2, 3});
    w.dataset("/networks/synapse_offset", H5T_STD_I64LE, std::vector<std::int64_t>{0, 2, 6});
    // Network 0: 1 -> 0 (0.0), 0 -> 1 (1.0). Network 1: 2 -> 1 (0.0), 0 -> 1 (-1), 2 -> 1 (3),
    // 1 -> 2 (0.5). Signed and 64-bit types: HDF5 converts them.
    w.dataset("/connectivity/source", H5T_STD_I64LE, std::vector<std::int64_t>{1, 0, 2, 0, 2, 1});
    w.dataset("/connectivity/target", H5T_STD_I32LE, std::vector<std::int32_t>{0, 1, 1, 1, 1, 2});
    w.dataset("/connectivity/weight", H5T_IEEE_F64LE,
              std::vector<double>{0.0, 1.0, 0.0, -1.0, 3.0, 0.5});
  }
  ASSERT_EQ(count_hdf5_networks(file), 2u);
  const Network a = load_hdf5_network(file, 0), b = load_hdf5_network(file, 1);
  EXPECT_EQ(a.n_neurons, 2);
  EXPECT_EQ(a.row_ptr, (std::vector<offset_t>{0, 1, 2}));
  EXPECT_EQ(a.presynaptic, (std::vector<ordinal_t>{1, 0}));
  EXPECT_EQ(a.weight, (std::vector<real_t>{0.0f, 1.0f}));
  EXPECT_EQ(b.n_neurons, 3);
  EXPECT_EQ(b.row_ptr, (std::vector<offset_t>{0, 0, 3, 4}));
  EXPECT_EQ(b.presynaptic, (std::vector<ordinal_t>{0, 2, 2, 1}));
  EXPECT_EQ(b.weight, (std::vector<real_t>{-1.0f, 0.0f, 3.0f, 0.5f}));  // duplicates: file order
}

TEST(Hdf5Loader, OneNetworkFormNeedsOnlyConnectivity) {
  test::ScratchDir dir("h5_single");
  const std::string file = dir.file("one.h5");
  {
    test::H5Writer w(file);
    w.dataset("/connectivity/source", H5T_STD_U32LE, std::vector<std::uint32_t>{3, 0, 3});
    w.dataset("/connectivity/target", H5T_STD_U32LE, std::vector<std::uint32_t>{0, 3, 3});
    w.dataset("/connectivity/weight", H5T_IEEE_F32LE, std::vector<float>{0.0f, 2.0f, -1.0f});
    w.int_attribute("/connectivity", "n_neurons", 5);
  }
  ASSERT_EQ(count_hdf5_networks(file), 1u);
  const Network net = load_hdf5_network(file, 0);
  EXPECT_EQ(net.n_neurons, 5);
  EXPECT_EQ(net.row_ptr, (std::vector<offset_t>{0, 1, 1, 1, 3, 3}));
  EXPECT_EQ(net.presynaptic, (std::vector<ordinal_t>{3, 0, 3}));
  EXPECT_EQ(net.weight, (std::vector<real_t>{0.0f, 2.0f, -1.0f}));
  EXPECT_EQ(error_of([&] { load_hdf5_network(file, 1); }),
            file + ": no network 1 (the file holds 1)");
}

TEST(Hdf5Loader, KascadeOutputFileIsAValidInput) {
  test::ScratchDir dir("h5_output_input");
  const std::string deck = dir.file("deck.toml");
  test::write_text(deck, test::small_deck(3, 15, 20, 10));
  app::RunOptions o;
  o.deck = deck;
  o.output = dir.file("out.h5");
  o.quiet = true;
  app::run_command(o, MPI_COMM_SELF);
  const OutputReader output(o.output);
  ASSERT_EQ(count_hdf5_networks(o.output), 3u);
  for (network_id_t g = 0; g < 3; ++g) {
    SCOPED_TRACE("network " + std::to_string(g));
    const Network net = load_hdf5_network(o.output, g);
    EXPECT_GT(net.n_synapses(), 0u);
    expect_same(net, output.network(g));
  }
}

TEST(Hdf5Loader, ReadsOnlyTheRequestedNetworkAndNamesTheBadOne) {
  // Network 1 (5 neurons) has a target 7; network 0 is fine and loads.
  test::ScratchDir dir("h5_out_of_range");
  const std::string file = dir.file("out_of_range.h5");
  {
    test::H5Writer w(file);
    w.dataset("/networks/n_neurons", H5T_STD_U32LE, std::vector<std::uint32_t>{3, 5});
    w.dataset("/networks/synapse_offset", H5T_STD_U64LE, std::vector<std::uint64_t>{0, 1, 3});
    w.dataset("/connectivity/source", H5T_STD_U32LE, std::vector<std::uint32_t>{0, 1, 2});
    w.dataset("/connectivity/target", H5T_STD_U32LE, std::vector<std::uint32_t>{1, 0, 7});
    w.dataset("/connectivity/weight", H5T_IEEE_F32LE, std::vector<float>{0.5f, -0.5f, 1.0f});
  }
  EXPECT_EQ(load_hdf5_network(file, 0).n_synapses(), 1u);
  EXPECT_EQ(error_of([&] { load_hdf5_network(file, 1); }),
            file + ": /connectivity/target of network 1 names neuron 7, outside 0..4");
}

TEST(Hdf5Loader, RejectsInconsistentFilesWithOneLineMessages) {
  test::ScratchDir dir("h5_bad");
  const std::string f = dir.file("bad.h5");
  using U32 = std::vector<std::uint32_t>;
  using U64 = std::vector<std::uint64_t>;
  // A two-network file with one thing changed by `edit`.
  const auto message = [&](auto edit, std::uint64_t g = 0) {
    {
      test::H5Writer w(f);
      edit(w);
    }
    return error_of([&] { load_hdf5_network(f, g); });
  };
  const auto base = [](test::H5Writer& w, bool offsets = true, bool weight = true) {
    w.dataset("/networks/n_neurons", H5T_STD_U32LE, U32{2, 2});
    if (offsets) w.dataset("/networks/synapse_offset", H5T_STD_U64LE, U64{0, 1, 2});
    w.dataset("/connectivity/source", H5T_STD_U32LE, U32{0, 1});
    w.dataset("/connectivity/target", H5T_STD_U32LE, U32{1, 0});
    if (weight) w.dataset("/connectivity/weight", H5T_IEEE_F32LE, std::vector<float>{1, 2});
  };
  EXPECT_EQ(message([&](auto& w) { base(w); }, 2), f + ": no network 2 (the file holds 2)");
  EXPECT_EQ(message([&](auto& w) { base(w, true, false); }),
            f + ": missing dataset /connectivity/weight");
  EXPECT_EQ(message([&](auto& w) {
              base(w, false);
              w.dataset("/networks/synapse_offset", H5T_STD_U64LE, U64{0, 2});
            }),
            f + ": /networks/synapse_offset must have one entry more than /networks/n_neurons (it "
                "has 2, /networks/n_neurons has 2)");
  EXPECT_EQ(
      message(
          [&](auto& w) {
            base(w, false);
            w.dataset("/networks/synapse_offset", H5T_STD_U64LE, U64{0, 1, 3});
          },
          1),
      f + ": /networks/synapse_offset gives network 1 the synapses 1..3, which is not a range "
          "within /connectivity/source (2 entries)");
  EXPECT_EQ(message([&](auto& w) {
              base(w, true, false);
              w.dataset("/connectivity/weight", H5T_IEEE_F32LE, std::vector<float>{1});
            }),
            f + ": /connectivity/source, /connectivity/target and /connectivity/weight differ in "
                "length (2, 2, 1)");
  EXPECT_EQ(message([&](auto& w) {
              base(w, true, false);
              w.dataset("/connectivity/weight", H5T_C_S1, std::vector<std::uint16_t>{});
            }),
            f + ": dataset /connectivity/weight must hold numbers");
  EXPECT_EQ(message([&](auto& w) {
              w.dataset("/connectivity/source", H5T_STD_U32LE, U32{0});
              w.dataset("/connectivity/target", H5T_STD_U32LE, U32{0});
              w.dataset("/connectivity/weight", H5T_IEEE_F32LE, std::vector<float>{1});
            }),
            f + ": not a kascade connectivity file: it needs /networks/n_neurons, or an attribute "
                "n_neurons on /connectivity");
  EXPECT_EQ(
      message([&](auto& w) { w.dataset("/edges/cortex/source_node_id", H5T_STD_U64LE, U64{0}); }),
      f + ": not a kascade connectivity file: it needs /networks/n_neurons, or an attribute "
          "n_neurons on /connectivity (it looks like a SONATA edge file)");
  EXPECT_EQ(
      message(
          [&](auto& w) {
            base(w, true, false);
            w.dataset("/connectivity/weight", H5T_IEEE_F32LE, std::vector<float>{1, INFINITY});
          },
          1),
      f + ": /connectivity/weight of network 1 is not a finite float32 number at entry 1");

  test::write_text(f, "not hdf5");
  EXPECT_EQ(error_of([&] { count_hdf5_networks(f); }), f + ": not an HDF5 file");
  EXPECT_EQ(error_of([&] { count_hdf5_networks(dir.file("absent.h5")); }),
            dir.file("absent.h5") + ": no such file or not readable");
}

}  // namespace
}  // namespace kascade
