// The reproducibility contract across ranks and batch sizes: a 40-network dataset written by
// this many ranks with batch sizes 1, 7 and 40 (and 8, its networks made again where needed
// instead of kept) has, network by network, exactly the spikes and connectivity of a one-process
// run. CTest runs this program under 1, 2 and 3 ranks.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdlib>
#include <map>
#include <memory>

#include "kascade/app/run_command.hpp"
#include "kascade/io/hdf5_reader.hpp"
#include "test_support.hpp"

namespace kascade {
namespace {

// A scratch directory that rank 0 makes, holding `decks` (name -> text), and its path on every
// rank (everyone writes into it).
struct SharedScratch {
  std::unique_ptr<test::ScratchDir> dir;  // rank 0 only
  std::string path;
  int rank = 0, ranks = 1;

  SharedScratch(const std::string& tag, const std::map<std::string, std::string>& decks) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    if (rank == 0) {
      dir = std::make_unique<test::ScratchDir>(tag + std::to_string(ranks));
      path = dir->path().string();
      for (const auto& [name, text] : decks) test::write_text(dir->file(name), text);
    }
    int length = static_cast<int>(path.size());
    MPI_Bcast(&length, 1, MPI_INT, 0, MPI_COMM_WORLD);
    path.resize(length);
    MPI_Bcast(path.data(), length, MPI_CHAR, 0, MPI_COMM_WORLD);
  }
};

TEST(RankInvariance, SpikesAreIdenticalForAnyRankCountAndBatchSize) {
  // Random per-network stimulus targets and onsets must not depend on the partition either.
  const SharedScratch scratch(
      "mpi", {{"deck.toml", test::small_deck(40, 30, 400, 96) +
                                "[[stimulus]]\nkind = \"poisson\"\nstrength = 3.0\n"
                                "mean_interval = 40.5\nwidth = 5\ntargets = \"fraction\"\n"
                                "fraction = 0.3\n"}});
  const std::string& path = scratch.path;
  const int rank = scratch.rank, ranks = scratch.ranks;

  const std::string deck = path + "/deck.toml";
  // (batch size 8: the networks are made again for each batch and for the file, none kept)
  const std::vector<int> batches = {1, 7, 40, 8};
  for (int batch : batches) {
    app::RunOptions o;
    o.deck = deck;
    o.overrides = {"simulation.batch_size=" + std::to_string(batch)};
    o.output = path + "/batch" + std::to_string(batch) + ".h5";
    o.quiet = true;
    if (batch >= 7 && batch <= 8) o.round_events = 50;  // many collective rounds, per rank
    if (batch == 8) setenv("KASCADE_KEEP_NETWORKS_MIB", "0", 1);
    app::run_command(o, MPI_COMM_WORLD);
    unsetenv("KASCADE_KEEP_NETWORKS_MIB");
  }
  if (rank == 0) {
    app::RunOptions o;
    o.deck = deck;
    o.output = path + "/reference.h5";
    o.quiet = true;
    app::run_command(o, MPI_COMM_SELF);

    OutputReader reference(o.output);
    ASSERT_TRUE(reference.complete());
    std::size_t total_spikes = 0;
    for (int batch : batches) {
      OutputReader run(path + "/batch" + std::to_string(batch) + ".h5");
      ASSERT_TRUE(run.complete());
      ASSERT_EQ(run.n_networks(), 40u);
      for (network_id_t g = 0; g < 40; ++g) {
        const NetworkSpikes a = reference.spikes(g), b = run.spikes(g);
        ASSERT_EQ(a.steps, b.steps)
            << "network " << g << ", batch size " << batch << ", " << ranks << " ranks";
        ASSERT_EQ(a.neurons, b.neurons) << "network " << g << ", batch size " << batch;
        const Network na = reference.network(g), nb = run.network(g);
        ASSERT_EQ(na.row_ptr, nb.row_ptr);
        ASSERT_EQ(na.presynaptic, nb.presynaptic);
        ASSERT_EQ(na.weight, nb.weight);
        total_spikes += a.steps.size();
      }
    }
    EXPECT_GT(total_spikes, 0u);  // the comparison is not between empty files
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

// Tuning is as reproducible: theta per network by the root finder, and r shared by all networks
// with Adam (its gradient summed over the ranks in network order), give the same values and
// spikes for any rank count.
TEST(RankInvariance, TunedValuesAreIdenticalForAnyRankCount) {
  const SharedScratch scratch(
      "mpi_tune",
      {{"newton.toml", test::small_deck(12, 20, 200, 100) +
                           "[tune]\ntarget_rate = 12.0\nepochs = 12\nequilibration_steps = 20\n"},
       {"shared.toml", test::small_deck(12, 20, 200, 100) +
                           "[tune]\nparameters = [\"theta\", \"r\"]\nshared = [\"r\"]\n"
                           "method = \"adam\"\nepochs = 5\nequilibration_steps = 20\n"}});
  const std::string& path = scratch.path;
  const int rank = scratch.rank;
  for (const std::string deck : {"newton", "shared"}) {
    app::RunOptions o;
    o.deck = path + "/" + deck + ".toml";
    o.overrides = {"simulation.batch_size=5"};
    o.output = path + "/" + deck + ".h5";
    o.quiet = true;
    app::run_command(o, MPI_COMM_WORLD);
    if (rank != 0) continue;
    o.overrides.clear();
    o.output = path + "/" + deck + "_reference.h5";
    app::run_command(o, MPI_COMM_SELF);
    OutputReader reference(o.output), run(path + "/" + deck + ".h5");
    for (const char* name : {"/tuning/theta", "/tuning/expected_rate_hz", "/tuning/epochs"})
      EXPECT_EQ(reference.per_network(name), run.per_network(name)) << deck << ": " << name;
    if (deck == "shared") {
      const auto r = run.per_network("/tuning/r");
      EXPECT_NE(r[0], 1.0) << "r was tuned";
      for (double v : r) EXPECT_EQ(v, r[0]) << "r is shared";
      EXPECT_EQ(reference.per_network("/tuning/r"), r);
    }
    for (network_id_t g = 0; g < 12; ++g)
      EXPECT_EQ(reference.spikes(g).steps, run.spikes(g).steps) << deck << ", network " << g;
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

}  // namespace
}  // namespace kascade
