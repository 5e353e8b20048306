// On host backends run() executes each stretch of steps (the equilibration, every recorded chunk)
// in one launch (engine/detail/step_stretch.hpp); with a step observer it launches per step; the
// device backends' launch per stretch with a team per network (network_teams.hpp) runs here when
// settings ask for it. All three give bitwise the same spikes, counts and state, for a coupled
// batch of small networks and for one larger network with event and dense propagation, for Poisson
// counts, a synaptic-trace model and a stimulus, and across a run extended by steps that cut a
// block of Bernoulli draws. (Run with 1 and 2 OpenMP threads: the one-launch path splits every step
// between the threads of a team; CTest's `threads2` entry does so in OpenMP builds.)
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "engine_test_support.hpp"
#include "kascade/engine/detail/step_stretch.hpp"
#include "kascade/engine/detail/stretch_layout.hpp"
#include "kascade/model/bernoulli_glm.hpp"
#include "kascade/model/presets.hpp"
#include "kascade/network/normal_generator.hpp"
#include "kascade/stimulus/batch_stimuli.hpp"
#include "stimulus/stimulus_test_support.hpp"

namespace kascade {
namespace {

using test::Exec;
using test::Mem;

std::vector<Network> make_networks(int count, ordinal_t n, double sparsity) {
  return test::normal_networks(count, n, sparsity, 919, 40);
}

struct Outcome {
  std::vector<test::CountTrace> traces;
  std::vector<std::uint64_t> clipped, non_finite;
  EngineState state;
  std::size_t observed = 0;  // steps the observer saw
};

struct Case {
  std::vector<Network> nets;
  CascadeModel model;
  EngineSettings settings;
  bool stimulus = false;
};

enum class Path { one_launch, per_step, network_teams };

// Without an observer, device backends step networks of at most network_team_neurons in
// network teams, larger ones per step, whatever network_teams_on_host says. (So on devices the
// one-launch half of a case with networks above 256 neurons is per step like its reference;
// the network-teams half raises the limit and runs them in teams.)
StepLaunch expected_launch(const Path path, const Case& c, const EngineSettings& settings) {
  if (path == Path::per_step) return StepLaunch::per_step;
  if (detail::one_launch_stretches<Exec>)
    return path == Path::network_teams ? StepLaunch::network_teams : StepLaunch::one_stretch;
  ordinal_t largest = 0;
  for (const Network& net : c.nets) largest = std::max(largest, net.n_neurons);
  return largest <= settings.network_team_neurons ? StepLaunch::network_teams
                                                  : StepLaunch::per_step;
}

// run(), then 37 more recorded steps (a second run() that starts inside a block of Bernoulli
// draws): per step (with an observer that does nothing) or in one launch per stretch.
Outcome simulate(const Case& c, Path path) {
  const bool per_step = path == Path::per_step;
  EngineSettings settings = c.settings;
  settings.network_teams_on_host = path == Path::network_teams;
  if (path == Path::network_teams) settings.network_team_neurons = 1024;  // (devices) every case
  std::vector<const Network*> ptrs;
  std::vector<network_id_t> ids;
  std::vector<const CascadeModel*> models;
  for (std::size_t g = 0; g < c.nets.size(); ++g)
    ptrs.push_back(&c.nets[g]), ids.push_back(static_cast<network_id_t>(3 * g + 1)),
        models.push_back(&c.model);
  Engine<Exec> engine(make_batch<Mem>(ptrs, ids), make_batch_model<Mem>(models), settings);
  const step_t total = c.settings.recorded_steps + 37;
  if (c.stimulus) {
    const auto spec = test::on_random(
        test::stimulus(StimulusKind::regular,
                       {{"strength", {6}}, {"period", {30}}, {"width", {7}}, {"start", {5}}}),
        Targeting::count, {5});
    std::vector<RealisedStimulus> r;
    for (std::size_t g = 0; g < c.nets.size(); ++g)
      r.push_back(realise(spec, 0, 99, ids[g], c.nets[g].n_neurons, total));
    engine.set_stimuli(
        make_batch_stimuli<Mem>({StimulusKind::regular}, {r}, engine.batch().neuron_offset));
  }
  Outcome out;
  if (per_step) engine.observe_steps([&out](const auto&) { ++out.observed; });
  engine.initialize_random();
  test::CountingRecorder recorder;
  engine.run(recorder);
  engine.extend(37);
  engine.run(recorder);
  EXPECT_EQ(engine.current_step(), c.settings.equilibration_steps + total);
  EXPECT_EQ(engine.last_launch(), expected_launch(path, c, settings));
  out.traces = recorder.traces;
  out.clipped = engine.clipped_counts();
  out.non_finite = engine.non_finite_counts();
  out.state = engine.snapshot();
  return out;
}

void expect_same(const Case& c, const Path path) {
  SCOPED_TRACE(path == Path::network_teams ? "network teams" : "one launch");
  const Outcome one = simulate(c, path), stepwise = simulate(c, Path::per_step);
  EXPECT_EQ(one.observed, 0u);
  EXPECT_EQ(stepwise.observed, static_cast<std::size_t>(c.settings.equilibration_steps +
                                                        c.settings.recorded_steps + 37))
      << "the observer sees every step";
  ASSERT_EQ(one.traces.size(), c.nets.size());
  ASSERT_EQ(stepwise.traces.size(), c.nets.size());
  std::size_t spikes = 0;
  for (std::size_t g = 0; g < c.nets.size(); ++g) {
    EXPECT_EQ(one.traces[g].steps, stepwise.traces[g].steps) << "network " << g;
    EXPECT_EQ(one.traces[g].neurons, stepwise.traces[g].neurons) << "network " << g;
    EXPECT_EQ(one.traces[g].counts, stepwise.traces[g].counts) << "network " << g;
    spikes += one.traces[g].size();
  }
  EXPECT_GT(spikes, 0u) << "a silent run proves nothing";
  EXPECT_EQ(one.clipped, stepwise.clipped);
  EXPECT_EQ(one.non_finite, stepwise.non_finite);
  EXPECT_EQ(one.state.step, stepwise.state.step);
  EXPECT_EQ(one.state.trace_pending, stepwise.state.trace_pending);
  EXPECT_EQ(one.state.dense, stepwise.state.dense);
  EXPECT_EQ(one.state.spikes, stepwise.state.spikes);  // bitwise: float == float
  EXPECT_EQ(one.state.drive, stepwise.state.drive);
  EXPECT_EQ(one.state.trace, stepwise.state.trace);
}

void expect_same(const Case& c) {
  expect_same(c, Path::one_launch);
  expect_same(c, Path::network_teams);
}

CascadeModel lively_glm(double theta) {
  BernoulliGLMParams p;
  p.theta = theta;
  return bernoulli_glm(p);
}

TEST(OneLaunch, CoupledBernoulliBatchMatchesPerStepLaunches) {
  // 23 equilibration steps and chunks of 50: stretches that start and end inside a block of draws.
  Case c{make_networks(12, 30, 0.5), lively_glm(4.0), EngineSettings{5, 23, 301, 50}};
  expect_same(c);
}

// With two threads: units of whole networks, stepped without barriers, taken from each other.
TEST(OneLaunch, EvenBatchMatchesPerStepLaunches) {
  Case c{make_networks(40, 20, 0.5), lively_glm(3.0), EngineSettings{6, 30, 250, 70}};
  for (const auto prop : {Propagation::event, Propagation::dense}) {
    c.settings.propagation = prop;
    expect_same(c);
  }
}

TEST(OneLaunch, MixedNetworkSizesMatchPerStepLaunches) {
  NormalGeneratorParams p;
  p.std = 5.0;
  p.glorot = true;
  p.sparsity = 0.8;
  Case c{{}, lively_glm(3.5), EngineSettings{9, 19, 180, 41}};
  c.settings.min_neurons_per_thread = 64;  // threads share networks: parts cut through some
  for (const ordinal_t n : {150, 20, 7, 64, 300, 33, 90, 129}) {
    p.n_neurons = n;
    c.nets.push_back(generate_normal(p, 5, static_cast<network_id_t>(n)));
  }
  for (const auto prop : {Propagation::event, Propagation::dense}) {
    c.settings.propagation = prop;
    expect_same(c);
  }
}

TEST(OneLaunch, ThreadsGetWholeNetworksWhenEven) {
  // Groups of 100 neurons (five 20-neuron networks each), 2000 neurons.
  std::vector<ordinal_t> first, starts;
  for (ordinal_t i = 0; i <= 2000; i += 100) first.push_back(i);
  for (ordinal_t i = 0; i <= 2000; i += 20) starts.push_back(i);
  std::vector<ordinal_t> part;
  EXPECT_EQ(detail::network_parts(first, starts, 2, part), 1000);
  EXPECT_EQ(part, (std::vector<ordinal_t>{0, 10, 20}));
  EXPECT_EQ(detail::network_parts(first, starts, 3, part), 700);  // cuts at 700 and 1300
  EXPECT_EQ(part, (std::vector<ordinal_t>{0, 7, 13, 20}));
  // One network of 2000: no cut but at its ends.
  EXPECT_EQ(detail::network_parts(first, {0, 2000}, 2, part), 2000);
  EXPECT_EQ(part.front(), 0);
  EXPECT_EQ(part.back(), 20);
  EXPECT_EQ(detail::network_parts(first, {0, 2000}, 1, part), 2000);
  EXPECT_EQ(part, (std::vector<ordinal_t>{0, 20}));
}

TEST(OneLaunch, UnitsHoldWholeNetworksAndRunsShareThemOut) {
  // Groups of 100 neurons (five 20-neuron networks each), 2000 neurons, and one network of 2000.
  std::vector<ordinal_t> first, starts;
  for (ordinal_t i = 0; i <= 2000; i += 100) first.push_back(i);
  for (ordinal_t i = 0; i <= 2000; i += 20) starts.push_back(i);
  const std::vector<ordinal_t> units = detail::network_units(first, starts, 250);
  ASSERT_EQ(units.size(), 8u);  // 300 neurons each (groups cut only between networks), then 200
  EXPECT_EQ(units.front(), 0);
  for (std::size_t u = 0; u + 1 < units.size(); ++u)
    EXPECT_EQ(first[units[u + 1]] - first[units[u]], u + 2 < units.size() ? 300 : 200);
  EXPECT_EQ(detail::unit_runs(units, first, 2), (std::vector<int>{0, 3, 7}));  // 900 | 1100
  EXPECT_EQ(detail::unit_runs(units, first, 1), (std::vector<int>{0, 7}));
  EXPECT_EQ(detail::network_units(first, {0, 2000}, 250), (std::vector<ordinal_t>{0, 20}));
  EXPECT_EQ(detail::network_units({0}, {0}, 250), (std::vector<ordinal_t>{0}));  // no neurons
  EXPECT_EQ(detail::stretch_unit_neurons(2000, 1), 4096);
  EXPECT_EQ(detail::stretch_unit_neurons(2000, 2), 64);
  EXPECT_EQ(detail::stretch_unit_neurons(100000, 2), 3125);
  EXPECT_EQ(detail::stretch_unit_neurons(1000000, 2), 4096);
}

TEST(OneLaunch, ThreadSharesBeginGroupsUnitsAndRuns) {
  // Case B: 100 networks of 20 neurons in one-network segments, groups of up to 128 neurons.
  std::vector<ordinal_t> starts;
  for (ordinal_t i = 0; i <= 2000; i += 20) starts.push_back(i);
  EXPECT_EQ(detail::share_cuts(starts, 1), std::vector<ordinal_t>{});
  EXPECT_EQ(detail::share_cuts(starts, 2), std::vector<ordinal_t>{1000});
  EXPECT_EQ(detail::share_cuts(starts, 3), (std::vector<ordinal_t>{660, 1340}));  // nearest
  // Threads that share networks begin at their push blocks, whole lines of 16 rows, and a
  // segment begins there too.
  EXPECT_EQ(detail::share_cuts({0, 5000}, 2), std::vector<ordinal_t>{2512});  // case C
  EXPECT_EQ(detail::share_cuts({0, 1990, 2000}, 4), (std::vector<ordinal_t>{512, 1024, 1536}));
  const std::vector<ordinal_t> segments = detail::block_starts({0, 700, 1400}, 128, {1056});
  EXPECT_EQ(segments, (std::vector<ordinal_t>{0, 128, 256, 384, 512, 640, 700, 828, 956, 1056, 1184,
                                              1312, 1400}));
  // Each share's per-segment words a spacing apart: the segments from the cut 1056 on are
  // moved up by it, the others keep their numbers; then the number of slots.
  EXPECT_EQ(detail::segment_slots(segments, {1056}, 100),
            (std::vector<ordinal_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 109, 110, 111, 112}));
  EXPECT_EQ(detail::segment_slots(segments),
            (std::vector<ordinal_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  EXPECT_EQ(detail::segment_slots({0, 128, 256}, {128, 256}, 10),
            (std::vector<ordinal_t>{0, 11, 12}));  // (a cut at the end moves nothing)
  // Where every segment is its own slot nothing is held (no load per use); else each its own.
  using Host = Kokkos::HostSpace;
  const auto same = detail::make_segment_slots<Host>(detail::segment_slots(segments));
  EXPECT_EQ(same.slot.extent(0), 0u);
  EXPECT_EQ(same(7), 7);
  const auto apart = detail::make_segment_slots<Host>(detail::segment_slots(segments, {1056}, 100));
  ASSERT_EQ(apart.slot.extent(0), segments.size() - 1);
  EXPECT_EQ(apart(8), 8);
  EXPECT_EQ(apart(9), 109);
  const std::vector<ordinal_t> cuts{1000};
  const std::vector<ordinal_t> groups = detail::group_starts(starts, 128, cuts);
  std::vector<ordinal_t> first;
  for (const ordinal_t q : groups) first.push_back(starts[q]);
  // Six networks a group, and a group begins at 1000: 8 x 120, 40, 8 x 120, 40.
  ASSERT_EQ(first.size(), 19u);
  EXPECT_EQ(first[8], 960);
  EXPECT_EQ(first[9], 1000);
  EXPECT_EQ(first[17], 1960);
  EXPECT_EQ(detail::group_starts(starts, 128).size(), 18u);  // without: 16 x 120, 80
  // Shared steps: each thread's groups begin at its cut; without cuts, or with one that begins
  // no group, at even counts.
  const std::vector<ordinal_t> four{0, 100, 200, 300, 1000};  // four groups
  EXPECT_EQ(detail::thread_groups(four, 2, {300}), (std::vector<ordinal_t>{0, 3, 4}));
  EXPECT_EQ(detail::thread_groups(four, 2, {}), (std::vector<ordinal_t>{0, 2, 4}));
  EXPECT_EQ(detail::thread_groups(four, 2, {250}), (std::vector<ordinal_t>{0, 2, 4}));
  // Units of at least 64 neurons end at the cut: thread 1's run begins there (1000 : 1000).
  const std::vector<ordinal_t> units = detail::network_units(first, starts, 64, cuts);
  const std::vector<int> runs = detail::unit_runs(units, first, 2, cuts);
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(first[units[runs[1]]], 1000);
  EXPECT_EQ(runs[2] + 1, static_cast<int>(units.size()));
  // Without the cut the 40-neuron group joins the next unit, and the runs split 960 : 1040.
  const std::vector<ordinal_t> plain = detail::network_units(first, starts, 64);
  EXPECT_EQ(first[plain[detail::unit_runs(plain, first, 2)[1]]], 960);
}

TEST(OneLaunch, EveryUnitIsTakenOnce) {
  detail::UnitRange range;
  range.set(3, 8);
  std::vector<int> taken;
  for (bool front = true;; front = !front) {  // the owner and a thief in turn
    const int u = range.take(front);
    if (u < 0) break;
    taken.push_back(u);
  }
  EXPECT_EQ(taken, (std::vector<int>{3, 7, 4, 6, 5}));
  EXPECT_EQ(range.take(true), -1);
  EXPECT_EQ(range.take(false), -1);
}

TEST(OneLaunch, EveryUnitIsTakenOnceByConcurrentThreads) {
  constexpr int units = 200000, threads = 4;
  detail::UnitRange range;
  range.set(0, units);
  std::vector<std::vector<int>> taken(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)  // one owner at the front, thieves at the back
    pool.emplace_back([&, t] {
      for (int u; (u = range.take(t == 0)) >= 0;) taken[static_cast<std::size_t>(t)].push_back(u);
    });
  for (auto& thread : pool) thread.join();
  std::vector<int> all;
  for (const auto& t : taken) all.insert(all.end(), t.begin(), t.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(units));
  for (int u = 0; u < units; ++u) ASSERT_EQ(all[static_cast<std::size_t>(u)], u);
}

TEST(OneLaunch, LargerNetworkMatchesPerStepLaunchesForEveryPropagation) {
  for (const auto p : {Propagation::event, Propagation::dense, Propagation::automatic}) {
    Case c{make_networks(1, 400, 0.9), lively_glm(3.0), EngineSettings{8, 21, 203, 64}};
    c.settings.propagation = p;
    c.settings.min_neurons_per_thread = 64;  // every thread at the barriers, however few neurons
    SCOPED_TRACE(static_cast<int>(p));
    expect_same(c);
  }
}

TEST(OneLaunch, StimulatedBatchMatchesPerStepLaunches) {
  Case c{make_networks(4, 50, 0.7), lively_glm(5.0), EngineSettings{11, 15, 150, 40}};
  c.stimulus = true;
  expect_same(c);
}

TEST(OneLaunch, PoissonCountsMatchPerStepLaunches) {
  Case c{make_networks(3, 60, 0.8), build_poisson_glm(preset_defaults(find_preset("poisson_glm"))),
         EngineSettings{13, 10, 120, 33}};
  expect_same(c);
  c.settings.min_neurons_per_thread = 32;  // threads share the batch: counts cross between them
  expect_same(c);
}

TEST(OneLaunch, SynapticTraceModelMatchesPerStepLaunches) {
  Case c{make_networks(3, 80, 0.8),
         build_rectified_sam(preset_defaults(find_preset("rectified_sam"))),
         EngineSettings{17, 12, 140, 45}};
  expect_same(c);
}

}  // namespace
}  // namespace kascade
