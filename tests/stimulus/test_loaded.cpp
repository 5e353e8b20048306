// Loaded stimuli (inputs/data/stimulus.h5, see scripts/make_example_data.py): the channel-weighted
// array enters each targeted neuron's input exactly at step start + row, scaled per network, and
// nowhere else; a wrong channel-weight count or a missing dataset is an error naming the file.
#include <gtest/gtest.h>

#include <filesystem>

#include "kascade/app/run_command.hpp"
#include "kascade/core/error.hpp"
#include "kascade/io/deck.hpp"
#include "kascade/io/hdf5_reader.hpp"
#include "kascade/io/stimulus_file.hpp"
#include "test_support.hpp"

namespace kascade {
namespace {

const std::string kData = std::string(KASCADE_SOURCE_DIR) + "/inputs/data/stimulus.h5";

TEST(LoadedStimulus, ChannelsAreReducedByTheirWeights) {
  const auto shape = stimulus_array_shape(kData, "stimulus");
  EXPECT_EQ(shape.networks, 4u);
  EXPECT_EQ(shape.steps, 100u);
  EXPECT_EQ(shape.channels, 3u);
  const auto a = read_stimulus_array(kData, "stimulus", 2, 12, {1.0, 0.5, 0.25});
  ASSERT_EQ(a.size(), 100u * 12u);
  for (int t = 0; t < 100; ++t)
    for (int i = 0; i < 12; ++i)
      EXPECT_EQ(a[t * 12 + i], (t % 50 < 20 && i < 10) ? 2.75f : 0.0f) << t << " " << i;
  EXPECT_THROW(read_stimulus_array(kData, "stimulus", 0, 5, {1.0}), InputError);
  EXPECT_THROW(read_stimulus_array(kData, "stimulus", 4, 5, {1, 1, 1}), InputError);
  EXPECT_THROW(stimulus_array_shape(kData, "nothing"), InputError);
  // A finite float64 beyond float32 would enter the run as infinity: refused like one.
  try {
    read_stimulus_array(kData, "stimulus", 2, 12, {1e300, 1e300, 1e300});
    ADD_FAILURE() << "a value of ~1e300 was taken";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not finite as a float32 number"), std::string::npos)
        << e.what();
  }
}

// Uncoupled neurons with threshold emission at theta = 2: a neuron spikes exactly where
// strength x 2.75 exceeds 2 in the array's pulse rows, i.e. for every strength >= 1 at steps
// start + t with t mod 50 < 20, on neurons 0..9 only. Each network from its own start, in one
// batch (all three had taken the first network's start).
TEST(LoadedStimulus, EntersTheInputAtItsStepsThroughTheCommandLinePath) {
  test::ScratchDir dir("loaded");
  const std::string deck = dir.file("deck.toml");
  test::write_text(
      deck,
      "seed = 5\n[networks]\ncount = 3\nneurons = 15\n[networks.normal]\nsparsity = 1.0\n"
      "[model]\npreset = \"custom\"\nnonlinearity = \"identity\"\nemission = "
      "\"threshold\"\ncoupling = \"none\"\ntheta = 2.0\n"
      "[simulation]\nsteps = 250\nequilibration_steps = 30\n"
      "[[stimulus]]\nkind = \"loaded\"\nfile = \"" +
          kData +
          "\"\n"
          "channel_weights = [1.0, 0.5, 0.25]\nstrength = [1.0, 0.5, 2.0]\nstart = [40, 0, -10]\n"
          "[[stimulus]]\nkind = \"loaded\"\nname = \"late\"\nfile = \"" +
          kData +
          "\"\nchannel_weights = [1.0, 0.5, 0.25]\nstrength = [0.1, 0.1, 1.0]\n"
          "start = [0, 0, 130]\n");
  app::RunOptions o;
  o.deck = deck;
  o.output = dir.file("out.h5");
  o.quiet = true;
  app::run_command(o, MPI_COMM_SELF);
  OutputReader file(o.output);
  const double strengths[] = {1.0, 0.5, 2.0}, late[] = {0.1, 0.1, 1.0};
  const step_t starts[] = {40, 0, -10}, late_start = 130;
  for (network_id_t g = 0; g < 3; ++g) {
    std::vector<step_t> want_steps;
    std::vector<std::uint32_t> want_neurons;
    const auto pulse_row = [](step_t row) { return row >= 0 && row < 100 && row % 50 < 20; };
    for (step_t s = 0; s < 250; ++s) {
      // (0.1 x 2.75 alone stays below theta)
      const double input = (pulse_row(s - starts[g]) ? strengths[g] * 2.75 : 0.0) +
                           (pulse_row(s - late_start) ? late[g] * 2.75 : 0.0);
      const bool pulse = input > 2.0;
      for (std::uint32_t i = 0; i < 15; ++i)
        if (pulse && i < 10) want_steps.push_back(s), want_neurons.push_back(i);
    }
    const NetworkSpikes got = file.spikes(g);
    EXPECT_EQ(got.steps, want_steps) << "network " << g;
    EXPECT_EQ(got.neurons, want_neurons) << "network " << g;
  }
}

TEST(LoadedStimulus, DeckErrorsNameTheFileOrKey) {
  const std::string base =
      "[networks]\ncount = 2\n[[stimulus]]\nkind = \"loaded\"\nfile = \"" + kData + "\"\n";
  auto error = [&](const std::string& extra) -> std::string {
    try {
      parse_deck(base + extra, "deck.toml");
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error("").find("channel_weights"), std::string::npos);
  EXPECT_NE(error("channel_weights = [1.0]\n").find("channel_weights"), std::string::npos);
  EXPECT_NE(error("channel_weights = [1, 1, 1]\ndataset = \"x\"\n").find("no dataset 'x'"),
            std::string::npos);
  EXPECT_EQ(error("channel_weights = [1, 1, 1]\n"), "");
}

}  // namespace
}  // namespace kascade
