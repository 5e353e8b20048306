// The response to a stimulus (BernoulliGLM, standard parameters): a batch of two networks where
// network 0 gets a strong regular pulse train on 10 random neurons and network 1 none.
//   1. Without synapses the rates have bounds from the model alone (below).
//   2. With synapses, network 1's spikes are bitwise those of a run without any stimulus: one
//      network's stimuli never reach another network of the batch.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/engine_test_support.hpp"
#include "kascade/model/presets.hpp"
#include "kascade/network/normal_generator.hpp"
#include "kascade/stimulus/batch_stimuli.hpp"
#include "stimulus_test_support.hpp"

namespace kascade {
namespace {

using test::on_lists;
using test::on_random;

using test::Exec;
using test::Mem;

constexpr double kStrength = 8, kPeriod = 50, kWidth = 10, kStart = 20;

// `counts[g]` random targets in network g (count 0: no target at all).
StimulusSpec pulse(const std::vector<double>& counts) {
  return on_random(test::stimulus(StimulusKind::regular, {{"strength", {kStrength}},
                                                          {"period", {kPeriod}},
                                                          {"width", {kWidth}},
                                                          {"start", {kStart}}}),
                   Targeting::count, counts);
}

CascadeModel glm() { return build_bernoulli_glm(preset_defaults(find_preset("bernoulli_glm"))); }

std::vector<test::Trace> simulate(const std::vector<Network>& nets,
                                  const std::vector<network_id_t>& ids,
                                  const std::vector<double>& counts, step_t recorded,
                                  std::vector<RealisedStimulus>* realised = nullptr) {
  const CascadeModel model = glm();
  std::vector<const Network*> ptrs;
  std::vector<const CascadeModel*> models;
  for (const auto& n : nets) ptrs.push_back(&n), models.push_back(&model);
  Engine<Exec> engine(make_batch<Mem>(ptrs, ids), make_batch_model<Mem>(models),
                      EngineSettings{314, 100, recorded, 500});
  if (!counts.empty()) {
    std::vector<RealisedStimulus> r;
    for (std::size_t b = 0; b < nets.size(); ++b)
      r.push_back(realise(pulse(counts), 0, 314, ids[b], nets[b].n_neurons, recorded));
    engine.set_stimuli(
        make_batch_stimuli<Mem>({StimulusKind::regular}, {r}, engine.batch().neuron_offset));
    if (realised) *realised = r;
  }
  engine.initialize_random();
  test::CollectingRecorder recorder;
  engine.run(recorder);
  auto traces = recorder.traces;
  traces.resize(nets.size());
  return traces;
}

bool in_pulse(step_t t) {
  return t >= kStart && std::fmod(static_cast<double>(t) - kStart, kPeriod) < kWidth;
}

// No synapses and a self kernel <= 0, so outside pulses every step spikes with probability at
// most p_max = sigmoid(b - theta) = sigmoid(-5) = 0.00669, whatever the history: spike counts
// there are stochastically below Binomial(n, p_max), bounded by n p_max + z sqrt(n p_max (1 -
// p_max)), z = 4.7534 one-sided. The T = 10 steps before a pulse onset lie outside pulses (gap
// 40 >= T), so they are spike-free with probability >= (1 - p_max)^T = 0.935 given anything
// earlier, and then the onset step spikes with probability sigmoid(S + b - theta) = sigmoid(3)
// = 0.953: P(spike at onset | past before the T steps) >= q = 0.891. Onset spikes are then a
// sum of 1000 terms with conditional means >= q: by Azuma-Hoeffding their fraction is below
// q - sqrt(ln(1e6) / (2 n)) = q - 0.083 with probability < 1e-6. Each pulse holds its onset
// spike, so the rate inside pulses is >= (q - 0.083) / width = 0.081, more than 9 times the
// bound outside.
TEST(StimulusResponse, TargetsFireInsidePulsesAtTheModelsRate) {
  constexpr ordinal_t n = 40;
  constexpr step_t recorded = 5000;
  const std::vector<Network> nets(2, Network::from_edges(n, {}, {}, {}));
  std::vector<RealisedStimulus> r;
  const auto traces = simulate(nets, {0, 1}, {10, 0}, recorded, &r);
  ASSERT_EQ(r[0].targets.size(), 10u);
  ASSERT_TRUE(r[1].targets.empty());

  const CascadeModel m = glm();
  for (real_t s : m.self_kernel) ASSERT_LE(s, 0) << "the bounds need a non-positive self kernel";
  const int T = m.kernel_length();
  ASSERT_LE(T, kPeriod - kWidth);
  const double p_max = 1 / (1 + std::exp(m.theta - m.b));
  const double q = std::pow(1 - p_max, T) / (1 + std::exp(-(kStrength + m.b - m.theta)));
  auto upper = [&](double trials) {
    return trials * p_max + test::z_one_sided_1e6 * std::sqrt(trials * p_max * (1 - p_max));
  };

  std::vector<char> target(n, 0);
  for (ordinal_t i : r[0].targets) target[i] = 1;
  double onset_spikes = 0, in_spikes = 0, out_spikes = 0, other_spikes = 0;
  for (std::size_t e = 0; e < traces[0].size(); ++e) {
    const step_t t = traces[0].steps[e];
    if (!target[traces[0].neurons[e]]) {
      other_spikes += 1;
    } else if (in_pulse(t)) {
      in_spikes += 1;
      onset_spikes += std::fmod(static_cast<double>(t) - kStart, kPeriod) == 0;
    } else {
      out_spikes += 1;
    }
  }
  double pulse_steps = 0, onsets = 0;
  for (step_t t = 0; t < recorded; ++t)
    pulse_steps += in_pulse(t), onsets += in_pulse(t) && in_pulse(t - 1) == false;
  ASSERT_EQ(onsets, 100);
  const double n_on = 10 * onsets, n_in = 10 * pulse_steps, n_out = 10 * (recorded - pulse_steps);
  const double eps = std::sqrt(std::log(1e6) / (2 * n_on));
  EXPECT_GE(onset_spikes / n_on, q - eps) << "q = " << q;
  EXPECT_GE(in_spikes / n_in, (q - eps) / kWidth);
  EXPECT_LE(out_spikes, upper(n_out)) << "targets outside pulses";
  EXPECT_GT(in_spikes / n_in - out_spikes / n_out, (q - eps) / kWidth - upper(n_out) / n_out);
  // Untargeted neurons of network 0 and every neuron of network 1 never see the stimulus.
  EXPECT_LE(other_spikes, upper(30.0 * recorded)) << "non-targets of network 0";
  EXPECT_LE(static_cast<double>(traces[1].size()), upper(40.0 * recorded)) << "network 1";
  EXPECT_GT(traces[1].size(), 0u);
}

// Coupled networks (Normal weights, std 5, Glorot, as the shipped decks), the stimulated network
// between two controls so that a stimulus misplaced by a network offset either way hits one: the
// controls' rasters are the same with and without the stimulus, and the same alone.
TEST(StimulusResponse, StimulusOfOneNetworkDoesNotReachAnother) {
  NormalGeneratorParams p;
  p.n_neurons = 40;
  p.std = 5.0;
  p.glorot = true;
  std::vector<Network> nets;
  for (network_id_t g = 0; g < 3; ++g) nets.push_back(generate_normal(p, 314, g));
  ASSERT_GT(nets[1].n_synapses(), 0u);
  const auto with = simulate(nets, {0, 1, 2}, {0, 10, 0}, 2000);
  const auto without = simulate(nets, {0, 1, 2}, {}, 2000);
  for (int g : {0, 2}) {
    EXPECT_GT(with[g].size(), 0u);
    EXPECT_TRUE(with[g] == without[g]) << "control " << g << " changed by network 1's stimulus";
    EXPECT_TRUE(with[g] == simulate({nets[g]}, {network_id_t(g)}, {}, 2000)[0])
        << "control " << g << " differs from its own run";
  }
  EXPECT_TRUE(with[1] != without[1]) << "the stimulus changed the stimulated network";
  EXPECT_GT(with[1].size(), without[1].size());
}

}  // namespace
}  // namespace kascade
