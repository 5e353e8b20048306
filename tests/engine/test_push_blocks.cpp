// The event-driven push cut into row blocks of any size (as many threads cut it) gives bitwise
// the drive of the dense pull, also where a block starts or ends inside a network and a column's
// rows are far from where their proportion puts them (banded connectivity), with empty columns
// and a batch of several networks; the cuts searched per column, or from their table
// (push_cuts.hpp); into the drive or each block's own accumulator. (The engine's runs use one block
// per thread: with one thread no column is ever cut, so this checks the cuts directly.) The push of
// device backends, a team per network walking the spiking columns together (team_push.hpp), gives
// the same bits with teams of one and of several threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "engine_test_support.hpp"
#include "kascade/engine/detail/neuron_step.hpp"
#include "kascade/engine/detail/push_spikes.hpp"
#include "kascade/engine/detail/step_stretch.hpp"
#include "kascade/engine/detail/team_push.hpp"
#include "kascade/network/normal_generator.hpp"

namespace kascade {
namespace {

using test::Exec;
using test::Mem;

// Every neuron j reaches the `width` neurons after it (cyclically, so some columns wrap).
Network banded(ordinal_t n, ordinal_t width, ordinal_t silent_every) {
  std::vector<ordinal_t> src, dst;
  std::vector<real_t> w;
  for (ordinal_t j = 0; j < n; ++j) {
    if (silent_every > 0 && j % silent_every == 0) continue;  // an empty column
    for (ordinal_t k = 1; k <= width; ++k)
      src.push_back(j), dst.push_back((j + k) % n), w.push_back(real_t(0.1) * k - real_t(0.37));
  }
  return Network::from_edges(n, src, dst, w);
}

// A batch, one step's spikes of it (a third of the neurons, some counts of 2), its segments'
// spike lists, and the drive of the dense pull.
struct PushCase {
  Batch<Mem> batch;
  ordinal_t n = 0;
  Kokkos::View<real_t*, Mem> x;
  Kokkos::View<ordinal_t*, Mem> block_start;
  detail::BlockSpikes<Mem> spiked;
  std::vector<real_t> expected;

  PushCase(const std::vector<const Network*>& nets, const unsigned seed) {
    std::vector<network_id_t> ids;
    for (std::size_t g = 0; g < nets.size(); ++g) ids.push_back(static_cast<network_id_t>(g));
    batch = make_batch<Mem>(nets, ids);
    n = batch.n_neurons();
    std::mt19937 rng(seed);
    std::vector<real_t> spikes(static_cast<std::size_t>(n));
    for (auto& s : spikes) s = rng() % 3 == 0 ? real_t(1 + rng() % 2) : real_t(0);
    x = test::device_vector(spikes);
    using Step = detail::NeuronStep<Mem, NoExtension>;
    const std::vector<ordinal_t> starts = detail::block_starts(batch.neuron_offset, Step::segment);
    block_start = decltype(block_start)("block_start", starts.size());
    Kokkos::deep_copy(block_start, Kokkos::View<const ordinal_t*, Kokkos::HostSpace>(
                                       starts.data(), starts.size()));
    spiked = detail::make_block_spikes<Mem>(n, detail::segment_slots(starts));
    Kokkos::parallel_for(Kokkos::RangePolicy<Exec>(0, segments()),
                         detail::ListSpikes<Mem>{block_start, x, spiked});
    Kokkos::View<real_t*, Mem> pulled("pulled", n);
    const auto& w = batch.weights;
    Kokkos::parallel_for(
        Kokkos::RangePolicy<Exec>(0, n),
        detail::PullRows<Mem>{w.graph.row_map, w.graph.entries, w.values, x, pulled});
    expected = test::host_vector(pulled);
  }
  ordinal_t segments() const { return static_cast<ordinal_t>(block_start.extent(0)) - 1; }

  // The drive pushed in blocks of `rows` rows.
  std::vector<real_t> push(const ordinal_t rows, const detail::PushCuts<Mem>& cuts,
                           const Kokkos::View<real_t**, Kokkos::LayoutRight, Mem>& scratch,
                           const detail::PartSpikes<Mem>& parts = {}) const {
    Kokkos::View<real_t*, Mem> pushed("pushed", n);
    Kokkos::parallel_for(
        Kokkos::RangePolicy<Exec>(0, (n + rows - 1) / rows),
        detail::PushSpikes<Mem>{batch.column_ptr, batch.column_entry, batch.network_of,
                                batch.neuron_offset_device, x, pushed, block_start, spiked, n, rows,
                                cuts, scratch, parts});
    return test::host_vector(pushed);
  }

  // The drive pushed by a team of `threads` per network, as device backends launch it per step,
  // summed in team scratch (units of up to `scratch_rows` rows) or in the drive itself; the
  // drive and the lists hold values left over from another step, which it must replace.
  std::vector<real_t> team_push(const int threads, const ordinal_t scratch_rows) const {
    Kokkos::View<real_t*, Mem> pushed("pushed", n);
    Kokkos::deep_copy(pushed, real_t(7));
    Kokkos::View<detail::ListedColumn*, Mem> listed("listed", n);
    Kokkos::deep_copy(listed, detail::ListedColumn{0, 3, real_t(3)});
    const detail::TeamPush<Mem> push{batch.column_ptr, batch.column_entry,         listed,
                                     scratch_rows,     batch.neuron_offset_device, x,
                                     pushed,           batch.repeated_pairs};
    Kokkos::parallel_for(
        Kokkos::TeamPolicy<Exec>(batch.n_networks(), threads)
            .set_scratch_size(0, Kokkos::PerTeam(push.scratch_bytes(scratch_rows))),
        push);
    return test::host_vector(pushed);
  }
};

void expect_push_equals_pull(const std::vector<const Network*>& nets) {
  const PushCase c(nets, 5);
  for (const ordinal_t rows : {ordinal_t(1), ordinal_t(7), ordinal_t(64), ordinal_t(150), c.n})
    for (const int variant : {0, 1, 2}) {  // cuts searched; from their table; + own rows
      const bool table = variant > 0, own = variant > 1;
      const ordinal_t blocks = (c.n + rows - 1) / rows;
      const auto cuts =
          table ? detail::make_push_cuts(Exec(), c.batch, rows, blocks) : detail::PushCuts<Mem>{};
      // A row per block, its values left over from another batch: rows() must clear them.
      Kokkos::View<real_t**, Kokkos::LayoutRight, Mem> scratch("scratch", own ? blocks : 0, rows);
      Kokkos::deep_copy(scratch, real_t(7));
      const std::vector<real_t> got = c.push(rows, cuts, scratch);
      for (ordinal_t i = 0; i < c.n; ++i)
        ASSERT_EQ(got[i], c.expected[i])
            << "row " << i << ", blocks of " << rows << " rows" << (table ? ", cut table" : "")
            << (own ? ", own accumulators" : "");
    }
}

// Teams of one thread, two, and as many as the space runs (powers of two: Kokkos 3.4 scans a
// CUDA team only then), with the rows summed in the drive and in team scratch.
void expect_team_push_equals_pull(const std::vector<const Network*>& nets) {
  const PushCase c(nets, 5);
  const int most = std::min(static_cast<int>(Exec().concurrency()),
                            Kokkos::TeamPolicy<Exec>(1, 1).team_size_max(detail::TeamPush<Mem>{},
                                                                         Kokkos::ParallelForTag()));
  ordinal_t largest = 0;
  for (const Network* net : nets) largest = std::max(largest, net->n_neurons);
  for (const int threads : {1, 2, detail::team_size_power_of_two(most, most)}) {
    if (threads > most) continue;
    for (const ordinal_t scratch_rows : {ordinal_t(0), largest}) {
      const std::vector<real_t> got = c.team_push(threads, scratch_rows);
      for (ordinal_t i = 0; i < c.n; ++i)
        ASSERT_EQ(got[i], c.expected[i]) << "row " << i << ", teams of " << threads
                                         << (scratch_rows > 0 ? ", in scratch" : ", in the drive");
    }
  }
}

TEST(PushBlocks, TeamSizesArePowersOfTwo) {
  EXPECT_EQ(detail::team_size_power_of_two(1, 1024), 1);
  EXPECT_EQ(detail::team_size_power_of_two(20, 1024), 32);
  EXPECT_EQ(detail::team_size_power_of_two(96, 1024), 128);
  EXPECT_EQ(detail::team_size_power_of_two(1000, 448), 256);
  EXPECT_EQ(detail::team_size_power_of_two(3, 2), 2);
  EXPECT_EQ(detail::team_size_power_of_two(5, 1), 1);
}

TEST(PushBlocks, BandedColumnsCutAnywhere) {
  const Network net = banded(400, 30, 7);
  expect_push_equals_pull({&net});
}

TEST(PushBlocks, RandomColumnsOfSeveralNetworksCutAnywhere) {
  NormalGeneratorParams p;
  p.std = 5.0;
  p.glorot = true;
  p.sparsity = 0.7;
  std::vector<Network> nets;
  for (const ordinal_t n : {300, 20, 1, 90}) {
    p.n_neurons = n;
    nets.push_back(generate_normal(p, 12, static_cast<network_id_t>(n)));
  }
  const Network band = banded(130, 5, 0);
  std::vector<const Network*> ptrs{&nets[0], &band, &nets[1], &nets[2], &nets[3]};
  expect_push_equals_pull(ptrs);
  expect_team_push_equals_pull(ptrs);
}

TEST(PushBlocks, TeamPushOfBandedColumnsEqualsPull) {
  const Network net = banded(400, 30, 7);
  expect_team_push_equals_pull({&net});
}

// A file's network may hold a pair twice (the loaders keep them): the batch says so, and every
// push still gives the pull's bits.
TEST(PushBlocks, RepeatedPairsAreFlaggedAndPushedAsPulled) {
  const Network band = banded(200, 12, 9);
  std::vector<ordinal_t> src, dst;
  std::vector<real_t> w;
  for (ordinal_t i = 0; i < band.n_neurons; ++i)
    for (offset_t k = band.row_ptr[i]; k < band.row_ptr[i + 1]; ++k)
      for (int copy = 0; copy < 1 + (k % 3 == 0 ? 2 : 0); ++copy)  // some pairs three times
        src.push_back(band.presynaptic[k]), dst.push_back(i),
            w.push_back(band.weight[k] * real_t(1 + copy));
  const Network repeated = Network::from_edges(band.n_neurons, src, dst, w);
  ASSERT_GT(repeated.n_synapses(), band.n_synapses());
  EXPECT_FALSE(make_batch<Mem>({&band}, {0}).repeated_pairs);
  EXPECT_TRUE(make_batch<Mem>({&band, &repeated}, {0, 1}).repeated_pairs);
  expect_push_equals_pull({&band, &repeated});
  expect_team_push_equals_pull({&band, &repeated});
}

// Where a column holds one row twice, one thread adds the whole run in column order, whatever
// order a team's threads run in: here the second thread first. (Threads taking every other entry
// would add -1 before 2^-24 into the row's 1: 2^-24, not the pull's (1 + 2^-24) - 1 = 0.)
TEST(PushBlocks, ARowRepeatedInAColumnIsAddedInOrderByOneThread) {
  using Host = Kokkos::HostSpace;
  Kokkos::View<ColumnEntry*, Host> entries("entries", 3);
  entries(0) = {0, std::ldexp(real_t(1), -24)};
  entries(1) = {0, real_t(-1)};
  entries(2) = {1, real_t(0.5)};
  detail::TeamPush<Host> push;
  push.column_entry = entries;
  const detail::ListedColumn column{0, 3, real_t(1)};
  real_t sums[2] = {1, 0};
  for (const int t : {1, 0}) push.add_column_runs(column, t, 2, sums, 0);
  EXPECT_EQ(sums[0], real_t(0));
  EXPECT_EQ(sums[1], real_t(0.5));
  real_t strided = 1;  // (the values do tell the orders apart)
  strided += entries(1).weight, strided += entries(0).weight;
  EXPECT_NE(strided, real_t(0));
}

// The threads' spike lists (part_spikes.hpp) of an even and an odd step, kept apart: each
// step's push from its parts' lists gives its own pull's drive, and each header holds its
// step's tag and length.
TEST(PushBlocks, PartListsOfEvenAndOddStepsKeptApart) {
  const Network net = banded(400, 30, 7);
  const PushCase step[2] = {PushCase({&net}, 5), PushCase({&net}, 6)};
  for (const int parts : {2, 3}) {
    auto lists = detail::make_part_spikes<Mem>(parts, step[0].n);
    std::vector<int> length(2 * static_cast<std::size_t>(parts));
    for (int k = 0; k < 2; ++k) {
      lists.set_step(k);
      const PushCase& c = step[k];
      for (int r = 0; r < parts; ++r) {  // part r: its share of the segments
        const auto b0 = detail::share_begin(c.segments(), parts, r),
                   b1 = detail::share_begin(c.segments(), parts, r + 1);
        const int n = lists.gather(r, b0, b1, c.spiked, c.block_start, c.x);
        *lists.header(r) = lists.header_word(static_cast<std::uint32_t>(k + 1), n);
        length[static_cast<std::size_t>(2 * r + k)] = n;
      }
    }
    for (int k = 0; k < 2; ++k) {
      lists.set_step(k);
      for (int r = 0; r < parts; ++r) {
        EXPECT_EQ(*lists.header(r) >> 32, static_cast<std::uint64_t>(k + 1));
        EXPECT_EQ(lists.n(r), length[static_cast<std::size_t>(2 * r + k)]);
      }
      const std::vector<real_t> got = step[k].push(150, {}, {}, lists);
      for (ordinal_t i = 0; i < step[k].n; ++i)
        ASSERT_EQ(got[i], step[k].expected[i])
            << "row " << i << ", step " << k << ", " << parts << " parts";
    }
  }
}

}  // namespace
}  // namespace kascade
