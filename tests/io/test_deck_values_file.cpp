// Per-network values from an HDF5 file ({ file, dataset } in place of a number): network g takes
// entry g, the path is relative to the deck, the values are recorded in the deck's text, and
// every way the file can fail to serve is one line naming the key and the file.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "kascade/io/deck.hpp"
#include "network/test_loader_support.hpp"
#include "test_support.hpp"

namespace kascade {
namespace {

using test::error_of;

// Three networks of four neurons; `model` and `more` are appended to the [model] table and
// after it.
std::string deck_text(const std::string& model, const std::string& more = "") {
  return "[networks]\ncount = 3\nneurons = 4\n[model]\npreset = \"bernoulli_glm\"\n" + model +
         "\n" + more;
}

class ValuesFile : public ::testing::Test {
 protected:
  ValuesFile() : dir_("values_file") {
    {
      test::H5Writer w(values());
      w.dataset<double>("/tuning/theta", H5T_IEEE_F64LE, {4.5, 5.25, 6.0, 7.0});
      w.dataset<float>("/networks/parameters/theta", H5T_IEEE_F32LE, {1.5f, 2.5f, 3.5f});
      w.dataset<std::int32_t>("/windows", H5T_STD_I32LE, {2, 3, 4});
      w.dataset<double>("/fractional", H5T_IEEE_F64LE, {2.0, 2.5, 3.0});
      w.dataset<double>("/short", H5T_IEEE_F64LE, {1.0, 2.0});
      w.dataset<double>("/not_finite", H5T_IEEE_F64LE,
                        {1.0, std::numeric_limits<double>::infinity(), 3.0});
      w.dataset<double>("/stimuli/probe/strength", H5T_IEEE_F64LE, {0.5, 1.5, 2.5});
      w.dataset<double>("/rates", H5T_IEEE_F64LE, {5.0, 10.0, 20.0});
      w.dataset<std::int64_t>("/negative", H5T_STD_I64LE, {2, -3, 4});
      w.dataset<double>("/networks/parameters/dt", H5T_IEEE_F64LE, {0.5, 0.5, 0.5});
      w.dataset<double>("/uneven_dt", H5T_IEEE_F64LE, {0.5, 1.0, 0.5});
    }
    write_grid();
    test::write_text(dir_.file("not_hdf5.h5"), "plain text\n");
    std::filesystem::create_directory(dir_.file("folder.h5"));
    std::filesystem::copy_file(values(), dir_.file("cut.h5"));  // its signature, not the rest
    std::filesystem::resize_file(dir_.file("cut.h5"), 600);
  }

  // A 2-D dataset /grid (the values file must refuse it).
  void write_grid() const {
    const double data[4] = {1, 2, 3, 4};
    const hsize_t dims[2] = {2, 2};
    const hid_t f = H5Fopen(dir_.file("values.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    const hid_t space = H5Screate_simple(2, dims, nullptr);
    const hid_t d =
        H5Dcreate2(f, "/grid", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    H5Dclose(d), H5Sclose(space), H5Fclose(f);
  }

  // The deck written into the scratch directory and read from there.
  RunConfig read(const std::string& text, const std::vector<std::string>& overrides = {}) const {
    test::write_text(deck(), text);
    return read_deck(deck(), overrides);
  }
  std::string error(const std::string& text) const {
    return error_of([&] { read(text); });
  }
  std::string deck() const { return dir_.file("deck.toml"); }
  std::string values() const { return dir_.file("values.h5"); }

  test::ScratchDir dir_;
};

TEST_F(ValuesFile, NetworkGTakesEntryGOfTheDataset) {
  // The first three of four entries; the path is relative to the deck's directory.
  const RunConfig c =
      read(deck_text("theta = { file = \"values.h5\", dataset = \"/tuning/theta\" }"));
  EXPECT_EQ(c.model.parameters(0)["theta"], 4.5);
  EXPECT_EQ(c.model.parameters(1)["theta"], 5.25);
  EXPECT_EQ(c.model.parameters(2)["theta"], 6.0);
  // Integer parameters from an integer dataset; a dataset path without its leading slash.
  const RunConfig w =
      read(deck_text("coupling_window = { file = \"values.h5\", dataset = \"windows\" }"));
  EXPECT_EQ(w.model.parameters(2)["coupling_window"], 4.0);
}

TEST_F(ValuesFile, AModelParameterDefaultsToTheValuesAFileWasSimulatedWith) {
  // A kascade output's /networks/parameters/<name>: what that run used (a tune: the tuned values).
  const RunConfig c = read(deck_text("theta = { file = \"values.h5\" }"));
  EXPECT_EQ(c.model.parameters(0)["theta"], 1.5);
  EXPECT_EQ(c.model.parameters(2)["theta"], 3.5);
  // A stimulus parameter: /stimuli/<name>/<parameter>.
  const RunConfig s =
      read(deck_text("", "[[stimulus]]\nname = \"probe\"\nstrength = { file = \"values.h5\" }\n"));
  ASSERT_EQ(s.stimuli.size(), 1u);
  EXPECT_EQ(s.stimuli[0].values.at("strength"), (std::vector<double>{0.5, 1.5, 2.5}));
  // Where there is no default, the dataset is required.
  EXPECT_EQ(error(deck_text("", "[tune]\ntarget_rate = { file = \"values.h5\" }\n")),
            deck() + ": key 'tune.target_rate.dataset' is required");
  const RunConfig t =
      read(deck_text("", "[tune]\ntarget_rate = { file = \"values.h5\", dataset = \"rates\" }\n"));
  EXPECT_EQ(t.tune->target_hz, (std::vector<double>{5.0, 10.0, 20.0}));
}

// dt is one value for all networks: a file's equal values (a kascade output's) are that value.
TEST_F(ValuesFile, SharedParametersTakeAFilesEqualValues) {
  const RunConfig c = read(deck_text("dt = { file = \"values.h5\" }"));
  EXPECT_EQ(c.model.values.at("dt"), std::vector<double>{0.5});
  EXPECT_EQ(error(deck_text("dt = { file = \"values.h5\", dataset = \"uneven_dt\" }")),
            deck() + ": key 'model.dt' must be one value for all networks; model.dt from " +
                "/uneven_dt in " + values());
}

TEST_F(ValuesFile, OverridesTakeTheTableToo) {
  const RunConfig c =
      read(deck_text("theta = 5.0"), {"model.theta={file=\"values.h5\",dataset=\"tuning/theta\"}"});
  EXPECT_EQ(c.model.parameters(1)["theta"], 5.25);
}

TEST_F(ValuesFile, TheDeckTextRecordsTheValuesSoThatOtherValuesAreAnotherDeck) {
  const std::string text =
      deck_text("theta = { file = \"values.h5\", dataset = \"tuning/theta\" }");
  const RunConfig before = read(text);
  // The file as the deck names it: the same deck read through another path is the same deck.
  EXPECT_NE(
      before.deck_text.find("\n# model.theta = 3 values of /tuning/theta in values.h5, fnv1a "),
      std::string::npos)
      << before.deck_text;
  EXPECT_EQ(read_deck(dir_.path().string() + "/./deck.toml").deck_text, before.deck_text);
  {
    test::H5Writer w(values());  // the same names, one value changed
    w.dataset<double>("/tuning/theta", H5T_IEEE_F64LE, {4.5, 5.25, 6.5});
  }
  const RunConfig after = read(text);
  EXPECT_EQ(after.model.parameters(2)["theta"], 6.5);
  EXPECT_NE(after.deck_text, before.deck_text);  // a checkpoint of the one is refused by the other
}

TEST_F(ValuesFile, EveryFailureIsOneLineNamingTheKeyAndTheFile) {
  const std::string key = deck() + ": key 'model.theta'";
  const auto theta = [&](const std::string& spec) { return error(deck_text("theta = " + spec)); };
  EXPECT_EQ(theta("{ file = \"missing.h5\" }"),
            key + ": " + dir_.file("missing.h5") + ": no such file or not readable");
  EXPECT_EQ(theta("{ file = \"not_hdf5.h5\" }"),
            key + ": " + dir_.file("not_hdf5.h5") + ": not an HDF5 file");
  EXPECT_EQ(theta("{ file = \"folder.h5\" }"),
            key + ": " + dir_.file("folder.h5") + ": is a directory, not a file");
  EXPECT_EQ(
      theta("{ file = \"cut.h5\" }"),
      key + ": " + dir_.file("cut.h5") +
          ": an HDF5 file that HDF5 cannot open: is a program writing it? (or it is damaged)");
  EXPECT_EQ(theta("{ file = \"values.h5\", dataset = \"nothing\" }"),
            key + ": " + values() + ": missing dataset /nothing");
  EXPECT_EQ(theta("{ file = \"values.h5\", dataset = \"grid\" }"),
            key + ": " + values() + ": dataset /grid must be 1-D (it has 2 dimensions)");
  EXPECT_EQ(theta("{ file = \"values.h5\", dataset = \"short\" }"),
            key + ": " + values() +
                ": dataset /short holds 2 values, fewer than the 3 networks of the deck");
  // A value refused, here or by the checks after, names its network and where it came from.
  EXPECT_EQ(theta("{ file = \"values.h5\", dataset = \"not_finite\" }"),
            key + " must be finite (network 1); model.theta from /not_finite in " + values());
  EXPECT_EQ(
      error(deck_text("coupling_window = { file = \"values.h5\", dataset = \"fractional\" }")),
      deck() + ": key 'model.coupling_window' takes whole numbers, not 2.5 (network 1); " +
          "model.coupling_window from /fractional in " + values());
  EXPECT_EQ(error(deck_text("",
                            "[[stimulus]]\nperiod = { file = \"values.h5\", dataset = "
                            "\"negative\" }\n")),
            deck() + ": stimulus[0].period must be > 0 (steps) (network 1); stimulus[0].period " +
                "from " + "/negative in " + values());
  EXPECT_EQ(error("[networks]\ncount = 3\nneurons = { file = \"values.h5\", dataset = "
                  "\"negative\" }\n"),
            deck() + ": key 'networks.neurons' must be in [1, 1073741824] (network 1); " +
                "networks.neurons from /negative in " + values());
  EXPECT_EQ(theta("{ file = \"values.h5\", dataset = \"a\\u0000b\" }"),
            deck() + ": key 'model.theta.dataset' holds a NUL character");
  EXPECT_EQ(theta("{ dataset = \"tuning/theta\" }"),
            deck() + ": key 'model.theta.file' is required");
  EXPECT_EQ(theta("{ file = \"values.h5\", datset = \"tuning/theta\" }"),
            deck() + ": unknown key 'model.theta.datset' (did you mean 'model.theta.dataset'?)");
  EXPECT_EQ(theta("{ file = 3 }"), deck() + ": key 'model.theta.file' must be a string");
  EXPECT_EQ(theta("\"tuned\""),
            deck() +
                ": key 'model.theta' must be a number, an array of one number per network or "
                "{ file, dataset }");
}

}  // namespace
}  // namespace kascade
