// SONATA edge files: write -> load round trips, the h5py-written example, several edge groups
// with signed ids, and the exact message of every rejection.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kascade/network/loaders.hpp"
#include "kascade/network/normal_generator.hpp"
#include "test_loader_support.hpp"
#include "test_support.hpp"

namespace kascade {
namespace {

using test::error_of;
using test::expect_same;
using I64 = std::vector<std::int64_t>;
using U64 = std::vector<std::uint64_t>;
using U32 = std::vector<std::uint32_t>;

const std::string kSource = KASCADE_SOURCE_DIR;

TEST(SonataLoader, RoundTripGivesIdenticalNetworks) {
  test::ScratchDir dir("sonata_roundtrip");
  NormalGeneratorParams p;
  std::vector<Network> nets;
  for (ordinal_t n : {30, 1, 12}) {
    p.n_neurons = n;
    nets.push_back(generate_normal(p, 9, static_cast<network_id_t>(nets.size())));
  }
  const std::string file = dir.file("edges.h5");
  write_sonata_edges(file, {"v1", "lgn", "ca1"}, {&nets[0], &nets[1], &nets[2]});
  EXPECT_EQ(sonata_populations(file), (std::vector<std::string>{"ca1", "lgn", "v1"}));
  const std::vector<std::string> names{"v1", "lgn", "ca1"};
  for (std::size_t k = 0; k < nets.size(); ++k) {
    SCOPED_TRACE(names[k]);
    expect_same(load_sonata_population(file, names[k], nets[k].n_neurons), nets[k]);
  }
}

TEST(SonataLoader, ExampleFileHoldsTheFirstTwoNpyExampleNetworks) {
  // Written by scripts/make_example_data.py: shuffled edges over two edge groups.
  const std::string file = kSource + "/inputs/data/sonata_edges.h5";
  const auto dense = load_npy_directory(kSource + "/inputs/data/npy");
  ASSERT_EQ(sonata_populations(file), (std::vector<std::string>{"network_0", "network_1"}));
  expect_same(load_sonata_population(file, "network_0", 8), dense[0]);
  expect_same(load_sonata_population(file, "network_1", 10), dense[1]);
}

// Population "p": 4 edges in groups 3 and 0 (ids need not be contiguous), signed ids, a
// fixed-length node_population attribute.
void write_grouped(const std::string& file, I64 source = {4, 0, 2, 0}) {
  test::H5Writer w(file);
  w.dataset("/edges/p/source_node_id", H5T_STD_I64LE, source);
  w.dataset("/edges/p/target_node_id", H5T_STD_I64LE, I64{0, 4, 0, 2});
  w.dataset("/edges/p/edge_group_id", H5T_STD_U32LE, U32{3, 0, 3, 0});
  w.dataset("/edges/p/edge_group_index", H5T_STD_U64LE, U64{1, 0, 0, 1});
  w.dataset("/edges/p/3/syn_weight", H5T_IEEE_F32LE, std::vector<float>{-0.5f, 0.0f});
  w.dataset("/edges/p/0/syn_weight", H5T_IEEE_F64LE, std::vector<double>{2.0, 0.25});
  w.string_attribute("/edges/p/source_node_id", "node_population", "cortex");
  w.string_attribute("/edges/p/target_node_id", "node_population", "cortex");
}

TEST(SonataLoader, TakesEachEdgesWeightFromItsGroupAndKeepsZeros) {
  test::ScratchDir dir("sonata_groups");
  const std::string file = dir.file("edges.h5");
  write_grouped(file);
  // Edges: 4 -> 0 (group 3 [1] = 0.0), 0 -> 4 (group 0 [0] = 2), 2 -> 0 (group 3 [0] = -0.5),
  // 0 -> 2 (group 0 [1] = 0.25). Largest id 4: five neurons inferred.
  const Network net = load_sonata_population(file, "p");
  EXPECT_EQ(net.n_neurons, 5);
  EXPECT_EQ(net.row_ptr, (std::vector<offset_t>{0, 2, 2, 3, 3, 4}));
  EXPECT_EQ(net.presynaptic, (std::vector<ordinal_t>{2, 4, 0, 0}));
  EXPECT_EQ(net.weight, (std::vector<real_t>{-0.5f, 0.0f, 0.25f, 2.0f}));
  EXPECT_EQ(load_sonata_population(file, "p", 9).n_neurons, 9);
}

TEST(SonataLoader, MissingSynWeightIsNamed) {
  test::ScratchDir dir("sonata_missing_weight");
  const std::string file = dir.file("missing_syn_weight.h5");
  {
    test::H5Writer w(file);
    w.dataset("/edges/cortex/source_node_id", H5T_STD_U64LE, std::vector<std::uint64_t>{0, 1});
    w.dataset("/edges/cortex/target_node_id", H5T_STD_U64LE, std::vector<std::uint64_t>{1, 0});
    w.dataset("/edges/cortex/edge_group_id", H5T_STD_U32LE, std::vector<std::uint32_t>{0, 0});
    w.dataset("/edges/cortex/edge_group_index", H5T_STD_U64LE, std::vector<std::uint64_t>{0, 1});
    w.dataset("/edges/cortex/0/delay", H5T_IEEE_F32LE, std::vector<float>{1.0f, 1.0f});
  }
  EXPECT_EQ(error_of([&] { load_sonata_population(file, "cortex"); }),
            file +
                ": missing dataset /edges/cortex/0/syn_weight (kascade takes each edge's "
                "weight from it)");
}

TEST(SonataLoader, RejectsBadPopulationsWithOneLineMessages) {
  test::ScratchDir dir("sonata_bad");
  const std::string f = dir.file("edges.h5");
  write_grouped(f);
  const auto load = [&](const std::string& pop, std::uint64_t n = 0) {
    return error_of([&] { load_sonata_population(f, pop, n); });
  };
  EXPECT_EQ(load("x"), f + ": no edge population 'x' (the file has: p)");
  EXPECT_EQ(load("p", 4), f + ": /edges/p/source_node_id of edge 0 is 4, outside 0..3");
  write_grouped(f, {-1, 0, 2, 0});
  EXPECT_EQ(load("p"), f + ": /edges/p/source_node_id of edge 0 is -1, outside 0..4");

  const auto message = [&](auto edit, std::uint64_t n = 0, LoadLimits limits = {}) {
    {
      test::H5Writer w(f);
      edit(w);
    }
    return error_of([&] { load_sonata_population(f, "p", n, limits); });
  };
  const auto ids = [](test::H5Writer& w, U64 group_index = {0, 1}) {
    w.dataset("/edges/p/source_node_id", H5T_STD_U64LE, U64{0, 1});
    w.dataset("/edges/p/target_node_id", H5T_STD_U64LE, U64{1, 0});
    w.dataset("/edges/p/edge_group_index", H5T_STD_U64LE, group_index);
  };
  EXPECT_EQ(message(
                [&](auto& w) {  // (before any edge is read)
                  ids(w);
                  w.dataset("/edges/p/edge_group_id", H5T_STD_U32LE, U32{0, 0});
                  w.dataset("/edges/p/0/syn_weight", H5T_IEEE_F32LE, std::vector<float>{1, 2});
                },
                0, {100, 1}),
            f + ": /edges/p has 2 edges, more than simulation.memory_budget_gib allows");
  EXPECT_EQ(message([&](auto& w) {
              ids(w);
              w.dataset("/edges/p/edge_group_id", H5T_STD_U32LE, U32{0, 2});
              w.dataset("/edges/p/0/syn_weight", H5T_IEEE_F32LE, std::vector<float>{1, 2});
            }),
            f + ": /edges/p/edge_group_id names group 2, but there is no group /edges/p/2");
  EXPECT_EQ(message([&](auto& w) {
              ids(w, {0, 2});
              w.dataset("/edges/p/edge_group_id", H5T_STD_U32LE, U32{0, 0});
              w.dataset("/edges/p/0/syn_weight", H5T_IEEE_F32LE, std::vector<float>{1, 2});
            }),
            f + ": /edges/p/edge_group_index of edge 1 is 2, outside /edges/p/0/syn_weight (2 "
                "entries)");
  EXPECT_EQ(message([&](auto& w) {
              ids(w);
              w.dataset("/edges/p/edge_group_id", H5T_STD_U32LE, U32{0});
            }),
            f + ": /edges/p/edge_group_id has 1 entries but /edges/p/source_node_id has 2");
  EXPECT_EQ(message([&](auto& w) {
              ids(w);
              w.dataset("/edges/p/edge_group_id", H5T_STD_U32LE, U32{0, 0});
              w.dataset("/edges/p/0/syn_weight", H5T_IEEE_F32LE, std::vector<float>{1, 2});
              w.string_attribute("/edges/p/source_node_id", "node_population", "lgn");
              w.string_attribute("/edges/p/target_node_id", "node_population", "v1");
            }),
            f + ": /edges/p connects node population 'lgn' to 'v1'; a kascade network needs "
                "sources and targets in one population");
  EXPECT_EQ(
      message([&](auto& w) {
        w.dataset("/edges/p/source_node_id", H5T_STD_U64LE, U64{});
        w.dataset("/edges/p/target_node_id", H5T_STD_U64LE, U64{});
        w.dataset("/edges/p/edge_group_id", H5T_STD_U32LE, U32{});
        w.dataset("/edges/p/edge_group_index", H5T_STD_U64LE, U64{});
      }),
      f + ": /edges/p has no edges, so its number of neurons cannot be inferred (a population "
          "that kascade export wrote says it in its attribute kascade_n_nodes)");
  // The size attribute of kascade's export: one positive integer, else refused (an attribute of
  // several values read into one would write past it).
  const auto sized = [&](auto&& attribute) {
    return message([&](auto& w) {
      w.dataset("/edges/p/source_node_id", H5T_STD_U64LE, U64{});
      w.dataset("/edges/p/target_node_id", H5T_STD_U64LE, U64{});
      w.dataset("/edges/p/edge_group_id", H5T_STD_U32LE, U32{});
      w.dataset("/edges/p/edge_group_index", H5T_STD_U64LE, U64{});
      attribute(w);
    });
  };
  const std::string not_a_count = f + ": /edges/p: attribute kascade_n_nodes is not a neuron count";
  const std::uint64_t two[2] = {4, 5};
  EXPECT_EQ(sized([&](auto& w) {
              w.array_attribute("/edges/p", "kascade_n_nodes", H5T_STD_U64LE, H5T_NATIVE_UINT64, 2,
                                two);
            }),
            not_a_count);
  EXPECT_EQ(sized([&](auto& w) { w.string_attribute("/edges/p", "kascade_n_nodes", "4"); }),
            not_a_count);
  EXPECT_EQ(sized([&](auto& w) { w.int_attribute("/edges/p", "kascade_n_nodes", 0); }),
            not_a_count);
  EXPECT_EQ(message([&](auto& w) { ids(w); }), f + ": missing dataset /edges/p/edge_group_id");
  EXPECT_EQ(message([&](auto& w) { w.dataset("/connectivity/source", H5T_STD_U64LE, U64{}); }),
            f + ": no /edges group (not a SONATA edge file)");
  EXPECT_EQ(error_of([&] { sonata_populations(f); }),
            f + ": no /edges group (not a SONATA edge file)");
}

TEST(SonataLoader, EmptyPopulationLoadsWithAGivenSize) {
  test::ScratchDir dir("sonata_empty");
  const std::string f = dir.file("edges.h5");
  const Network empty = Network::from_edges(6, {}, {}, {});
  write_sonata_edges(f, {"quiet"}, {&empty});
  expect_same(load_sonata_population(f, "quiet", 6), empty);
}

}  // namespace
}  // namespace kascade
