#pragma once
// The fused per-neuron kernel of one step: input from the ring buffers (or the synaptic trace),
// background noise, nonlinearity, emission; the spike goes to the ring and, when recorded, to
// the raster. Internal to the engine.
#include <Kokkos_Core.hpp>

#include "kascade/model/batch_model.hpp"
#include "kascade/model/emission.hpp"
#include "kascade/model/nonlinearity.hpp"
#include "kascade/random/philox.hpp"
#include "kascade/stimulus/batch_stimuli.hpp"

namespace kascade::detail {

// b (1 + n m) or the predecessor's b (1 + n^2 m); n ~ Normal(0, sigma), m ~ Bernoulli(rho).
KOKKOS_INLINE_FUNCTION real_t background_input(BackgroundNoise kind, real_t b, real_t n, bool m) {
  switch (kind) {
    case BackgroundNoise::none:
      return b;
    case BackgroundNoise::sparse_gaussian:
      return b * (real_t(1) + (m ? n : real_t(0)));
    case BackgroundNoise::squared_gaussian:
      return b * (real_t(1) + (m ? n * n : real_t(0)));
  }
  return b;
}

template <class MemorySpace, class Extension>
struct NeuronStep {
  using ring_type = Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace>;
  static constexpr spike_count_t max_count = 65535;

  BatchModel<MemorySpace> model;
  Kokkos::View<ordinal_t*, MemorySpace> network_of, local_neuron;
  Kokkos::View<network_id_t*, MemorySpace> network_ids;
  ring_type spikes, drive;
  Kokkos::View<real_t*, MemorySpace> trace;  // Coupling::trace: (W s)_i
  Kokkos::View<spike_count_t**, Kokkos::LayoutRight, MemorySpace> raster;
  Kokkos::View<std::uint64_t*, MemorySpace> clipped;
  std::uint64_t seed = 0;
  step_t step = 0;
  int slot = 0;                // ring slot of `step`
  step_t record_row = -1;      // raster row of `step`, or -1
  bool trace_pending = false;  // the trace has not yet taken in the previous step's spikes
  Extension extension{};
  BatchStimuli<MemorySpace> stimuli;
  step_t stimulus_time = 0;  // `step` in recorded steps (negative during equilibration)

  KOKKOS_INLINE_FUNCTION int past(int lag) const {
    const int s = slot - 1 - lag;
    return s < 0 ? s + model.kernel_length : s;
  }

  // Lanes per work item: a block of neighbouring neurons whose every stage below is a loop over
  // lanes, so that host compilers vectorise it; one lane on GPUs (a thread per neuron).
#if defined(KOKKOS_ENABLE_CUDA) || defined(KOKKOS_ENABLE_HIP)
  static constexpr int lanes = 1;
#else
  static constexpr int lanes = 8;
#endif

  // The input g of neurons i0 .. i0 + n - 1 (n <= lanes): r (coupled + self) + background (+ E),
  // each sum in ascending lag, so the result is the same on every backend and thread count.
  // With `update` the trace takes in the previous step's drive for good.
  KOKKOS_INLINE_FUNCTION void inputs(const ordinal_t i0, const int n, const bool update, int* g,
                                     real_t* out) const {
    for (int l = 0; l < n; ++l) g[l] = network_of(i0 + l);
    real_t coupled[lanes], self[lanes];
    for (int l = 0; l < n; ++l) coupled[l] = real_t(0), self[l] = real_t(0);
    if (model.coupling == Coupling::kernel) {
      for (int lag = 0; lag < model.kernel_length; ++lag) {
        const int s = past(lag);
        for (int l = 0; l < n; ++l)
          coupled[l] += model.coupling_kernel(g[l], lag) * drive(s, i0 + l);
      }
    } else {  // y <- decay y + gain D(t-1) - tail D(t-1-window)
      for (int l = 0; l < n; ++l) coupled[l] = trace(i0 + l);
      if (trace_pending) {
        const int s0 = past(0);
        for (int l = 0; l < n; ++l) {
          const int window = model.trace_window(g[l]);
          real_t y =
              model.trace_decay(g[l]) * coupled[l] + model.trace_gain(g[l]) * drive(s0, i0 + l);
          if (window > 0) y = y - model.trace_tail(g[l]) * drive(past(window), i0 + l);
          coupled[l] = y;
        }
        if (update)
          for (int l = 0; l < n; ++l) trace(i0 + l) = coupled[l];
      }
    }
    for (int lag = 0; lag < model.self_length; ++lag) {  // zero terms leave the sum unchanged
      const int s = past(lag);
      for (int l = 0; l < n; ++l) self[l] += model.self_kernel(g[l], lag) * spikes(s, i0 + l);
    }
    for (int l = 0; l < n; ++l) out[l] = model.r(g[l]) * (coupled[l] + self[l]) + model.b(g[l]);
    if (model.noise != BackgroundNoise::none) {
      for (int l = 0; l < n; ++l) {
        const ordinal_t i = i0 + l;
        const auto bits = random::philox_bits(seed, network_ids(g[l]),
                                              static_cast<std::uint32_t>(local_neuron(i)), step,
                                              random::background);
        const real_t noise = model.noise_sigma(g[l]) * standard_normal(bits.v[0], bits.v[1]);
        const bool m = random::to_unit_float(bits.v[2]) < model.noise_rho(g[l]);
        out[l] = model.r(g[l]) * (coupled[l] + self[l]) +
                 background_input(model.noise, model.b(g[l]), noise, m);
      }
    }
    if (stimuli.count > 0)
      for (int l = 0; l < n; ++l)
        out[l] += static_cast<real_t>(stimuli.input(g[l], i0 + l, stimulus_time));
  }

  // The step of one block of neurons (work item `block`).
  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t block) const {
    const ordinal_t i0 = block * lanes;
    const ordinal_t total = static_cast<ordinal_t>(network_of.extent(0));
    const int n = total - i0 < lanes ? static_cast<int>(total - i0) : lanes;
    int g[lanes];
    real_t in[lanes], lambda[lanes];
    inputs(i0, n, true, g, in);
    for (int l = 0; l < n; ++l)
      lambda[l] = apply_nonlinearity(model.nonlinearity, in[l], model.theta(g[l]), model.gain(g[l]),
                                     model.slope(g[l]), extension);
    spike_count_t x[lanes];
    std::uint32_t clip[lanes];
    if (model.emission == Emission::threshold) {
      for (int l = 0; l < n; ++l) x[l] = lambda[l] > real_t(0) ? 1 : 0, clip[l] = 0;
    } else if (model.emission == Emission::bernoulli) {
      for (int l = 0; l < n; ++l) {
        double p = static_cast<double>(lambda[l]) * model.dt(g[l]);  // expected spikes
        const auto bits = random::philox_bits(seed, network_ids(g[l]),
                                              static_cast<std::uint32_t>(local_neuron(i0 + l)),
                                              step, random::emission);
        clip[l] = (p >= 0 && p <= 1) ? 0u : 1u;  // above 1, below 0 or NaN: clipped and counted
        p = clip[l] ? (p > 1 ? 1.0 : 0.0) : p;
        x[l] = draw_bernoulli(p, bits.v[0]) ? 1 : 0;
      }
    } else {
      for (int l = 0; l < n; ++l) x[l] = emit_other(i0 + l, g[l], lambda[l], clip[l]);
    }
    for (int l = 0; l < n; ++l) {
      const ordinal_t i = i0 + l;
      spikes(slot, i) = static_cast<real_t>(x[l]);
      if (record_row >= 0) raster(record_row, i) = x[l];
      if (clip[l]) Kokkos::atomic_add(&clipped(g[l]), std::uint64_t(1));
    }
  }

  // Poisson counts and Bernoulli with p = 1 - exp(-lambda dt): rarer, kept per neuron.
  KOKKOS_INLINE_FUNCTION spike_count_t emit_other(ordinal_t i, int g, real_t lambda,
                                                  std::uint32_t& clip) const {
    const double mean = static_cast<double>(lambda) * model.dt(g);
    const DrawKey key{seed, network_ids(g), static_cast<std::uint32_t>(local_neuron(i)), step};
    const auto bits =
        random::philox_bits(key.seed, key.network, key.neuron, key.step, random::emission);
    clip = 0;
    if (model.emission == Emission::poisson) {
      double k = mean > 1e6 ? 1e6 : draw_poisson(mean, bits, key);  // 1e6: beyond the type
      if (!(mean >= 0) || k > max_count) {  // negative, NaN or beyond the count type
        clip = 1;
        k = mean > 0 ? double(max_count) : 0.0;
      }
      return static_cast<spike_count_t>(k);
    }
    double p = 1.0 - math::exp(-mean);
    if (!(p >= 0 && p <= 1)) clip = 1, p = p > 1 ? 1.0 : 0.0;
    return draw_bernoulli(p, bits.v[0]) ? 1 : 0;
  }
};

// Initial state: spikes in the step before step 0 with probability 1/2, or activations
// s_j ~ Uniform[0, 1) (written to `out`; the engine turns them into the trace W s).
template <class MemorySpace>
struct RandomInitialState {
  Kokkos::View<ordinal_t*, MemorySpace> network_of, local_neuron;
  Kokkos::View<network_id_t*, MemorySpace> network_ids;
  Kokkos::View<real_t*, MemorySpace> out;
  std::uint64_t seed = 0;
  bool activation = false;

  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t i) const {
    const auto bits =
        random::philox_bits(seed, network_ids(network_of(i)),
                            static_cast<std::uint32_t>(local_neuron(i)), 0, random::initial_state);
    out(i) = activation ? random::to_unit_float(bits.v[1]) : static_cast<real_t>(bits.v[0] >> 31);
  }
};

}  // namespace kascade::detail
