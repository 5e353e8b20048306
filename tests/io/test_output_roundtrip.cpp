// The whole path deck -> engine -> HDF5 file: the file holds exactly the connectivity and the
// spikes that the deck defines (checked against an independent in-memory simulation of each
// network), is marked complete, and replaces nothing without --overwrite.
#include <gtest/gtest.h>

#include <filesystem>

#include "kascade/app/run_command.hpp"
#include "kascade/core/error.hpp"
#include "kascade/engine/engine.hpp"
#include "kascade/io/deck.hpp"
#include "kascade/io/hdf5_output.hpp"
#include "kascade/io/hdf5_reader.hpp"
#include "test_support.hpp"

namespace kascade {
namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;

struct Collect : Recorder {
  NetworkSpikes all;
  void record(const std::vector<SpikeEvents>& chunk) override {
    for (const auto& ev : chunk) {
      all.steps.insert(all.steps.end(), ev.steps.begin(), ev.steps.end());
      all.neurons.insert(all.neurons.end(), ev.neurons.begin(), ev.neurons.end());
    }
  }
};

TEST(OutputRoundTrip, FileHoldsTheDecksNetworksAndSpikes) {
  test::ScratchDir dir("roundtrip");
  const std::string deck = dir.file("deck.toml");
  test::write_text(deck, test::small_deck(6, 25, 300, 64));
  app::RunOptions o;
  o.deck = deck;
  o.output = dir.file("out.h5");
  o.quiet = true;
  app::run_command(o, MPI_COMM_SELF);
  EXPECT_FALSE(std::filesystem::exists(o.output + ".partial"));

  const RunConfig config = read_deck(deck);
  OutputReader file(o.output);
  EXPECT_TRUE(file.complete());
  EXPECT_EQ(file.n_networks(), 6u);
  EXPECT_EQ(file.deck(), config.deck_text);
  const CascadeModel model = config.model.build(0);
  std::size_t spikes = 0;
  for (network_id_t g = 0; g < 6; ++g) {
    const Network expected = config.networks.make(g);
    const Network stored = file.network(g);
    EXPECT_EQ(stored.row_ptr, expected.row_ptr);
    EXPECT_EQ(stored.presynaptic, expected.presynaptic);
    EXPECT_EQ(stored.weight, expected.weight);

    EngineSettings s{config.seed, config.simulation.equilibration_steps, config.simulation.steps,
                     1000};
    Engine<Exec> engine(make_batch<Mem>({&expected}, {g}), make_batch_model<Mem>({&model}), s);
    engine.initialize_random();
    Collect collect;
    engine.run(collect);
    const NetworkSpikes got = file.spikes(g);
    EXPECT_EQ(got.steps, collect.all.steps) << "network " << g;
    EXPECT_EQ(got.neurons, collect.all.neurons) << "network " << g;
    spikes += got.steps.size();
    for (auto step : got.steps) ASSERT_TRUE(step >= 0 && step < config.simulation.steps);
  }
  EXPECT_GT(spikes, 0u);
}

TEST(OutputRoundTrip, ADescriptionThatDisagreesWithTheRunIsRefused) {
  // A program of its own fills the description: networks beyond n_networks, or a spike beyond
  // recorded_steps, are refused naming the field (they had failed as an HDF5 write, or given a
  // file marked complete with rates of 0).
  test::ScratchDir dir("description");
  OutputDescription d;
  d.path = dir.file("mine.h5");
  d.recorded_steps = 100;
  try {
    Hdf5Output out(d, MPI_COMM_SELF, 0, 2);
    ADD_FAILURE() << "two networks of a run of none were taken";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("beyond OutputDescription.n_networks = 0"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(d.path + ".partial"));
  d.n_networks = 1;
  Hdf5Output out(d, MPI_COMM_SELF, 0, 1);
  SpikeEvents late;
  late.network = 0;
  late.steps = {5, 100};
  late.neurons = {0, 0};
  try {
    out.record({late});
    ADD_FAILURE() << "a spike at step 100 of 100 recorded steps was taken";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("beyond OutputDescription.recorded_steps = 100"),
              std::string::npos)
        << e.what();
  }
}

TEST(OutputRoundTrip, ExistingOutputIsKeptUnlessOverwriteIsGiven) {
  test::ScratchDir dir("keep");
  const std::string deck = dir.file("deck.toml");
  test::write_text(deck, test::small_deck(1, 10, 10, 10));
  app::RunOptions o;
  o.deck = deck;
  o.output = dir.file("out.h5");
  o.quiet = true;
  test::write_text(o.output, "precious");
  EXPECT_THROW(app::run_command(o, MPI_COMM_SELF), InputError);
  EXPECT_EQ(std::filesystem::file_size(o.output), 8u);
  o.overwrite = true;
  app::run_command(o, MPI_COMM_SELF);
  EXPECT_TRUE(OutputReader(o.output).complete());
}

}  // namespace
}  // namespace kascade
