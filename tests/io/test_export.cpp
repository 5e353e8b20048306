// `kascade export`: the SONATA populations read back in the networks' order, and the output
// directory is never left half-written nor its earlier files lost (a failure midway is made by a
// progress callback that throws).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "kascade/app/run_command.hpp"
#include "kascade/core/error.hpp"
#include "kascade/io/export.hpp"
#include "kascade/io/hdf5_reader.hpp"
#include "kascade/network/loaders.hpp"
#include "test_support.hpp"

namespace kascade {
namespace {

namespace fs = std::filesystem;

// A complete output `name`.h5 in `dir` of `networks` small networks.
std::string make_output(const test::ScratchDir& dir, int networks, int neurons = 20,
                        const std::string& name = "out") {
  test::write_text(dir.file(name + ".toml"), test::small_deck(networks, neurons, 100, 64));
  app::RunOptions o;
  o.deck = dir.file(name + ".toml");
  o.output = dir.file(name + ".h5");
  o.quiet = true;
  app::run_command(o, MPI_COMM_SELF);
  return o.output;
}

// Every file under `dir` (relative name -> contents): what must not change.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    std::ostringstream text;
    if (entry.is_regular_file()) text << std::ifstream(entry.path(), std::ios::binary).rdbuf();
    files[fs::relative(entry.path(), dir).string()] = text.str();
  }
  return files;
}

// Fails the export after `networks` networks.
ExportProgress fail_after(std::uint64_t networks) {
  return [networks](std::uint64_t done, std::uint64_t) {
    if (done == networks) throw InputError("stopped by the test");
  };
}

TEST(Export, PopulationNamesArePaddedToTheLargestIndex) {
  EXPECT_EQ(sonata_population_name(0, 1), "network_0");
  EXPECT_EQ(sonata_population_name(9, 10), "network_9");
  EXPECT_EQ(sonata_population_name(0, 11), "network_00");
  EXPECT_EQ(sonata_population_name(10, 11), "network_10");
  EXPECT_EQ(sonata_population_name(7, 50), "network_07");
  EXPECT_EQ(sonata_population_name(7, 101), "network_007");
}

TEST(Export, SonataPopulationsReadBackInTheNetworksOrder) {
  const test::ScratchDir dir("export_sonata");
  const std::string out = make_output(dir, 12);
  export_sonata(out, dir.file("son"), false);
  const std::string edges = dir.file("son/edges.h5");
  const std::vector<std::string> populations = sonata_populations(edges);
  const OutputReader reader(out);
  ASSERT_EQ(populations.size(), 12u);
  for (network_id_t g = 0; g < 12; ++g) {
    EXPECT_EQ(populations[g], sonata_population_name(g, 12));
    const Network stored = reader.network(g);
    const Network back = load_sonata_population(edges, populations[g], stored.n_neurons);
    EXPECT_EQ(back.row_ptr, stored.row_ptr) << "network " << g;
    EXPECT_EQ(back.presynaptic, stored.presynaptic) << "network " << g;
    EXPECT_EQ(back.weight, stored.weight) << "network " << g;
  }
}

TEST(Export, RefusesANonEmptyDirectoryWithoutOverwrite) {
  const test::ScratchDir dir("export_refuse");
  const std::string out = make_output(dir, 3);
  fs::create_directory(dir.file("keep"));
  test::write_text(dir.file("keep/edges.h5"), "precious\n");
  const auto before = snapshot(dir.file("keep"));
  EXPECT_THROW(export_sonata(out, dir.file("keep"), false), InputError);
  EXPECT_THROW(export_npy(out, dir.file("keep"), false, 100), InputError);
  EXPECT_EQ(snapshot(dir.file("keep")), before);

  export_sonata(out, dir.file("keep"), true);  // replaces edges.h5, adds spikes.h5
  EXPECT_EQ(sonata_populations(dir.file("keep/edges.h5")).size(), 3u);
  EXPECT_EQ(snapshot(dir.file("keep")).size(), 2u);
}

TEST(Export, NpyRefusesOtherNumberedFilesEvenWithOverwrite) {
  const test::ScratchDir dir("export_stale");
  const std::string out = make_output(dir, 3);
  fs::create_directory(dir.file("npy"));
  for (const char* name : {"0.npy", "7.npy", "notes.txt"})
    test::write_text(dir.file("npy/") + name, name);
  const auto before = snapshot(dir.file("npy"));
  EXPECT_THROW(export_npy(out, dir.file("npy"), true, 100), InputError);
  EXPECT_EQ(snapshot(dir.file("npy")), before);

  fs::remove(dir.file("npy/7.npy"));
  export_npy(out, dir.file("npy"), true, 100);  // other files than <number>.npy are kept
  const auto after = snapshot(dir.file("npy"));
  EXPECT_EQ(after.size(), 4u);
  EXPECT_EQ(after.at("notes.txt"), "notes.txt");
  EXPECT_NE(after.at("0.npy"), "0.npy");
}

TEST(Export, NpyChecksEverySizeBeforeWriting) {
  const test::ScratchDir dir("export_sizes");
  const std::string out = make_output(dir, 3);
  EXPECT_THROW(export_npy(out, dir.file("a/npy"), false, 19), InputError);
  EXPECT_FALSE(fs::exists(dir.file("a")));
}

TEST(Export, FailureMidwayRemovesWhatTheExportCreated) {
  const test::ScratchDir dir("export_midway");
  const std::string out = make_output(dir, 5);
  EXPECT_THROW(export_npy(out, dir.file("new/npy"), false, 100, fail_after(3)), InputError);
  EXPECT_THROW(export_sonata(out, dir.file("new/son"), false, fail_after(3)), InputError);
  EXPECT_FALSE(fs::exists(dir.file("new")));  // nor the directories made for it
}

TEST(Export, NpyCountsTheSynapsesADenseMatrixCannotHold) {
  // inhibitory_scale = 0 gives every inhibitory synapse the weight -0: a dense matrix cannot
  // hold them (the CLI warns with these counts; the export had dropped them silently).
  const test::ScratchDir dir("export_losses");
  std::string deck = test::small_deck(3, 20, 100, 64);
  deck.replace(deck.find("glorot = true\n"), 14, "glorot = true\ninhibitory_scale = 0.0\n");
  test::write_text(dir.file("zero.toml"), deck);
  app::RunOptions o;
  o.deck = dir.file("zero.toml");
  o.output = dir.file("zero.h5");
  o.quiet = true;
  app::run_command(o, MPI_COMM_SELF);
  const OutputReader reader(o.output);
  std::uint64_t zeros = 0;
  for (network_id_t g = 0; g < 3; ++g)
    for (const float w : reader.network(g).weight) zeros += w == 0.0f;
  ASSERT_GT(zeros, 0u) << "the case did not arise";
  const NpyLosses lost = export_npy(o.output, dir.file("npy"), false, 100);
  EXPECT_EQ(lost.zero_weights, zeros);
  EXPECT_EQ(lost.merged, 0u);  // (generated networks have one synapse per pair)
  EXPECT_EQ(export_npy(make_output(dir, 3), dir.file("npy2"), false, 100).zero_weights, 0u);
}

TEST(Export, FailureMidwayKeepsAnEarlierExport) {
  const test::ScratchDir dir("export_keep");
  const std::string earlier = make_output(dir, 5, 20, "earlier"), out = make_output(dir, 5, 15);
  for (const char* sub : {"npy", "son"}) {
    const std::string to = dir.file(sub);
    const bool npy = std::string(sub) == "npy";
    if (npy)
      export_npy(earlier, to, false, 100);
    else
      export_sonata(earlier, to, false);
    test::write_text(to + "/README", "mine\n");
    const auto before = snapshot(to);
    if (npy)
      EXPECT_THROW(export_npy(out, to, true, 100, fail_after(2)), InputError);
    else
      EXPECT_THROW(export_sonata(out, to, true, fail_after(2)), InputError);
    EXPECT_EQ(snapshot(to), before) << sub;
  }
}

}  // namespace
}  // namespace kascade

namespace kascade {
namespace {

// What the export must never touch: the file it reads (named like one it writes, in the target
// directory), and a dangling link the user left where the directory would be created.
TEST(Export, NeverReplacesItsSourceNorRemovesADanglingLink) {
  const test::ScratchDir dir("export_source");
  const std::string source = make_output(dir, 2);
  const std::string spikes = dir.file("spikes.h5");
  fs::copy_file(source, spikes);
  EXPECT_THROW(export_sonata(spikes, dir.path().string(), true), InputError);
  EXPECT_TRUE(OutputReader(spikes).complete()) << "the source is still a kascade output";

  const std::string link = dir.file("dangling");
  fs::create_symlink(dir.file("nowhere/deeper"), link);
  EXPECT_THROW(export_npy(source, link, false, 100), InputError);
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link))) << "the user's link is left alone";
}

// An export larger than the free space where it goes is refused before anything is written.
TEST(Export, RefusesMoreThanTheFreeSpaceBeforeWriting) {
  const std::string dir = ::testing::TempDir() + "kascade_space_check/not/yet";
  detail::require_space(dir, 1000.0, "rasters");  // (a directory still to be made: its parent's)
  try {
    detail::require_space(dir, 1e30, "the rasters");
    FAIL() << "1e30 bytes fit";
  } catch (const InputError& e) {
    EXPECT_EQ(
        std::string(e.what()).rfind(dir + ": the rasters take 9.31323e+20 GiB, more than the ", 0),
        0u)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

// "link/../out" is where the system resolves it, for the check of a non-empty directory too.
TEST(Export, ChecksTheDirectoryItWritesInto) {
  const test::ScratchDir dir("export_link");
  const std::string source = make_output(dir, 2);
  fs::create_directories(dir.file("elsewhere/deep"));
  fs::create_symlink(dir.file("elsewhere/deep"), dir.file("link"));
  fs::create_directories(dir.file("elsewhere/out"));
  test::write_text(dir.file("elsewhere/out/spikes.h5"), "user data");
  EXPECT_THROW(export_sonata(source, dir.file("link/../out"), false), InputError);
  std::ifstream kept(dir.file("elsewhere/out/spikes.h5"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "user data");
}

}  // namespace
}  // namespace kascade
