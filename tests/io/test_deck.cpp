// Deck parsing: defaults, every key read, one-line errors naming the key, overrides.
#include <gtest/gtest.h>

#include "kascade/core/error.hpp"
#include "kascade/io/deck.hpp"

namespace kascade {
namespace {

std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse_deck(text, "deck.toml", overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Deck, ReadsQuickstart) {
  const RunConfig c = read_deck(std::string(KASCADE_SOURCE_DIR) + "/inputs/quickstart.toml");
  EXPECT_EQ(c.seed, 20251125u);
  EXPECT_EQ(c.networks.count, 50);
  EXPECT_EQ(c.networks.neurons(0), 20);
  EXPECT_DOUBLE_EQ(c.networks.random_graph.b, 5.0);
  EXPECT_TRUE(c.networks.random_graph.glorot);
  EXPECT_EQ(c.model.preset, "bernoulli_glm");
  EXPECT_DOUBLE_EQ(c.model.parameters(0)["theta"], 5.0);
  EXPECT_EQ(c.simulation.steps, 10000);
  EXPECT_EQ(c.simulation.equilibration_steps, 100);
  EXPECT_NE(c.deck_text.find("[networks]"), std::string::npos);
}

TEST(Deck, UnknownKeyIsNamedWithASuggestion) {
  EXPECT_EQ(error_of("[networks]\nnuerons = 5\n"),
            "deck.toml: unknown key 'networks.nuerons' (did you mean 'networks.neurons'?)");
  EXPECT_EQ(error_of("sed = 1\n"), "deck.toml: unknown key 'sed' (did you mean 'seed'?)");
  EXPECT_EQ(error_of("[modle]\n"), "deck.toml: unknown key 'modle' (did you mean 'model'?)");
  // spikeometric's names point to kascade's (model.rng is not model.r, one letter away).
  EXPECT_EQ(error_of("[model]\nrng = 5\n"),
            "deck.toml: unknown key 'model.rng' (spikeometric's name; kascade's is the top-level "
            "'seed')");
  EXPECT_EQ(error_of("[[stimulus]]\nkind = \"regular\"\ntau = 3\n"),
            "deck.toml: unknown key 'stimulus[0].tau' (spikeometric's name; kascade's is 'width' "
            "(steps))");
  EXPECT_EQ(error_of("[model]\nequilibration_steps = 5\n"),
            "deck.toml: unknown key 'model.equilibration_steps' (spikeometric's name; kascade's "
            "is 'simulation.equilibration_steps')");
  EXPECT_EQ(error_of("[simulation]\nstore_as_dtype = \"int32\"\n"),
            "deck.toml: unknown key 'simulation.store_as_dtype' (spikeometric's name; kascade "
            "has none: spikes are stored as events, Poisson counts as uint16)");
  EXPECT_EQ(error_of("[networks.normal]\nn_neurons = 50\n"),
            "deck.toml: unknown key 'networks.normal.n_neurons' (spikeometric's name; kascade's "
            "is 'networks.neurons')");
  EXPECT_EQ(error_of("[[stimulus]]\nkind = \"loaded\"\npath = \"s.pt\"\n"),
            "deck.toml: key 'stimulus[0].file' is required for a loaded stimulus (unknown key "
            "'stimulus[0].path' (spikeometric's name; kascade's is 'file', with the array's "
            "'dataset' in it))");
  // Another source's table, and sizes of networks that a file gives, say what they are.
  EXPECT_EQ(error_of("[networks.uniform]\nlow = 0.0\n"),
            "deck.toml: unknown key 'networks.uniform' (the table of networks.generator = "
            "\"uniform\"; this deck's generator is \"normal\")");
  EXPECT_EQ(error_of("[networks]\ngenerator = \"hdf5\"\nneurons = 20\n[networks.hdf5]\n"
                     "file = \"n.h5\"\n"),
            "deck.toml: unknown key 'networks.neurons' (networks from a file have the sizes the "
            "file gives)");
}

TEST(Deck, WrongTypesAndImpossibleValuesNameTheKey) {
  EXPECT_EQ(error_of("[networks]\ncount = \"ten\"\n"),
            "deck.toml: key 'networks.count' must be an integer");
  EXPECT_EQ(error_of("[model]\ntheta = \"high\"\n"),
            "deck.toml: key 'model.theta' must be a number, an array of one number per network or "
            "{ file, dataset }");
  EXPECT_EQ(error_of("[networks]\ncount = 0\n"),
            "deck.toml: key 'networks.count' must be in [1, 4294967295], got 0");
  EXPECT_EQ(error_of("[model]\ndt = -1.0\n"), "deck.toml: model.dt must be > 0");
  EXPECT_EQ(error_of("[model]\ntheta = nan\n"), "deck.toml: key 'model.theta' must be finite");
  EXPECT_EQ(error_of("[networks.normal]\nsparsity = 1.5\n"),
            "deck.toml: networks.normal.sparsity must be in [0, 1]");
  EXPECT_EQ(
      error_of("[model]\npreset = \"lif\"\n"),
      "deck.toml: key 'model.preset' must be one of bernoulli_glm, poisson_glm, rectified_lnp, "
      "threshold_sam, rectified_sam, custom (got \"lif\")");
  EXPECT_EQ(error_of("[model]\ncoupling_window = 4294967301\n"),
            "deck.toml: model.coupling_window must be a whole number of steps in [1, 1000000]");
  EXPECT_EQ(error_of("[model]\ntheta = 1e300\n"),
            "deck.toml: key 'model.theta' is outside the float32 range");
  // A custom exponential coupling is a trace where it decays and a kernel where it does not:
  // one form for every network.
  const std::string custom = "[networks]\ncount = 2\n[model]\npreset = \"custom\"\n";
  EXPECT_EQ(error_of(custom + "coupling_decay = [0.2, -0.1]\n"),
            "deck.toml: key 'model.coupling_decay' must be > 0 for every network or for none (a "
            "kernel that decays is kept as a trace, one that does not is summed lag by lag, and "
            "the networks of a run share one form)");
  EXPECT_NO_THROW(parse_deck(custom + "coupling_decay = [0.0, -0.1]\n", "deck.toml"));
  EXPECT_NO_THROW(parse_deck(custom + "coupling_decay = [0.3, 0.1]\n", "deck.toml"));
}

TEST(Deck, SyntaxErrorIsOneLineWithItsLine) {
  const std::string e = error_of("seed = 1\n[networks\ncount = 2\n");
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  EXPECT_EQ(e.rfind("deck.toml: syntax error: ", 0), 0u) << e;
  EXPECT_NE(e.find("(line 2)"), std::string::npos) << e;
}

// A resume needs the same identity: the deck's values, not its text, and not checkpoint_every.
TEST(Deck, IdentityIsTheValuesWithoutCheckpointEvery) {
  const std::string deck =
      "seed = 3\n[networks]\ncount = 2\n[model]\ntheta = 5.0\n"
      "[simulation]\nsteps = 10\ncheckpoint_every = 60\n"
      "[[stimulus]]\nkind = \"regular\"\nstrength = [1.0, 2.0]\n";
  const std::string identity = parse_deck(deck, "deck.toml").identity;
  const auto same = [&](const std::string& text, const std::vector<std::string>& set = {}) {
    return parse_deck(text, "deck.toml", set).identity == identity;
  };
  EXPECT_TRUE(same(deck));
  // Comments, layout, key order, dotted keys, checkpoint_every (in the deck or from --set).
  EXPECT_TRUE(
      same("# a comment\nseed=3 # three\n[simulation]\ncheckpoint_every = -1\n"
           "steps = 10\n[model]\ntheta = 5.0\n[networks]\ncount = 2\n"
           "[[stimulus]]\nstrength = [ 1.0,\n  2.0 ]\nkind = 'regular'\n"));
  EXPECT_TRUE(same(deck, {"simulation.checkpoint_every=0"}));
  EXPECT_TRUE(
      same("seed = 3\nnetworks.count = 2\nmodel.theta = 5.0\nsimulation.steps = 10\n"
           "[[stimulus]]\nkind = \"regular\"\nstrength = [1.0, 2.0]\n"));
  // Any value that computes differently, in the deck or from --set.
  for (const char* other :
       {"model.theta=5.000000000000001", "seed=4", "simulation.steps=11",
        "stimulus.0.strength=[2.0, 1.0]", "simulation.record_interval=5",
        "stimulus.0.period=[7, 7]", "model.theta=5" /* (an integer: kept as given) */})
    EXPECT_FALSE(same(deck, {other})) << other;
}

TEST(Deck, SpikeSeedIsOptionalAndNonNegative) {
  EXPECT_EQ(parse_deck("seed = 3\n", "deck.toml").simulation.spike_seed, -1);
  EXPECT_EQ(parse_deck("[simulation]\nspike_seed = 9\n", "deck.toml").simulation.spike_seed, 9);
  EXPECT_EQ(error_of("[simulation]\nspike_seed = -2\n"),
            "deck.toml: key 'simulation.spike_seed' must be >= 0 (or -1: the seed)");
  EXPECT_NE(error_of("[simulation]\nspike_seed = 1.5\n").find("simulation.spike_seed"),
            std::string::npos);
}

TEST(Deck, OverridesReplaceAndAreRecorded) {
  const RunConfig c = parse_deck("[simulation]\nsteps = 10\n", "deck.toml",
                                 {"simulation.steps=25", "networks.normal.std=2", "seed=9"});
  EXPECT_EQ(c.simulation.steps, 25);
  EXPECT_DOUBLE_EQ(c.networks.random_graph.b, 2.0);
  EXPECT_EQ(c.seed, 9u);
  EXPECT_NE(c.deck_text.find("# --set simulation.steps=25"), std::string::npos);
  // An unknown key from --set is blamed on the --set, not on the deck.
  EXPECT_EQ(error_of("", {"simulation.stesp=3"}),
            "--set 'simulation.stesp=3': unknown key 'simulation.stesp' (did you mean "
            "'simulation.steps'?)");
  // ... also where the unknown key lies inside it, or it inside the unknown key.
  EXPECT_EQ(error_of("", {"simulation.stepz.x=3"}),
            "--set 'simulation.stepz.x=3': unknown key 'simulation.stepz' (did you mean "
            "'simulation.steps'?)");
  EXPECT_EQ(error_of("", {"simulation={steps=2, stepz=3}"}),
            "--set 'simulation={steps=2, stepz=3}': unknown key 'simulation.stepz' (did you "
            "mean 'simulation.steps'?)");
  // So is a value refused that came from --set (it had named the deck, which may hold another).
  EXPECT_EQ(error_of("[simulation]\nsteps = 10\n", {"simulation.steps=-5"}),
            "--set 'simulation.steps=-5': key 'simulation.steps' must be in [1, 1099511627776], "
            "got -5");
  EXPECT_EQ(error_of("", {"simulation.batch_size=1.5"}),
            "--set 'simulation.batch_size=1.5': key 'simulation.batch_size' must be an integer");
  EXPECT_EQ(error_of("[simulation]\nsteps = -5\n", {"seed=2"}),
            "deck.toml: key 'simulation.steps' must be in [1, 1099511627776], got -5");
  EXPECT_EQ(error_of("", {"novalue"}), "--set 'novalue': expected key=value");
  EXPECT_EQ(error_of("", {" =3"}), "--set ' =3': expected key=value");
  // A newline would let one --set smuggle a second assignment into the recorded deck.
  EXPECT_EQ(error_of("", {"simulation.steps=20\nseed=5"}),
            "--set 'simulation.steps=20\nseed=5': a key=value on one line, without control "
            "characters");
}

// A [[stimulus]] table is picked by its index or its name (without one: stimulus_<index>).
TEST(Deck, OverridesReachStimuliByIndexOrName) {
  const std::string deck =
      "[[stimulus]]\nname = \"probe\"\nstrength = 1.0\n[[stimulus]]\nstrength = 2.0\n";
  const RunConfig c = parse_deck(
      deck, "deck.toml",
      {"stimulus.probe.strength=3.5", "stimulus.1.period=7", "stimulus.stimulus_1.strength=[4.0]"});
  ASSERT_EQ(c.stimuli.size(), 2u);
  EXPECT_EQ(c.stimuli[0].values.at("strength"), std::vector<double>{3.5});
  EXPECT_EQ(c.stimuli[1].values.at("period"), std::vector<double>{7.0});
  EXPECT_EQ(c.stimuli[1].values.at("strength"), std::vector<double>{4.0});
  // (override, what follows "--set '<override>': ")
  const std::pair<const char*, const char*> refused[] = {
      {"stimulus.2.strength=1",
       "the deck has no [[stimulus]] at position 2 (it has 0: probe, 1: stimulus_1)"},
      {"stimulus.pobre.strength=1",
       "the deck has no [[stimulus]] named pobre (it has 0: probe, 1: stimulus_1)"},
      {"stimulus.0.strenght=1",
       "unknown key 'stimulus[0].strenght' (did you mean 'stimulus[0].strength'?)"},
      {"stimulus.0=1",
       "'stimulus' is an array of tables: set a key of one, e.g. stimulus.0.<key> or "
       "stimulus.<its name>.<key>, or the whole array"}};
  for (const auto& [assignment, message] : refused)
    EXPECT_EQ(error_of(deck, {assignment}), std::string("--set '") + assignment + "': " + message);
  // Digits are a position, whatever the names; a deck without stimuli gets none made up.
  const RunConfig numbered = parse_deck("[[stimulus]]\nname = \"1\"\n[[stimulus]]\n", "deck.toml",
                                        {"stimulus.1.strength=9"});
  EXPECT_EQ(numbered.stimuli[0].values.at("strength"), std::vector<double>{1.0});
  EXPECT_EQ(numbered.stimuli[1].values.at("strength"), std::vector<double>{9.0});
  const RunConfig padded = parse_deck(deck, "deck.toml", {"stimulus.01.strength=8"});
  EXPECT_EQ(padded.stimuli[1].values.at("strength"), std::vector<double>{8.0});
  EXPECT_EQ(error_of("", {"stimulus.probe.strength=1"}),
            "--set 'stimulus.probe.strength=1': the deck has no [[stimulus]] named probe (it has "
            "none)");
  // A name with dots is reached with or without quotes (the longest name that leaves a key).
  const std::string dotted = "[[stimulus]]\nname = \"p\"\n[[stimulus]]\nname = \"p.x\"\n";
  for (const char* set : {"stimulus.p.x.strength=6", "stimulus.\"p.x\".strength=6"}) {
    const RunConfig d = parse_deck(dotted, "deck.toml", {set});
    EXPECT_EQ(d.stimuli[0].values.at("strength"), std::vector<double>{1.0}) << set;
    EXPECT_EQ(d.stimuli[1].values.at("strength"), std::vector<double>{6.0}) << set;
  }
  EXPECT_EQ(
      parse_deck(dotted, "deck.toml", {"stimulus.p.strength=5"}).stimuli[0].values.at("strength"),
      std::vector<double>{5.0});
  // Other arrays are not tables.
  EXPECT_EQ(error_of("[model]\ntheta = [1.0]\n", {"model.theta.0=5.0"}),
            "--set 'model.theta.0=5.0': 'model.theta' is not a table");
}

// --set takes a key as a deck line would write it: spaces around '=' and the dots, quoted parts.
TEST(Deck, OverrideKeysAreTomlKeys) {
  const RunConfig c = parse_deck("[simulation]\nsteps = 10\n", "deck.toml",
                                 {"simulation . steps = 25", "\"seed\"=9"});
  EXPECT_EQ(c.simulation.steps, 25);
  EXPECT_EQ(c.seed, 9u);
  EXPECT_EQ(error_of("[networks]\ncount = 2\n", {"networks.count.x=3"}),
            "--set 'networks.count.x=3': 'networks.count' is not a table");
}

// toml11 saturates integer literals beyond 64 bits: such a literal is an error, not 2^63 - 1.
TEST(Deck, IntegersBeyondSixtyFourBitsAreRefused) {
  EXPECT_EQ(error_of("seed = 18446744073709551615\n", {}),
            "deck.toml: integer out of range [-2^63, 2^63 - 1] (line 1)");
  EXPECT_EQ(error_of("", {"seed=9223372036854775808"}),
            "--set 'seed=9223372036854775808': integer out of range [-2^63, 2^63 - 1] (line 1)");
  EXPECT_EQ(error_of("[simulation]\nsteps = -9_223_372_036_854_775_809\n", {}),
            "deck.toml: integer out of range [-2^63, 2^63 - 1] (line 2)");
  const RunConfig c = parse_deck("seed = 9_223_372_036_854_775_807\n", "deck.toml", {});
  EXPECT_EQ(c.seed, 9223372036854775807u);  // the limit itself is a value
}

TEST(Deck, MissingFileIsNamed) {
  try {
    read_deck("/nonexistent/deck.toml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/deck.toml: cannot open the deck");
  }
}

}  // namespace
}  // namespace kascade

namespace kascade {
namespace {

TEST(Deck, FileSourcesResolvePathsAgainstTheDeckAndCheckTheCount) {
  const std::string deck = std::string(KASCADE_SOURCE_DIR) + "/inputs/networks/npy.toml";
  const RunConfig all = read_deck(deck);
  EXPECT_EQ(all.networks.count, 3u);              // every file of inputs/data/npy
  EXPECT_EQ(all.networks.make(2).n_neurons, 12);  // 10.npy comes after 2.npy
  const RunConfig two = read_deck(deck, {"networks.count=2"});
  EXPECT_EQ(two.networks.count, 2u);
  try {
    read_deck(deck, {"networks.count=5"});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("networks.count is 5 but"), std::string::npos) << e.what();
  }
  EXPECT_EQ(error_of("[networks]\ngenerator = \"hdf5\"\n"),
            "deck.toml: key 'networks.hdf5.file' is required");
}

// Tuning's epochs measure windows of tune.steps (default 100) of the run, unless a stimulus
// changes within the run: windows then differ in their drive, and the epochs measure the whole
// run by default; a tune.steps given is kept (tune_plan warns of it).
TEST(Deck, TuningEpochsMeasureTheWholeRunWhereAStimulusChangesWithinIt) {
  const auto tune_of = [](const std::string& stimulus, const std::string& tune = "") {
    return *parse_deck("[simulation]\nsteps = 6000\n" + stimulus + "[tune]\n" + tune, "deck.toml")
                .tune;
  };
  const TuneSettings plain = tune_of("");
  EXPECT_EQ(plain.steps, 100);
  EXPECT_TRUE(plain.changing_stimulus.empty());
  const TuneSettings steady = tune_of("[[stimulus]]\nkind = \"poisson\"\n");
  EXPECT_EQ(steady.steps, 100);
  EXPECT_TRUE(steady.changing_stimulus.empty());
  const std::string late = "[[stimulus]]\nname = \"late\"\nkind = \"constant\"\nstart = 4000\n";
  const TuneSettings whole = tune_of(late);
  EXPECT_EQ(whole.steps, 6000);
  EXPECT_EQ(whole.changing_stimulus, "late");
  EXPECT_FALSE(whole.steps_given);
  const TuneSettings adam = tune_of(late, "method = \"adam\"\n");  // (windows as minibatches)
  EXPECT_EQ(adam.steps, 100);
  EXPECT_EQ(adam.changing_stimulus, "late");
  EXPECT_TRUE(tune_of(late, "steps = 6000\n").changing_stimulus.empty());  // the whole run given
  const TuneSettings given = tune_of(late, "steps = 500\n");
  EXPECT_EQ(given.steps, 500);
  EXPECT_EQ(given.changing_stimulus, "late");
  EXPECT_TRUE(given.steps_given);
  // One network's stimulus (of two) begins inside the run.
  const TuneSettings one =
      tune_of("[networks]\ncount = 2\n[[stimulus]]\nkind = \"constant\"\nstart = [0, 10]\n");
  EXPECT_EQ(one.steps, 6000);
  EXPECT_EQ(one.changing_stimulus, "stimulus_0");
}

// Where the stimuli repeat through the run, the epochs measure whole repeats (the least common
// multiple of the periods): windows of 100 steps of a 70-step pulse train see 1 or 2 pulses, and
// the root finder did not converge in 100 epochs (8 networks, 10.1-11.1 Hz for 10 Hz); windows
// of 140 converged. A tune.steps given is kept (tune_plan warns of it).
TEST(Deck, TuningEpochsMeasureWholeRepeatsOfTheStimuli) {
  const auto tune_of = [](const std::string& stimuli, const std::string& tune = "") {
    return *parse_deck("[simulation]\nsteps = 6000\n" + stimuli + "[tune]\n" + tune, "deck.toml")
                .tune;
  };
  const auto regular = [](const std::string& name, const std::string& period) {
    return "[[stimulus]]\nname = \"" + name + "\"\nkind = \"regular\"\nperiod = " + period + "\n";
  };
  const TuneSettings seventy = tune_of(regular("pulses", "70"));
  EXPECT_EQ(seventy.steps, 140);
  EXPECT_EQ(seventy.stimulus_repeat, 70);
  EXPECT_EQ(seventy.repeating_stimulus, "pulses");
  EXPECT_TRUE(seventy.changing_stimulus.empty());
  EXPECT_EQ(tune_of(regular("pulses", "70"), "method = \"adam\"\n").steps, 100);  // minibatches
  EXPECT_EQ(tune_of(regular("pulses", "50")).steps, 100);
  EXPECT_EQ(tune_of(regular("slow", "1000")).steps, 1000);
  EXPECT_EQ(tune_of(regular("half", "33.5")).steps, 134);
  // Two stimuli: every window holds whole periods of both.
  const TuneSettings both = tune_of(regular("a", "70") + regular("b", "60"));
  EXPECT_EQ(both.stimulus_repeat, 420);
  EXPECT_EQ(both.steps, 420);
  EXPECT_EQ(both.repeating_stimulus, "b");
  // Periods whose least common multiple exceeds the run: the whole run, as a change within it.
  const TuneSettings apart = tune_of(regular("a", "2999") + regular("b", "2997"));
  EXPECT_EQ(apart.steps, 6000);
  EXPECT_EQ(apart.changing_stimulus, "b");
  // Per network: each network's period counts.
  EXPECT_EQ(tune_of("[networks]\ncount = 2\n" + regular("p", "[40, 30]")).steps, 120);
  const TuneSettings given = tune_of(regular("pulses", "70"), "steps = 100\n");
  EXPECT_EQ(given.steps, 100);
  EXPECT_EQ(given.stimulus_repeat, 70);
  EXPECT_TRUE(given.steps_given);
  EXPECT_EQ(tune_of(regular("pulses", "70"), "steps = 7000\n").stimulus_repeat, 1);  // whole run
  // A run shorter than the default window: epochs of the whole run, not longer.
  EXPECT_EQ(parse_deck("[simulation]\nsteps = 50\n[tune]\n", "deck.toml").tune->steps, 50);
}

}  // namespace
}  // namespace kascade
