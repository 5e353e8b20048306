// Stimulus values as the engine sees them: BatchStimuli::value and ::input evaluated inside a
// Kokkos kernel (so the check holds on a GPU build too) at hand-picked steps whose values are
// written out literally: before start, at start, the last step of a pulse, the first step after
// it, stop - 1 and stop, negative starts reaching into equilibration, per-network parameters,
// several stimuli summed on one neuron and zero for neurons no stimulus targets.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kascade/stimulus/batch_stimuli.hpp"
#include "stimulus_test_support.hpp"

namespace kascade {
namespace {

using test::on_lists;
using test::on_random;

using Mem = Kokkos::DefaultExecutionSpace::memory_space;
using K = StimulusKind;

struct Query {
  int k;        // stimulus, or -1: the summed input of batch neuron i
  int g;        // network in the batch
  ordinal_t i;  // batch neuron (k = -1 only)
  step_t t;     // recorded step
};

struct Evaluate {
  BatchStimuli<Mem> s;
  Kokkos::View<Query*, Mem> q;
  Kokkos::View<double*, Mem> out;
  KOKKOS_INLINE_FUNCTION void operator()(const int n) const {
    const Query& x = q(n);
    out(n) = x.k < 0 ? s.input(x.g, x.i, x.t) : s.value(x.k, x.g, static_cast<double>(x.t));
  }
};

std::vector<double> evaluate(const BatchStimuli<Mem>& s, const std::vector<Query>& queries) {
  Kokkos::View<Query*, Mem> q("queries", queries.size());
  auto qh = Kokkos::create_mirror_view(q);
  for (std::size_t n = 0; n < queries.size(); ++n) qh(n) = queries[n];
  Kokkos::deep_copy(q, qh);
  Kokkos::View<double*, Mem> out("values", queries.size());
  Kokkos::parallel_for(
      "evaluate_stimuli",
      Kokkos::RangePolicy<Kokkos::DefaultExecutionSpace>(0, static_cast<int>(queries.size())),
      Evaluate{s, q, out});
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), out);
  return std::vector<double>(h.data(), h.data() + h.extent(0));
}

constexpr int kNetworks = 2;
constexpr ordinal_t kNeurons = 5;  // neuron 4 of each network is targeted by nothing

// Six stimuli on a batch of two networks of five neurons (targets per network).
struct Fixture {
  std::vector<StimulusSpec> specs = {
      on_lists(test::stimulus(K::regular, {{"strength", {1.5, -2.0}},
                                           {"period", {10}},
                                           {"width", {3}},
                                           {"start", {5}},
                                           {"stop", {37}}}),
               {{0, 1}, {0}}),
      on_lists(
          test::stimulus(K::regular,
                         {{"strength", {1}}, {"period", {4}}, {"width", {2}}, {"start", {-6}}}),
          {{1}, {1, 2}}),
      on_lists(test::stimulus(K::poisson, {{"strength", {2}}, {"width", {3}}, {"start", {3}}}),
               {{2}, {2}}),  // onsets replaced by hand below
      on_lists(test::stimulus(K::sinusoid, {{"amplitude", {2}},
                                            {"period", {8}},
                                            {"phase", {0.5}},
                                            {"baseline", {0.25}},
                                            {"start", {3}},
                                            {"stop", {20}}}),
               {{0, 3}, {3}}),
      on_lists(
          test::stimulus(K::constant, {{"strength", {0.75, 3.0}}, {"start", {0}}, {"stop", {10}}}),
          {{0, 1, 2}, {0, 1, 2}}),
      on_lists(
          test::stimulus(
              K::poisson,
              {{"strength", {0.5}}, {"mean_interval", {9.5}}, {"width", {2}}, {"start", {-20}}}),
          {{3}, {3}}),
  };
  std::vector<K> kinds;
  std::vector<std::vector<RealisedStimulus>> realised;
  BatchStimuli<Mem> batch;

  Fixture() {
    for (std::size_t k = 0; k < specs.size(); ++k) {
      kinds.push_back(specs[k].kind);
      realised.emplace_back();
      for (network_id_t g = 0; g < kNetworks; ++g)
        realised[k].push_back(realise(specs[k], k, 99, g, kNeurons, 60));
    }
    // Hand-made onsets: overlapping pulses at 10 and 12 make one long pulse 10..14.
    realised[2][0].onsets = {3, 10, 12, 30};
    realised[2][1].onsets = {};
    batch = make_batch_stimuli<Mem>(kinds, realised, {0, kNeurons, 2 * kNeurons});
  }
};

struct Case {
  int k, g;
  step_t t;
  double expected;
};

TEST(StimulusValues, EachKindAtChosenSteps) {
  Fixture f;
  const double s3 = 2 * std::sin(0.5) + 0.25, s5 = 2 * std::cos(0.5) + 0.25;
  const std::vector<Case> cases = {
      // regular, anchored at start = 5: onsets 5, 15, 25, 35; stop 37; per-network strength
      {0, 0, 4, 0},
      {0, 0, 5, 1.5},
      {0, 0, 7, 1.5},
      {0, 0, 8, 0},
      {0, 0, 10, 0},
      {0, 0, 15, 1.5},
      {0, 0, 35, 1.5},
      {0, 0, 36, 1.5},
      {0, 0, 37, 0},
      {0, 1, 5, -2.0},
      {0, 1, 6, -2.0},
      {0, 1, 8, 0},
      {0, 0, -5, 0},
      // regular from start = -6 (inside equilibration): pulses -6..-5, -2..-1, 2..3, ...
      {1, 0, -7, 0},
      {1, 0, -6, 1},
      {1, 0, -5, 1},
      {1, 0, -4, 0},
      {1, 0, -2, 1},
      {1, 0, -1, 1},
      {1, 0, 0, 0},
      {1, 0, 1, 0},
      {1, 0, 2, 1},
      {1, 1, 1000002, 1},
      {1, 1, 1000004, 0},
      // poisson, onsets 3, 10, 12, 30 with width 3 (network 1: none)
      {2, 0, 2, 0},
      {2, 0, 3, 2},
      {2, 0, 5, 2},
      {2, 0, 6, 0},
      {2, 0, 9, 0},
      {2, 0, 10, 2},
      {2, 0, 12, 2},
      {2, 0, 14, 2},
      {2, 0, 15, 0},
      {2, 0, 29, 0},
      {2, 0, 32, 2},
      {2, 0, 33, 0},
      {2, 0, 5000, 0},
      {2, 1, 3, 0},
      {2, 1, 12, 0},
      // sinusoid: 2 sin(2 pi (t - 3) / 8 + 0.5) + 0.25 on [3, 20), zero (not the baseline) outside
      {3, 0, 2, 0},
      {3, 0, 3, s3},
      {3, 0, 5, s5},
      {3, 0, 19, 2 * std::sin(2 * M_PI * 2 + 0.5) + 0.25},
      {3, 0, 20, 0},
      {3, 1, 5, s5},
      // constant on [0, 10), per-network strength
      {4, 0, -1, 0},
      {4, 0, 0, 0.75},
      {4, 0, 9, 0.75},
      {4, 0, 10, 0},
      {4, 1, 0, 3.0},
      {4, 1, 9, 3.0},
      {4, 1, 10, 0},
      // poisson realised from start = -20: the first onset is the start, width 2
      {5, 0, -21, 0},
      {5, 0, -20, 0.5},
      {5, 0, -19, 0.5},
      {5, 1, -21, 0},
      {5, 1, -20, 0.5},
      {5, 1, -19, 0.5}};
  std::vector<Query> q;
  for (const Case& c : cases) q.push_back({c.k, c.g, 0, c.t});
  const auto got = evaluate(f.batch, q);
  for (std::size_t n = 0; n < cases.size(); ++n)
    EXPECT_NEAR(got[n], cases[n].expected, 1e-12)
        << "stimulus " << cases[n].k << ", network " << cases[n].g << ", t = " << cases[n].t;
  EXPECT_EQ(f.realised[5][0].onsets.front(), -20);
  EXPECT_EQ(f.realised[5][1].onsets.front(), -20);
}

TEST(StimulusValues, InputSumsTheTargetedStimuliOfEachNeuron) {
  Fixture f;
  // Literal sums (regular + sinusoid + constant, per-network values) and untargeted neurons.
  const std::vector<Query> q = {{-1, 0, 0, 5},  {-1, 1, 5, 5},   {-1, 1, 6, -6},
                                {-1, 0, 2, 11}, {-1, 0, 4, 5},   {-1, 1, 9, 5},
                                {-1, 0, 0, 36}, {-1, 1, 8, -20}, {-1, 1, 9, -20}};
  const std::vector<double> expected = {
      1.5 + 2 * std::cos(0.5) + 0.25 + 0.75, -2.0 + 3.0, 1.0, 2.0, 0.0, 0.0, 1.5, 0.5, 0.0};
  const auto got = evaluate(f.batch, q);
  for (std::size_t n = 0; n < q.size(); ++n)
    EXPECT_NEAR(got[n], expected[n], 1e-12) << "query " << n;

  // Every neuron and step against the independent host reference, summed over its stimuli.
  std::vector<Query> all;
  std::vector<double> want;
  for (int g = 0; g < kNetworks; ++g)
    for (ordinal_t i = 0; i < kNeurons; ++i)
      for (step_t t = -25; t < 45; ++t) {
        all.push_back({-1, g, g * kNeurons + i, t});
        double sum = 0;
        for (std::size_t k = 0; k < f.specs.size(); ++k) {
          const auto& r = f.realised[k][g];
          if (std::binary_search(r.targets.begin(), r.targets.end(), i))
            sum += test::reference_value(f.kinds[k], r, t);
        }
        want.push_back(sum);
      }
  const auto sums = evaluate(f.batch, all);
  int nonzero = 0;
  for (std::size_t n = 0; n < all.size(); ++n) {
    EXPECT_NEAR(sums[n], want[n], 1e-12)
        << "network " << all[n].g << ", neuron " << all[n].i << ", t = " << all[n].t;
    nonzero += want[n] != 0;
    if (all[n].i % kNeurons == 4) {
      EXPECT_EQ(sums[n], 0.0) << "untargeted neuron";
    }
  }
  EXPECT_GT(nonzero, 150);  // the comparison is not vacuous
}

TEST(StimulusValues, PoissonLookupMatchesAScanOnIrregularTrains) {
  // The onset search starts at a guess from the train's first and last onsets: trains far from
  // even (clumps, long gaps, repeated onsets, two onsets, one) against a scan of every onset.
  const StimulusSpec spec =
      on_lists(test::stimulus(K::poisson, {{"strength", {2}}, {"width", {3}}}), {{0}});
  std::vector<std::vector<step_t>> trains(4);
  std::uint64_t x = 12345;  // a fixed LCG: clumps of 0-3 steps, gaps up to ~300
  for (step_t t = 0; trains[0].size() < 600;) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    t += (x >> 60) < 12 ? static_cast<step_t>(x >> 62) : static_cast<step_t>((x >> 33) % 300);
    trains[0].push_back(t);
  }
  trains[1] = {4, 4, 4, 9, 9, 2000};
  trains[2] = {7, 5000};
  trains[3] = {11};
  std::vector<std::vector<RealisedStimulus>> realised(1);
  std::vector<ordinal_t> offset{0};
  for (std::size_t g = 0; g < trains.size(); ++g) {
    realised[0].push_back(realise(spec, 0, 99, g, 1, 10));
    realised[0].back().onsets = trains[g];
    offset.push_back(offset.back() + 1);
  }
  const auto batch = make_batch_stimuli<Mem>({K::poisson}, realised, offset);
  std::vector<Query> q;
  std::vector<double> want;
  for (int g = 0; g < static_cast<int>(trains.size()); ++g)
    for (step_t t = -3; t <= trains[g].back() + 5; ++t) {
      q.push_back({0, g, 0, t});
      want.push_back(test::reference_value(K::poisson, realised[0][g], t));
    }
  const auto got = evaluate(batch, q);
  int on = 0;
  for (std::size_t n = 0; n < q.size(); ++n) {
    EXPECT_EQ(got[n], want[n]) << "network " << q[n].g << ", t = " << q[n].t;
    on += want[n] != 0;
  }
  EXPECT_GT(on, 500);  // not vacuous: inside and outside pulses
  EXPECT_GT(static_cast<int>(q.size()) - on, 500);
}

// add_inputs over a run of neurons [a, a + len) of network g at step t, into rows of `out` that
// start at -0 (which keeps the sign of a zero sum: -0 + +0 is +0), in double and in float,
// inside a kernel.
constexpr int kLongestRun = 160;
struct RunInputs {
  BatchStimuli<Mem> s;
  Kokkos::View<Query*, Mem> q;  // k: the run's length; i: its first batch neuron
  Kokkos::View<double**, Mem> in_double;
  Kokkos::View<float**, Mem> in_float;
  KOKKOS_INLINE_FUNCTION void operator()(const int n) const {
    const Query& x = q(n);
    double d[kLongestRun];
    float f[kLongestRun];
    for (int l = 0; l < x.k; ++l) d[l] = -0.0, f[l] = -0.0f;
    s.add_inputs(x.g, x.i, x.k, x.t, d);
    s.add_inputs(x.g, x.i, x.k, x.t, f);
    for (int l = 0; l < x.k; ++l) in_double(n, l) = d[l], in_float(n, l) = f[l];
  }
};

template <class T, class Bits>
Bits bits_of(const T x) {
  Bits b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// Every run's sums against input() per neuron, bit for bit; returns how many were not zero.
int expect_runs_match_input(const BatchStimuli<Mem>& batch, const std::vector<Query>& runs) {
  Kokkos::View<Query*, Mem> q("runs", runs.size());
  auto qh = Kokkos::create_mirror_view(q);
  for (std::size_t n = 0; n < runs.size(); ++n) qh(n) = runs[n];
  Kokkos::deep_copy(q, qh);
  Kokkos::View<double**, Mem> d("in_double", runs.size(), kLongestRun);
  Kokkos::View<float**, Mem> fl("in_float", runs.size(), kLongestRun);
  Kokkos::parallel_for(
      "run_inputs",
      Kokkos::RangePolicy<Kokkos::DefaultExecutionSpace>(0, static_cast<int>(runs.size())),
      RunInputs{batch, q, d, fl});
  auto dh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), d);
  auto fh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), fl);
  std::vector<Query> each;
  for (const Query& r : runs)
    for (int l = 0; l < r.k; ++l) each.push_back({-1, r.g, r.i + l, r.t});
  const auto input = evaluate(batch, each);
  int nonzero = 0;
  for (std::size_t n = 0, e = 0; n < runs.size(); ++n)
    for (int l = 0; l < runs[n].k; ++l, ++e) {
      EXPECT_EQ((bits_of<double, std::uint64_t>(dh(n, l))),
                (bits_of<double, std::uint64_t>(-0.0 + input[e])))
          << "run " << n << ", lane " << l << ": " << dh(n, l) << " against " << input[e];
      EXPECT_EQ((bits_of<float, std::uint32_t>(fh(n, l))),
                (bits_of<float, std::uint32_t>(-0.0f + static_cast<float>(input[e]))))
          << "run " << n << ", lane " << l;
      nonzero += input[e] != 0;
    }
  return nonzero;
}

TEST(StimulusValues, InputsOfARunAreEachNeuronsInputBitwise) {
  // The kernels' per-run sums against input() per neuron, for runs that cover a network whole,
  // in part and one neuron at a time, at every step of the stimuli's range.
  Fixture f;
  std::vector<Query> runs;
  for (int g = 0; g < kNetworks; ++g)
    for (step_t t = -25; t < 45; ++t) {
      runs.push_back({kNeurons, g, g * kNeurons, t});
      runs.push_back({3, g, g * kNeurons + 1, t});
      for (ordinal_t i = 0; i < kNeurons; ++i) runs.push_back({1, g, g * kNeurons + i, t});
    }
  EXPECT_GT(expect_runs_match_input(f.batch, runs), 300);  // not vacuous
}

TEST(StimulusValues, InputsOfLongRunsWithLoadedValuesAreEachNeuronsInputBitwise) {
  // One network of 150 neurons (runs longer than a kernel's block of 64), sparse targets, a
  // stimulus of negative strength, and loaded values (some -0, some cancelling a stimulus).
  constexpr ordinal_t n = 150;
  std::vector<StimulusSpec> specs = {
      on_lists(test::stimulus(K::poisson, {{"strength", {1.25}}, {"width", {3}}}), {{3, 70, 140}}),
      on_lists(test::stimulus(K::regular, {{"strength", {-0.5}}, {"period", {4}}, {"width", {2}}}),
               {{0, 7, 14, 63, 64, 65, 127, 128, 149}}),
      on_lists(test::stimulus(K::constant, {{"strength", {0.25}}}), {{64, 65, 128}})};
  std::vector<K> kinds;
  std::vector<std::vector<RealisedStimulus>> realised;
  for (std::size_t k = 0; k < specs.size(); ++k) {
    kinds.push_back(specs[k].kind);
    realised.push_back({realise(specs[k], k, 7, 0, n, 40)});
  }
  realised[0][0].onsets = {2, 9, 10, 30};
  LoadedValues loaded;
  loaded.start = {5};
  loaded.steps = 20;
  for (step_t t = 0; t < loaded.steps; ++t)
    for (ordinal_t i = 0; i < n; ++i) {
      const int r = static_cast<int>((t * 131 + i * 17) % 7);
      loaded.values.push_back(r == 0 ? -0.0f : r == 1 ? 0.5f : r == 2 ? -0.25f : 0.0f);
    }
  const auto batch = make_batch_stimuli<Mem>(kinds, realised, {0, n}, {loaded});
  std::vector<Query> runs;
  for (step_t t = -2; t < 35; ++t) {
    runs.push_back({n, 0, 0, t});
    runs.push_back({80, 0, 60, t});
    runs.push_back({kLongestRun - 20, 0, 10, t});
    for (ordinal_t i = 0; i < n; i += 13) runs.push_back({1, 0, i, t});
  }
  EXPECT_GT(expect_runs_match_input(batch, runs), 1000);  // not vacuous
}

// After how many steps each stimulus repeats in a 6000-step run (tuning measures windows of
// whole repeats): 1 for those silent through the whole run, steady ones and Poisson pulses
// throughout; the period of regular and sinusoid ones (a whole multiple of it where it is not
// whole); 0 for those that begin or end inside the run, follow a recorded array, or repeat more
// slowly than the run.
TEST(StimulusValues, RepeatStepsSayWhichWindowsSeeTheSameDrive) {
  using test::stimulus;
  const auto repeat = [](const StimulusSpec& s, network_id_t g = 0) {
    return repeat_steps(s, g, 6000);
  };
  EXPECT_EQ(repeat(stimulus(K::constant, {})), 1);
  EXPECT_EQ(repeat(stimulus(K::constant, {{"start", {-50}}, {"stop", {6000}}})), 1);
  EXPECT_EQ(repeat(stimulus(K::constant, {{"start", {4500}}})), 0);
  EXPECT_EQ(repeat(stimulus(K::constant, {{"stop", {5999}}})), 0);
  EXPECT_EQ(repeat(stimulus(K::constant, {{"start", {6000}}})), 1);               // after the run
  EXPECT_EQ(repeat(stimulus(K::constant, {{"start", {-9}}, {"stop", {0}}})), 1);  // before
  EXPECT_EQ(repeat(stimulus(K::poisson, {{"mean_interval", {300}}})), 1);
  EXPECT_EQ(repeat(stimulus(K::poisson, {{"duration", {3000}}})), 0);
  EXPECT_EQ(repeat(stimulus(K::regular, {{"period", {100}}})), 100);
  EXPECT_EQ(repeat(stimulus(K::regular, {{"period", {70}}})), 70);
  EXPECT_EQ(repeat(stimulus(K::regular, {{"period", {33.5}}})), 67);
  EXPECT_EQ(repeat(stimulus(K::regular, {{"period", {100.0 / 3}}})), 100);
  EXPECT_EQ(repeat(stimulus(K::regular, {{"period", {0.25}}})), 1);
  EXPECT_EQ(repeat(stimulus(K::regular, {{"period", {6000}}})), 6000);
  EXPECT_EQ(repeat(stimulus(K::regular, {{"period", {6001}}})), 0);  // slower than the run
  EXPECT_EQ(repeat(stimulus(K::regular, {{"period", {3000.5}}})), 0);
  EXPECT_EQ(repeat(stimulus(K::regular, {{"period", {70.31}}})), 4500);  // 64 periods, rounded
  EXPECT_EQ(repeat(stimulus(K::regular, {{"period", {100.01}}})), 0);    // 64 exceed the run
  EXPECT_EQ(repeat(stimulus(K::sinusoid, {{"period", {50}}})), 50);
  EXPECT_EQ(repeat(stimulus(K::sinusoid, {{"period", {1000}}, {"phase", {1.0}}})), 1000);
  // Per network: network 1's stimulus begins inside the run.
  const StimulusSpec per_network = stimulus(K::constant, {{"start", {0, 2000}}});
  EXPECT_EQ(repeat(per_network, 0), 1);
  EXPECT_EQ(repeat(per_network, 1), 0);
  StimulusSpec loaded = stimulus(K::loaded, {});
  loaded.array_steps = 6000;
  EXPECT_EQ(repeat(loaded), 0);
}

}  // namespace
}  // namespace kascade
