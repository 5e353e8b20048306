#pragma once
// The fused per-neuron kernel of one step: input from the ring buffers (or the synaptic trace),
// background noise, nonlinearity, emission; the spike goes to the ring and, when recorded, to
// the raster. Internal to the engine.
#include <Kokkos_Core.hpp>

#include "kascade/engine/detail/neuron_blocks.hpp"
#include "kascade/engine/detail/self_history.hpp"
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

// True unless v is NaN or infinite (v - v is NaN for both; no library call, so it vectorises).
KOKKOS_INLINE_FUNCTION bool is_finite(real_t v) { return v - v == real_t(0); }

template <class MemorySpace, class Extension>
struct NeuronStep {
  using ring_type = Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace>;
  using history_type = Kokkos::View<history_word**, Kokkos::LayoutRight, MemorySpace>;
  using count_view = Kokkos::View<std::uint64_t*, MemorySpace>;
  static constexpr spike_count_t max_count = 65535;

  // Lanes per work item: a block of neighbouring neurons of one network whose every stage below
  // is a loop over lanes, so that host compilers vectorise it; one lane on GPUs (a thread per
  // neuron).
#if defined(KOKKOS_ENABLE_CUDA) || defined(KOKKOS_ENABLE_HIP)
  static constexpr int lanes = 1;
#else
  static constexpr int lanes = 8;
#endif

  BatchModel<MemorySpace> model;
  Kokkos::View<const ordinal_t*, MemorySpace> network_of, local_neuron;
  Kokkos::View<const network_id_t*, MemorySpace> network_ids;
  Kokkos::View<const ordinal_t*, MemorySpace> block_start;  // neuron_blocks.hpp
  ring_type spikes, drive;
  Kokkos::View<real_t*, MemorySpace> trace;  // Coupling::trace: (W s)_i
  history_type history;                      // self_history.hpp; [word][neuron]
  Kokkos::View<spike_count_t**, Kokkos::LayoutRight, MemorySpace> raster;
  count_view clipped, non_finite;   // per network
  BlockSpikes<MemorySpace> spiked;  // out: the spikes of every block, for the push
  // The four words of each neuron's Bernoulli draw for steps 4q .. 4q + 3 (q = step / 4): one
  // Philox call serves four steps. `refresh`: compute them (first step of q, or after a restore).
  Kokkos::View<std::uint32_t**, Kokkos::LayoutRight, MemorySpace> quad_bits;  // [word][neuron]
  bool refresh = true;
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
  KOKKOS_INLINE_FUNCTION ordinal_t n_neurons() const {
    return static_cast<ordinal_t>(network_of.extent(0));
  }

  // The input g of neurons i0 .. i0 + n - 1 (n <= lanes, any networks): r (coupled + self) +
  // background (+ E), each sum in ascending lag, so the result is the same on every backend,
  // thread count and block cut. With `update` the trace takes in the previous step's drive for
  // good. g[l] receives the batch network of neuron i0 + l.
  KOKKOS_INLINE_FUNCTION void inputs(const ordinal_t i0, const int n, const bool update, int* g,
                                     real_t* out) const {
    for (int l = 0; l < n; ++l) g[l] = network_of(i0 + l);
    for (int a = 0, e = 0; a < n; a = e) {  // runs of one network
      for (e = a + 1; e < n && g[e] == g[a];) ++e;
      if (i0 + a + lanes <= n_neurons()) {
        real_t full[lanes];
        block_inputs<lanes>(i0 + a, e - a, g[a], update, full);
        for (int l = a; l < e; ++l) out[l] = full[l - a];
      } else {
        for (int l = a; l < e; ++l) block_inputs<1>(i0 + l, 1, g[a], update, out + l);
      }
    }
  }

  // The step of block b: neurons block_start(b) .. block_start(b + 1) - 1 of one network.
  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t b) const {
    const ordinal_t i0 = block_start(b);
    const int n = static_cast<int>(block_start(b + 1) - i0);
    const int g = network_of(i0);
    spike_count_t x[lanes];
    int bad[2] = {0, 0};              // clipped, non-finite
    if (i0 + lanes <= n_neurons()) {  // whole vectors (lanes past n belong to other blocks)
      block_spikes<lanes>(i0, n, g, x, bad);
    } else {  // the batch's last neurons: one at a time, reading nothing past the end
      for (int l = 0; l < n; ++l) block_spikes<1>(i0 + l, 1, g, x + l, bad);
    }
    store(b, i0, n, x);
    if (bad[0]) Kokkos::atomic_add(&clipped(g), std::uint64_t(bad[0]));
    if (bad[1]) Kokkos::atomic_add(&non_finite(g), std::uint64_t(bad[1]));
  }

 private:
  // Input of the W neurons i0 .. i0 + W - 1 (which must exist) with the parameters of network
  // g; only the first n belong to g and are stored (trace update).
  template <int W>
  KOKKOS_INLINE_FUNCTION void block_inputs(const ordinal_t i0, const int n, const int g,
                                           const bool update, real_t* out) const {
    real_t coupled[W], self[W];
    for (int l = 0; l < W; ++l) coupled[l] = real_t(0), self[l] = real_t(0);
    if (model.coupling == Coupling::kernel) {
      for (int lag = 0; lag < model.kernel_length; ++lag) {
        const int s = past(lag);
        const real_t c = model.coupling_kernel(g, lag);
        for (int l = 0; l < W; ++l) coupled[l] += c * drive(s, i0 + l);
      }
    } else {  // y <- decay y + gain D(t-1) - tail D(t-1-window)
      for (int l = 0; l < W; ++l) coupled[l] = trace(i0 + l);
      if (trace_pending) {
        const int s0 = past(0), window = model.trace_window(g);
        const real_t decay = model.trace_decay(g), gain = model.trace_gain(g);
        for (int l = 0; l < W; ++l) coupled[l] = decay * coupled[l] + gain * drive(s0, i0 + l);
        if (window > 0) {
          const int sw = past(window);
          const real_t tail = model.trace_tail(g);
          for (int l = 0; l < W; ++l) coupled[l] = coupled[l] - tail * drive(sw, i0 + l);
        }
        if (update)
          for (int l = 0; l < n; ++l) trace(i0 + l) = coupled[l];
      }
    }
    if (model.self_length > 0) self_term<W>(i0, g, self);
    const real_t r = model.r(g), b = model.b(g);
    for (int l = 0; l < W; ++l) out[l] = r * (coupled[l] + self[l]) + b;
    if (model.noise != BackgroundNoise::none) {
      const real_t sigma = model.noise_sigma(g), rho = model.noise_rho(g);
      for (int l = 0; l < W; ++l) {
        const auto bits = random::philox_bits(seed, network_ids(g),
                                              static_cast<std::uint32_t>(local_neuron(i0 + l)),
                                              step, random::background);
        const real_t noise = sigma * standard_normal(bits.v[0], bits.v[1]);
        const bool m = random::to_unit_float(bits.v[2]) < rho;
        out[l] = r * (coupled[l] + self[l]) + background_input(model.noise, b, noise, m);
      }
    }
    if (stimuli.count > 0)
      for (int l = 0; l < n; ++l)
        out[l] += static_cast<real_t>(stimuli.input(g, i0 + l, stimulus_time));
  }

  // Adds sum over the lags where the neuron spiked of self(lag) x(t-1-lag), ascending; nothing
  // at all for a block whose neurons were silent for self_length steps (the common case).
  template <int W>
  KOKKOS_INLINE_FUNCTION void self_term(const ordinal_t i0, const int g, real_t* self) const {
    const int words = history_words(model.self_length);
    history_word any = 0;
    for (int w = 0; w < words; ++w)
      for (int l = 0; l < W; ++l) any |= history(w, i0 + l);
    if (any == 0) return;
    for (int l = 0; l < W; ++l)
      for (int w = 0; w < words; ++w)
        for (history_word bits = history(w, i0 + l); bits != 0; bits &= bits - 1) {
          const int lag = w * history_bits + lowest_bit(bits);
          self[l] += model.self_kernel(g, lag) * spikes(past(lag), i0 + l);
        }
  }

  // Spikes x of the W neurons i0 .. (first n counted): input, nonlinearity, emission. bad[0]
  // counts the clipped probabilities or means, bad[1] the non-finite ones.
  template <int W>
  KOKKOS_INLINE_FUNCTION void block_spikes(const ordinal_t i0, const int n, const int g,
                                           spike_count_t* x, int* bad) const {
    real_t in[W], lambda[W];
    block_inputs<W>(i0, n, g, true, in);
    nonlinearity<W>(g, in, lambda);
    std::uint32_t clip[W], nan[W];
    const real_t dt = model.dt(g);
    switch (model.emission) {
      case Emission::bernoulli:
        bernoulli<W>(i0, n, g, lambda, x, clip);
        break;
      case Emission::threshold:
        for (int l = 0; l < W; ++l) x[l] = lambda[l] > real_t(0) ? 1 : 0, clip[l] = 0;
        break;
      default:
        for (int l = 0; l < n; ++l) x[l] = emit_other(i0 + l, g, lambda[l], clip[l]);
    }
    for (int l = 0; l < W; ++l) nan[l] = is_finite(in[l]) && is_finite(lambda[l] * dt) ? 0u : 1u;
    for (int l = 0; l < n; ++l) bad[0] += static_cast<int>(clip[l]), bad[1] += nan[l];
  }

  // lambda = gain phi(slope (g - theta)) with network g's parameters. A NaN or infinite input
  // gives a NaN rate (fast_exp would turn it into a finite number): no spike, counted as clipped
  // and as non-finite. (in - in is 0 or NaN; a select on in == in would not vectorise.)
  template <int W>
  KOKKOS_INLINE_FUNCTION void nonlinearity(const int g, const real_t* in, real_t* lambda) const {
    switch (model.nonlinearity) {
      case Nonlinearity::sigmoid:
        return nonlinearity_of<Nonlinearity::sigmoid, W>(g, in, lambda);
      case Nonlinearity::exponential:
        return nonlinearity_of<Nonlinearity::exponential, W>(g, in, lambda);
      case Nonlinearity::rectified_linear:
        return nonlinearity_of<Nonlinearity::rectified_linear, W>(g, in, lambda);
      case Nonlinearity::identity:
        return nonlinearity_of<Nonlinearity::identity, W>(g, in, lambda);
      case Nonlinearity::softplus:
        return nonlinearity_of<Nonlinearity::softplus, W>(g, in, lambda);
      case Nonlinearity::erfc:
        return nonlinearity_of<Nonlinearity::erfc, W>(g, in, lambda);
      case Nonlinearity::extension:
      default:
        return nonlinearity_of<Nonlinearity::extension, W>(g, in, lambda);
    }
  }

  // One nonlinearity fixed at compile time: a branch-free loop over the lanes.
  template <Nonlinearity F, int W>
  KOKKOS_INLINE_FUNCTION void nonlinearity_of(const int g, const real_t* in, real_t* lambda) const {
    const real_t theta = model.theta(g), gain = model.gain(g), slope = model.slope(g);
    for (int l = 0; l < W; ++l) {
      lambda[l] = apply_nonlinearity(F, in[l], theta, gain, slope, extension) + (in[l] - in[l]);
    }
  }

  // Bernoulli with p = lambda dt (float): spike iff the 24-bit uniform of the step's draw is below
  // p (draw_bernoulli24). p outside [0, 1] or NaN is clipped (to 1 above, else 0). The draw is
  // word (step mod 4) of Philox(seed; neuron, network, step / 4, bernoulli_quad): a pure function
  // of (seed, network, neuron, step), whichever step computed and cached the four words.
  template <int W>
  KOKKOS_INLINE_FUNCTION void bernoulli(const ordinal_t i0, const int n, const int g,
                                        const real_t* lambda, spike_count_t* x,
                                        std::uint32_t* clip) const {
    const int word = static_cast<int>(step & 3);
    std::uint32_t u[W];
    if (refresh) {
      const network_id_t id = network_ids(g);
      const auto first = static_cast<std::uint32_t>(local_neuron(i0));
      std::uint32_t w4[4][W];
      for (int l = 0; l < W; ++l) {
        const auto bits = random::philox_bits(seed, id, first + static_cast<std::uint32_t>(l),
                                              step >> 2, random::bernoulli_quad);
        for (int w = 0; w < 4; ++w) w4[w][l] = bits.v[w];
      }
      for (int w = 0; w < 4; ++w)
        for (int l = 0; l < n; ++l) quad_bits(w, i0 + l) = w4[w][l];
      for (int l = 0; l < W; ++l) u[l] = w4[word][l];
    } else {
      for (int l = 0; l < W; ++l) u[l] = quad_bits(word, i0 + l);
    }
    const real_t dt = model.dt(g);
    for (int l = 0; l < W; ++l) {
      real_t p = lambda[l] * dt;
      clip[l] = (p >= real_t(0) && p <= real_t(1)) ? 0u : 1u;
      p = clip[l] ? (p > real_t(1) ? real_t(1) : real_t(0)) : p;
      x[l] = draw_bernoulli24(p, u[l]) ? 1 : 0;
    }
  }

  // Writes the block's spikes: ring, raster, the block's spike list, the self history.
  KOKKOS_INLINE_FUNCTION void store(const ordinal_t b, const ordinal_t i0, const int n,
                                    const spike_count_t* x) const {
    int k = 0;
    for (int l = 0; l < n; ++l) {
      const ordinal_t i = i0 + l;
      spikes(slot, i) = static_cast<real_t>(x[l]);
      if (record_row >= 0) raster(record_row, i) = x[l];
      spiked.list(b * lanes + k) = i;  // overwritten unless it spiked
      k += x[l] != 0 ? 1 : 0;
    }
    spiked.count(b) = k;
    if (model.self_length == 0) return;
    const int words = history_words(model.self_length);
    const history_word top = top_word_mask(model.self_length);
    for (int l = 0; l < n; ++l) {  // shift in lag 0, from the top word down
      const ordinal_t i = i0 + l;
      for (int w = words - 1; w >= 0; --w) {
        const history_word below =
            w > 0 ? history(w - 1, i) >> (history_bits - 1) : history_word(x[l] != 0 ? 1 : 0);
        history_word bits = (history(w, i) << 1) | below;
        if (w == words - 1) bits &= top;
        history(w, i) = bits;
      }
    }
  }

 public:
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
