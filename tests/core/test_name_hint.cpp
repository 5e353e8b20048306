// The "did you mean" of values outside a set of names: spellings and spikeometric's class names
// reach kascade's names, and nothing far off is suggested.
#include <gtest/gtest.h>

#include "kascade/core/name_hint.hpp"

namespace kascade {
namespace {

const std::vector<std::string> kPresets = {"bernoulli_glm", "poisson_glm",   "rectified_lnp",
                                           "threshold_sam", "rectified_sam", "custom"};
const std::vector<std::string> kGenerators = {
    "normal", "uniform", "erdos_renyi", "fixed_indegree", "mexican_hat", "npy", "hdf5", "sonata"};
const std::vector<std::string> kKinds = {"regular", "poisson", "sinusoid", "constant", "loaded"};

TEST(NameHint, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("bernouli", "bernoulli"), 1u);
}

TEST(NameHint, SpellingsAndClassNames) {
  EXPECT_EQ(likely_name("bernouli_glm", kPresets), "bernoulli_glm");
  EXPECT_EQ(likely_name("BernoulliGLM", kPresets), "bernoulli_glm");
  EXPECT_EQ(likely_name("Rectified-SAM", kPresets), "rectified_sam");
  EXPECT_EQ(likely_name("RectLNP", kPresets), "rectified_lnp");
  EXPECT_EQ(likely_name("FilRectLNP", kPresets), "rectified_lnp");
  EXPECT_EQ(likely_name("NormalGenerator", kGenerators), "normal");
  EXPECT_EQ(likely_name("MexicanHatGenerator", kGenerators), "mexican_hat");
  EXPECT_EQ(likely_name("ConnectivityDataset", kGenerators), "npy");
  EXPECT_EQ(likely_name("SinStimulus", kKinds), "sinusoid");
  EXPECT_EQ(likely_name("sin", kKinds), "sinusoid");
  EXPECT_EQ(likely_name("PoissonStimulus", kKinds), "poisson");
}

TEST(NameHint, NothingFarOffAndNoRenameOutsideTheSet) {
  EXPECT_EQ(likely_name("glm", kPresets), "");
  EXPECT_EQ(likely_name("small_world", kGenerators), "");
  EXPECT_EQ(likely_name("square", kKinds), "");
  EXPECT_EQ(likely_name("sin", kGenerators), "") << "sinusoid is not a generator";
  EXPECT_EQ(likely_name("", kKinds), "");
  // Short names: one edit at most ("on" is two from "none", its opposite; "no" two from "npy").
  EXPECT_EQ(likely_name("on", {"none", "sparse_gaussian"}), "");
  EXPECT_EQ(likely_name("no", kGenerators), "");
  EXPECT_EQ(likely_name("npz", kGenerators), "npy");
  EXPECT_EQ(likely_name("lst", {"all", "list", "fraction", "count"}), "list");
}

TEST(NameHint, TheMessage) {
  EXPECT_EQ(not_one_of("model.noise", {"none", "sparse_gaussian"}, "sparse-gaussian"),
            "key 'model.noise' must be one of none, sparse_gaussian (got \"sparse-gaussian\"; "
            "did you mean \"sparse_gaussian\"?)");
  EXPECT_EQ(not_one_of("model.noise", {"none", "sparse_gaussian"}, "white"),
            "key 'model.noise' must be one of none, sparse_gaussian (got \"white\")");
}

}  // namespace
}  // namespace kascade
