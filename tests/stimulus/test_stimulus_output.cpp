// Decks with stimuli run in-process (app::run_command on MPI_COMM_SELF): /stimuli/<name> holds
// the per-network parameters and exactly the targets and onsets realise() gives, the recorded
// spikes are those of an in-memory run with those stimuli, a stimulus of one network leaves
// another's spikes unchanged, and a bad stimulus stops the run before any file exists.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <string>
#include <vector>

#include "kascade/app/run_command.hpp"
#include "kascade/core/error.hpp"
#include "kascade/engine/engine.hpp"
#include "kascade/io/deck.hpp"
#include "kascade/io/hdf5_reader.hpp"
#include "test_support.hpp"

namespace kascade {
namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;

std::string deck_with(const std::string& stimuli) {
  return "seed = 41\n[networks]\ncount = 3\nneurons = 30\n[networks.normal]\nstd = 5.0\n"
         "glorot = true\n[model]\npreset = \"bernoulli_glm\"\n[simulation]\nsteps = 3000\n"
         "equilibration_steps = 50\nbatch_size = 2\nrecord_interval = 700\n" +
         stimuli;
}

const std::string kPoisson =
    "[[stimulus]]\nname = \"kicks\"\nkind = \"poisson\"\nstrength = [2.0, 4.5, 6.0]\n"
    "mean_interval = 40.5\nwidth = 4\nstart = 100\nduration = 2000\ntargets = \"fraction\"\n"
    "fraction = 0.2\n"
    "[[stimulus]]\nkind = \"regular\"\nstrength = 3.0\ntargets = \"list\"\n"
    "neurons = [[0, 5], [1], [2, 3, 4]]\n";

// A whole dataset of one type, read with the HDF5 C API.
template <class T>
std::vector<T> read(hid_t file, const std::string& path, hid_t type) {
  const hid_t d = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  EXPECT_GE(d, 0) << "missing " << path;
  if (d < 0) return {};
  const hid_t space = H5Dget_space(d);
  std::vector<T> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  if (!v.empty()) H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(d);
  return v;
}

std::string attribute(hid_t file, const std::string& object, const char* name) {
  const hid_t a = H5Aopen_by_name(file, object.c_str(), name, H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) return "<missing>";
  const hid_t type = H5Aget_type(a);
  std::string s(H5Tget_size(type), '\0');
  H5Aread(a, type, s.data());
  H5Tclose(type);
  H5Aclose(a);
  return s.substr(0, s.find('\0'));
}

app::RunOptions options(const test::ScratchDir& dir, const std::string& deck_text,
                        const std::string& tag) {
  test::write_text(dir.file(tag + ".toml"), deck_text);
  app::RunOptions o;
  o.deck = dir.file(tag + ".toml");
  o.output = dir.file(tag + ".h5");
  o.quiet = true;
  return o;
}

TEST(StimulusOutput, FileHoldsTheRealisedStimuliAndTheirSpikes) {
  test::ScratchDir dir("stimulus_output");
  const auto o = options(dir, deck_with(kPoisson), "poisson");
  app::run_command(o, MPI_COMM_SELF);
  const RunConfig config = read_deck(o.deck);
  ASSERT_EQ(config.stimuli.size(), 2u);
  EXPECT_EQ(config.stimuli[1].name, "stimulus_1") << "the default name";
  const step_t steps = config.simulation.steps;

  const hid_t f = H5Fopen(o.output.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(attribute(f, "/stimuli/kicks", "kind"), "poisson");
  EXPECT_EQ(attribute(f, "/stimuli/kicks", "targeting"), "fraction");
  EXPECT_EQ(attribute(f, "/stimuli/stimulus_1", "kind"), "regular");
  EXPECT_EQ(read<double>(f, "/stimuli/kicks/strength", H5T_NATIVE_DOUBLE),
            (std::vector<double>{2.0, 4.5, 6.0}));
  EXPECT_EQ(read<double>(f, "/stimuli/kicks/mean_interval", H5T_NATIVE_DOUBLE),
            (std::vector<double>(3, 40.5)));
  EXPECT_EQ(read<double>(f, "/stimuli/kicks/start", H5T_NATIVE_DOUBLE),
            (std::vector<double>(3, 100.0)));
  for (std::size_t k = 0; k < 2; ++k) {
    const std::string g = "/stimuli/" + config.stimuli[k].name + "/";
    const auto tptr = read<std::uint64_t>(f, g + "target_ptr", H5T_NATIVE_UINT64);
    const auto tgt = read<std::int32_t>(f, g + "targets", H5T_NATIVE_INT32);
    // Only Poisson trains store onsets (regular trains follow from their parameters).
    EXPECT_EQ(H5Lexists(f, (g + "onsets").c_str(), H5P_DEFAULT) > 0, k == 0) << g;
    const auto optr = k == 0 ? read<std::uint64_t>(f, g + "onset_ptr", H5T_NATIVE_UINT64)
                             : std::vector<std::uint64_t>{};
    const auto ons = k == 0 ? read<std::int64_t>(f, g + "onsets", H5T_NATIVE_INT64)
                            : std::vector<std::int64_t>{};
    ASSERT_EQ(tptr.size(), 4u) << g;
    ASSERT_EQ(tptr.back(), tgt.size()) << g;
    if (k == 0) {
      ASSERT_EQ(optr.size(), 4u);
    }
    for (network_id_t n = 0; n < 3; ++n) {
      const auto r = realise(config.stimuli[k], k, config.seed, n, 30, steps);
      EXPECT_EQ(std::vector<std::int32_t>(tgt.begin() + tptr[n], tgt.begin() + tptr[n + 1]),
                std::vector<std::int32_t>(r.targets.begin(), r.targets.end()))
          << g << " network " << n;
      if (k == 0) {
        EXPECT_EQ(r.targets.size(), 6u) << "round(0.2 * 30)";
        EXPECT_GT(r.onsets.size(), 20u);
        EXPECT_EQ(std::vector<std::int64_t>(ons.begin() + optr[n], ons.begin() + optr[n + 1]),
                  std::vector<std::int64_t>(r.onsets.begin(), r.onsets.end()))
            << "onsets of network " << n;
      }
    }
  }
  H5Fclose(f);

  // The spikes are those of each network simulated alone with its realised stimuli (batches of
  // two in the run: the second batch starts at network 2).
  OutputReader file(o.output);
  for (network_id_t n = 0; n < 3; ++n) {
    const Network net = config.networks.make(n);
    const CascadeModel model = config.model.build(n);
    Engine<Exec> engine(make_batch<Mem>({&net}, {n}), make_batch_model<Mem>({&model}),
                        EngineSettings{config.seed, 50, steps, 1000});
    std::vector<std::vector<RealisedStimulus>> r(2);
    for (std::size_t k = 0; k < 2; ++k)
      r[k].push_back(realise(config.stimuli[k], k, config.seed, n, 30, steps));
    engine.set_stimuli(make_batch_stimuli<Mem>({StimulusKind::poisson, StimulusKind::regular}, r,
                                               engine.batch().neuron_offset));
    engine.initialize_random();
    struct : Recorder {
      NetworkSpikes all;
      void record(const std::vector<SpikeEvents>& chunk) override {
        all.steps.insert(all.steps.end(), chunk[0].steps.begin(), chunk[0].steps.end());
        all.neurons.insert(all.neurons.end(), chunk[0].neurons.begin(), chunk[0].neurons.end());
      }
    } collect;
    engine.run(collect);
    const NetworkSpikes got = file.spikes(n);
    EXPECT_EQ(got.steps, collect.all.steps) << "network " << n;
    EXPECT_EQ(got.neurons, collect.all.neurons) << "network " << n;
  }
}

// Network 1 gets count 0 (no target): its spikes equal those of a deck without any stimulus.
TEST(StimulusOutput, OtherNetworksSpikesAreUnchanged) {
  test::ScratchDir dir("stimulus_control");
  const auto a = options(dir,
                         deck_with("[[stimulus]]\nkind = \"regular\"\nstrength = 6.0\nwidth = 20\n"
                                   "targets = \"count\"\ncount = [8, 0, 8]\n"),
                         "with");
  const auto b = options(dir, deck_with(""), "without");
  app::run_command(a, MPI_COMM_SELF);
  app::run_command(b, MPI_COMM_SELF);
  OutputReader with(a.output), without(b.output);
  EXPECT_EQ(with.spikes(1).steps, without.spikes(1).steps);
  EXPECT_EQ(with.spikes(1).neurons, without.spikes(1).neurons);
  EXPECT_GT(with.spikes(1).steps.size(), 0u);
  EXPECT_NE(with.spikes(0).steps, without.spikes(0).steps);
  EXPECT_NE(with.spikes(2).steps, without.spikes(2).steps);
}

TEST(StimulusOutput, BadStimulusFailsWithInputErrorAndNoFile) {
  test::ScratchDir dir("stimulus_bad");
  const std::string stim = "[[stimulus]]\nname = \"bad\"\n";
  const std::vector<std::pair<std::string, std::string>> bad = {
      {stim + "targets = \"fraction\"\nfraction = 2\n", "fraction"},
      {stim + "kind = \"pulse\"\n", "kind"},
      {stim + "targets = \"count\"\ncount = 31\n", "bad"},  // 30 neurons; named by realise()
      {stim + "targets = \"list\"\nneurons = [0, 30]\n", "bad"},
      {stim + "period = 0\n", "period"},
      {stim + "kind = \"poisson\"\nmean_interval = -1\n", "mean_interval"},
      {stim + "kind = \"poisson\"\nintervals = \"uniform\"\n", "intervals"},
      {stim + "strenght = 2\n", "strenght"},
      {stim + "strength = [1.0, 2.0]\n", "strength"},  // 3 networks
  };
  int n = 0;
  for (const auto& [text, key] : bad) {
    const auto o = options(dir, deck_with(text), "bad" + std::to_string(n++));
    try {
      app::run_command(o, MPI_COMM_SELF);
      ADD_FAILURE() << "accepted:\n" << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not an InputError: " << e.what() << "\n" << text;
    }
    EXPECT_FALSE(std::filesystem::exists(o.output)) << text;
    EXPECT_FALSE(std::filesystem::exists(o.output + ".partial")) << text;
  }
}

// Each stimulus needs its own /stimuli/<name> group: a repeated name, or one HDF5 cannot use
// as a group name, is an InputError naming the key before any file exists (these reached
// Hdf5Output::write_stimulus as std::runtime_error with a .partial file left until the deck
// checked names in 68d3455).
TEST(StimulusOutput, DuplicateOrUnusableNamesAreAnInputError) {
  test::ScratchDir dir("stimulus_names");
  const std::vector<std::string> decks = {
      "[[stimulus]]\nname = \"x\"\n[[stimulus]]\nname = \"x\"\n", "[[stimulus]]\nname = \"a/b\"\n",
      "[[stimulus]]\nname = \".\"\n", "[[stimulus]]\nname = \"\"\n"};
  for (const std::string& text : decks) {
    const auto o = options(dir, deck_with(text), "names");
    try {
      app::run_command(o, MPI_COMM_SELF);
      ADD_FAILURE() << "accepted:\n" << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("name"), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not an InputError: " << e.what() << "\n" << text;
    }
    EXPECT_FALSE(std::filesystem::exists(o.output)) << text;
    EXPECT_FALSE(std::filesystem::exists(o.output + ".partial")) << text;
    std::filesystem::remove(o.output + ".partial");
  }
}

}  // namespace
}  // namespace kascade
