#pragma once
// The fused per-neuron kernel of one step: input from the ring buffers (or the synaptic trace),
// background noise, nonlinearity, emission; the spike goes to the ring and, when recorded, to
// the raster. Internal to the engine.
#include <Kokkos_Core.hpp>

#include "kascade/engine/detail/lane_parameters.hpp"
#include "kascade/engine/detail/neuron_blocks.hpp"
#include "kascade/engine/detail/ring_slots.hpp"
#include "kascade/engine/detail/self_history.hpp"
#include "kascade/engine/detail/spike_masks.hpp"
#include "kascade/model/batch_model.hpp"
#include "kascade/model/emission.hpp"
#include "kascade/model/nonlinearity.hpp"
#include "kascade/random/philox.hpp"
#include "kascade/random/philox_lanes.hpp"
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

// The background of one neuron in one step: its noise drawn from Philox keyed by (seed,
// network, neuron, step, background stream), then background_input(). Tuning differentiates
// the same value (tune/detail/sensitivity_step.hpp).
KOKKOS_INLINE_FUNCTION real_t drawn_background(BackgroundNoise kind, real_t b, real_t sigma,
                                               real_t rho, std::uint64_t seed,
                                               std::uint32_t network, std::uint32_t neuron,
                                               step_t step) {
  const auto bits = random::philox_bits(seed, network, neuron, step, random::background);
  const real_t noise = sigma * standard_normal(bits.v[0], bits.v[1]);
  const bool mask = random::to_unit_float(bits.v[2]) < rho;
  return background_input(kind, b, noise, mask);
}

// True unless v is NaN or infinite (v - v is NaN for both; no library call, so it vectorises).
KOKKOS_INLINE_FUNCTION bool is_finite(real_t v) { return v - v == real_t(0); }

// 1 + e^-x, the kernel's sigmoid denominator, with exp's argument capped at sigmoid_cap: deep in
// refractoriness (input ~ -100) the rate would otherwise be subnormal, and every operation on a
// subnormal float costs a microcode assist (~100 cycles on x86). The cap keeps the rate below
// gain e^-80 (~1.8e-35 gain), under the resolution of every draw (2^-53 Poisson, for gain dt up
// to 10^10; the Bernoulli draw, whose u = 0 would pass any rate above 0, does not fire below the
// cap: draw_sigmoid_bernoulli).
inline constexpr real_t sigmoid_cap = 80;
KOKKOS_FORCEINLINE_FUNCTION real_t sigmoid_denominator(real_t x) {
  const real_t minus_x = -x;
  return real_t(1) + math::fast_exp(minus_x > sigmoid_cap ? sigmoid_cap : minus_x);
}

// Bernoulli draws: one Philox4x32-10 call (128 bits) gives five 24-bit uniforms, the draws of
// steps 5q .. 5q + 4 with q = draw_block(s) (floor division: steps may be negative).
inline constexpr int draws_per_call = 5;
KOKKOS_INLINE_FUNCTION step_t draw_block(step_t s) {
  return s >= 0 ? s / draws_per_call : -((-s + draws_per_call - 1) / draws_per_call);
}
KOKKOS_INLINE_FUNCTION int draw_index(step_t s) {
  return static_cast<int>(s - draws_per_call * draw_block(s));
}

template <class MemorySpace, class Extension>
struct NeuronStep {
  using ring_type = Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace>;
  using history_type = Kokkos::View<history_word**, Kokkos::LayoutRight, MemorySpace>;
  using count_view = Kokkos::View<std::uint64_t*, MemorySpace>;
  static constexpr spike_count_t max_count = 65535;

  // Neurons are cut into segments of up to `segment` neighbours of ONE network (neuron_blocks.hpp),
  // and a work item is a group of consecutive segments, at most `segment` neurons in all. Each
  // stage (input, nonlinearity, emission, store) is one loop over the group's lanes, whole vectors
  // of `lanes`, with each neuron's own parameters (lane_parameters.hpp): host compilers vectorise
  // every stage, and a group of several small networks runs as one (a loop per 20-neuron network
  // cost more in setup than in work). What is kept per segment (the self history, the spike
  // lists) runs per segment. On GPUs a thread per neuron. The per-neuron arrays carry `lanes`
  // columns of padding past the last neuron, so that a group may read whole vectors: the lanes
  // past its end are computed from whatever is there (the next group's neurons, possibly being
  // updated by another thread) and are never stored or used.
#if defined(KOKKOS_ENABLE_CUDA) || defined(KOKKOS_ENABLE_HIP)
  static constexpr int lanes = 1, segment = 1;
#else
  static constexpr int lanes = 8, segment = 128;
#endif

  BatchModel<MemorySpace> model;
  LaneParameters<MemorySpace> lane;  // the model's parameters per neuron
  Kokkos::View<const ordinal_t*, MemorySpace> network_of, local_neuron;
  Kokkos::View<const network_id_t*, MemorySpace> network_ids;
  Kokkos::View<const ordinal_t*, MemorySpace> block_start;  // segments (neuron_blocks.hpp)
  Kokkos::View<const ordinal_t*, MemorySpace> group_start;  // work items: runs of segments
  ring_type spikes, drive;                                  // [T][N + lanes]
  Kokkos::View<real_t*, MemorySpace> trace;                 // Coupling::trace: (W s)_i
  history_type history;  // self_history.hpp; [word][slot of the segment] (spiked.slot)
  // Recorded rows: which neurons fired, a bit each, and their counts where they can exceed 1
  // (Poisson; else `raster` is empty). Bits rather than a count per neuron: a 5000-neuron row
  // is 640 bytes to write and to scan instead of 10 kB. Hosts: bit_words per segment, and
  // segment_spikes says which segments to read. GPUs (a segment is one neuron): one row of bits
  // over the batch, neuron i at bit i % 64 of word i / 64, set by an atomic or (the same bits
  // in any order); the engine zeroes the rows before a stretch, and segment_spikes is empty.
  static constexpr bool neuron_bits = segment == 1;
  static constexpr int bit_words = segment > 1 ? (segment + 63) / 64 : 0;      // per segment
  Kokkos::View<std::uint64_t**, Kokkos::LayoutRight, MemorySpace> spike_bits;  // [row][word]
  Kokkos::View<spike_count_t**, Kokkos::LayoutRight, MemorySpace> raster;      // [row][neuron]
  // Each segment's counts are a column of their own ((row, segment) at segment * rows + row), so
  // that threads stepping different networks never write into one cache line (a row of the
  // counts over the batch would be written by all of them, step after step).
  Kokkos::View<std::uint8_t**, Kokkos::LayoutLeft, MemorySpace> segment_spikes;  // (row, seg)
  count_view clipped, non_finite;                                                // per network
  BlockSpikes<MemorySpace> spiked;  // out: the spikes of every segment, for the push
  // Each neuron's Bernoulli uniforms for the steps of draw_block(step), a 24-bit draw in the top
  // bits of each word: one Philox call serves five steps. `refresh`: compute them (first step
  // of a block, or after a restore).
  Kokkos::View<std::uint32_t**, Kokkos::LayoutRight, MemorySpace> draws;  // [5][N + lanes]
  Kokkos::View<const network_id_t*, MemorySpace> neuron_network;  // global id of each neuron
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
    return ring_back(slot, 1 + lag, model.kernel_length);
  }
  // Neurons n rounded up to whole vectors.
  KOKKOS_INLINE_FUNCTION static int whole(int n) { return (n + lanes - 1) / lanes * lanes; }

  // The input g of neurons i0 .. i0 + n - 1 (n <= segment, any networks) as the step computes it,
  // with every lag of the self kernel: r (coupled + self) + background (+ E), each sum in
  // ascending lag, so the result is the same on every backend, thread count and group cut. With
  // `update` the trace takes in the previous step's drive for good. g[l] receives the batch
  // network of neuron i0 + l.
  KOKKOS_INLINE_FUNCTION void inputs(const ordinal_t i0, const int n, const bool update, int* g,
                                     real_t* out) const {
    for (int l = 0; l < n; ++l) g[l] = network_of(i0 + l);
    const auto runs = [&](const auto& run) {  // runs of one network
      for (int a = 0, e = 0; a < n; a = e) {
        for (e = a + 1; e < n && g[e] == g[a];) ++e;
        run(-1, i0 + a, e - a, g[a]);
      }
    };
    lane_inputs(i0, n, update, runs, lane.from(i0), out);
  }

  // The step of group q: segments group_start(q) .. group_start(q + 1) - 1 (several small
  // networks, or one segment of a large one), stage by stage over all their lanes, so that the
  // vectors are independent work in flight (a 20-neuron network alone is 3 vectors: too few to
  // hide the latency of the nonlinearity).
  // The parameters are scalars when the group is one network or the batch's networks share
  // them (no loads per lane), else each lane's own.
  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t q) const {
    const ordinal_t b0 = group_start(q), b1 = group_start(q + 1);
    const int g = network(b0);
    if (lane.shared || g == network(b1 - 1))
      step_group(b0, b1, network_parameters(model, g));
    else
      step_group(b0, b1, lane.from(block_start(b0)));
  }

 private:
  template <class P>
  KOKKOS_INLINE_FUNCTION void step_group(const ordinal_t b0, const ordinal_t b1,
                                         const StageParameters<P>& p) const {
    const ordinal_t i0 = block_start(b0);
    const int n = static_cast<int>(block_start(b1) - i0), m = whole(n);
    real_t in[segment], lambda[segment];
    spike_count_t x[segment];
    std::uint32_t clip[segment];
    const auto segments = [&](const auto& run) {
      for (ordinal_t b = b0; b < b1; ++b) run(b, block_start(b), size(b), network(b));
    };
    lane_inputs(i0, n, true, segments, p, in);
    if (refresh && model.emission == Emission::bernoulli) refresh_draws(i0, i0 + n);
    const bool sigmoid_bernoulli =
        model.nonlinearity == Nonlinearity::sigmoid && model.emission == Emission::bernoulli;
    if (sigmoid_bernoulli) {  // the common GLM: no rate needed, only the draw
      draw_sigmoid_bernoulli(i0, m, p, in, x, clip);
    } else {
      nonlinearity(m, p, in, lambda);
      emission(i0, n, m, p, lambda, x, clip);
    }
    store(b0, b1, i0, n, x);
    count(b0, b1, i0, n, p, in, sigmoid_bernoulli ? nullptr : lambda, clip);
  }

  KOKKOS_INLINE_FUNCTION int size(ordinal_t b) const {
    return static_cast<int>(block_start(b + 1) - block_start(b));
  }
  KOKKOS_INLINE_FUNCTION int network(ordinal_t b) const { return network_of(block_start(b)); }

  template <class P>
  KOKKOS_INLINE_FUNCTION void emission(const ordinal_t i0, const int n, const int m,
                                       const StageParameters<P>& p, const real_t* lambda,
                                       spike_count_t* x, std::uint32_t* clip) const {
    switch (model.emission) {
      case Emission::bernoulli:
        return bernoulli(i0, m, p, lambda, x, clip);
      case Emission::threshold:
        for (int l = 0; l < m; ++l) x[l] = lambda[l] > real_t(0) ? 1 : 0, clip[l] = 0;
        return;
      default:
        for (int l = 0; l < n; ++l)
          x[l] = emit_other(i0 + l, network_of(i0 + l), lambda[l], clip[l]);
        for (int l = n; l < m; ++l) x[l] = 0, clip[l] = 0;  // (whole vectors, as the others)
    }
  }

  // Counted per network: the clipped probabilities or means, and the non-finite ones (rare: a
  // pass over the group's lanes finds whether there are any).
  // lambda null: the rates were not computed (draw_sigmoid_bernoulli), and are finite iff the
  // inputs are.
  template <class P>
  KOKKOS_INLINE_FUNCTION void count(const ordinal_t b0, const ordinal_t b1, const ordinal_t i0,
                                    const int n, const StageParameters<P>& p, const real_t* in,
                                    const real_t* lambda, const std::uint32_t* clip) const {
    const P& dt = p.dt;
    std::uint32_t bad = 0;
    if (lambda)  // & (not &&): no branch
      for (int l = 0; l < n; ++l)
        bad |= clip[l] | (1u ^ (static_cast<std::uint32_t>(is_finite(in[l])) &
                                static_cast<std::uint32_t>(is_finite(lambda[l] * dt[l]))));
    else
      for (int l = 0; l < n; ++l) bad |= clip[l] | (is_finite(in[l]) ? 0u : 1u);
    if (bad == 0) return;
    for (ordinal_t b = b0; b < b1; ++b) {
      const int o = static_cast<int>(block_start(b) - i0), e = o + size(b), g = network(b);
      std::uint32_t n_clip = 0, n_nan = 0;
      for (int l = o; l < e; ++l) {
        n_clip += clip[l];
        n_nan += is_finite(in[l]) && (!lambda || is_finite(lambda[l] * dt[l])) ? 0u : 1u;
      }
      if (n_clip) Kokkos::atomic_add(&clipped(g), std::uint64_t(n_clip));
      if (n_nan) Kokkos::atomic_add(&non_finite(g), std::uint64_t(n_nan));
    }
  }

  // Input of the neurons i0 .. i0 + n - 1 in whole vectors (the lanes past n are computed from
  // whatever follows, and neither stored nor used). `runs(run)` calls run(segment, first,
  // count, network) for consecutive runs of one network that cover the n neurons: the self
  // kernel acts per run (segment -1: every lag), and so does the coupling unless every network
  // couples alike.
  template <class Runs, class P>
  KOKKOS_INLINE_FUNCTION void lane_inputs(const ordinal_t i0, const int n, const bool update,
                                          const Runs& runs, const StageParameters<P>& p,
                                          real_t* out) const {
    const int m = whole(n);
    real_t coupled[segment], self[segment];
    // Written vector by vector: a plain loop would become two memset calls (a call costs more
    // than the stores).
    for (int v = 0; v < m; v += lanes)
      for (int l = v; l < v + lanes; ++l) coupled[l] = real_t(0), self[l] = real_t(0);
    if (lane.shared_coupling)
      coupled_input(network_of(i0), i0, n, update, coupled);
    else
      runs([&](ordinal_t, const ordinal_t first, const int count, const int g) {
        coupled_input(g, first, count, update, coupled + (first - i0));
      });
    if (model.self_length > 0)
      runs([&](const ordinal_t seg, const ordinal_t first, const int count, const int g) {
        if (first == i0 && count == n)     // one run: whole vectors into the array itself, which
          self_term(seg, i0, m, g, self);  // the compiler then keeps in registers
        else
          self_term(seg, first, count, g, self + (first - i0));
      });
    const P &r = p.r, &b = p.b;
    for (int l = 0; l < m; ++l) out[l] = r[l] * (coupled[l] + self[l]) + b[l];
    if (model.noise != BackgroundNoise::none)
      for (int l = 0; l < n; ++l) {
        const int g = network_of(i0 + l);
        out[l] = r[l] * (coupled[l] + self[l]) +
                 drawn_background(model.noise, b[l], model.noise_sigma(g), model.noise_rho(g), seed,
                                  network_ids(g), static_cast<std::uint32_t>(local_neuron(i0 + l)),
                                  step);
      }
    if (stimuli.count > 0)
      runs([&](ordinal_t, const ordinal_t first, const int count, const int g) {
        stimuli.add_inputs(g, first, count, stimulus_time, out + (first - i0));
      });
  }

  // Adds the coupled input of network g's parameters to neurons i0 .. i0 + n - 1: the kernel
  // over the drive ring in ascending lag, or the trace, y <- decay y + gain D(t-1) -
  // tail D(t-1-window) (stored with `update`). The n real lanes only (the padding keeps its
  // zeros): the drive's rows past them may be another thread's (a unit of networks, or a block
  // of rows), which it may be pushing into meanwhile.
  KOKKOS_INLINE_FUNCTION void coupled_input(const int g, const ordinal_t i0, const int n,
                                            const bool update,
                                            real_t* KOKKOS_RESTRICT coupled) const {
    if (model.coupling == Coupling::kernel) {
      for (int lag = 0; lag < model.kernel_length; ++lag) {
        const real_t c = model.coupling_kernel(g, lag);
        const real_t* KOKKOS_RESTRICT d = &drive(past(lag), i0);
        for (int l = 0; l < n; ++l) coupled[l] += c * d[l];
      }
      return;
    }
    real_t* KOKKOS_RESTRICT y = &trace(i0);
    if (!trace_pending) {
      for (int l = 0; l < n; ++l) coupled[l] = y[l];
      return;
    }
    const int window = model.trace_window(g);
    const real_t decay = model.trace_decay(g), gain = model.trace_gain(g);
    const real_t tail = window > 0 ? model.trace_tail(g) : real_t(0);
    const real_t* KOKKOS_RESTRICT d0 = &drive(past(0), i0);
    const real_t* KOKKOS_RESTRICT dw = &drive(past(window > 0 ? window : 0), i0);
    // The trace stored in the same loop: a copy loop of its own would become a memcpy call.
    for (int l = 0; l < n; ++l) {
      real_t c = decay * y[l] + gain * d0[l];
      if (window > 0) c = c - tail * dw[l];
      coupled[l] = c;
      if (update) y[l] = c;
    }
  }

  // Adds sum over lags of self(lag) x(t-1-lag), ascending, to neurons i0 .. i0 + n - 1 of
  // network g: only the lags where a neuron of segment b spiked (b < 0: all), which gives the
  // same bits (self_history.hpp).
  KOKKOS_INLINE_FUNCTION void self_term(const ordinal_t b, const ordinal_t i0, const int n,
                                        const int g, real_t* KOKKOS_RESTRICT self) const {
    const int words = history_words(model.self_length);
    const history_word top = top_word_mask(model.self_length);
    for (int w = 0; w < words; ++w) {
      history_word bits =
          b >= 0 ? history(w, spiked.slot(b)) : (w == words - 1 ? top : ~history_word(0));
      for (; bits != 0; bits &= bits - 1) {
        const int lag = w * history_bits + lowest_bit(bits);
        const real_t c = model.self_kernel(g, lag);
        const real_t* KOKKOS_RESTRICT x = &spikes(past(lag), i0);
        for (int l = 0; l < n; ++l) self[l] += c * x[l];
      }
    }
  }

  // lambda = gain phi(slope (g - theta)) with each neuron's parameters, for m (whole vectors)
  // neurons from i0. A NaN input stays NaN through every phi but the rectifier (0); an infinite
  // one goes to phi's limit. Either is counted as non-finite by the caller; the emission clips
  // as usual.
  template <class P>
  KOKKOS_INLINE_FUNCTION void nonlinearity(const int m, const StageParameters<P>& p,
                                           const real_t* in, real_t* lambda) const {
    switch (model.nonlinearity) {
      case Nonlinearity::sigmoid:
        return nonlinearity_of<Nonlinearity::sigmoid>(m, p, in, lambda);
      case Nonlinearity::exponential:
        return nonlinearity_of<Nonlinearity::exponential>(m, p, in, lambda);
      case Nonlinearity::rectified_linear:
        return nonlinearity_of<Nonlinearity::rectified_linear>(m, p, in, lambda);
      case Nonlinearity::identity:
        return nonlinearity_of<Nonlinearity::identity>(m, p, in, lambda);
      case Nonlinearity::softplus:
        return nonlinearity_of<Nonlinearity::softplus>(m, p, in, lambda);
      case Nonlinearity::erfc:
        return nonlinearity_of<Nonlinearity::erfc>(m, p, in, lambda);
      case Nonlinearity::extension:
      default:
        return nonlinearity_of<Nonlinearity::extension>(m, p, in, lambda);
    }
  }

  // One nonlinearity fixed at compile time: a branch-free loop.
  template <Nonlinearity F, class P>
  KOKKOS_INLINE_FUNCTION void nonlinearity_of(const int m, const StageParameters<P>& p,
                                              const real_t* in, real_t* lambda) const {
    const P &theta = p.theta, &gain = p.gain, &slope = p.slope;
    if constexpr (F == Nonlinearity::sigmoid) {  // apply_nonlinearity's, with the capped exp
      for (int l = 0; l < m; ++l)
        lambda[l] = gain[l] / sigmoid_denominator(slope[l] * (in[l] - theta[l]));
    } else {
      for (int l = 0; l < m; ++l)
        lambda[l] = apply_nonlinearity(F, in[l], theta[l], gain[l], slope[l], extension);
    }
  }

  // Sigmoid and Bernoulli in one, without the division: with D = sigmoid_denominator(x) (x =
  // slope (g - theta)) and G = gain dt, p = G / D, and
  // the neuron fires iff u D < G, u the 24-bit uniform of the step's draw (bernoulli()), and x is
  // not below -sigmoid_cap: there p < 1.8e-35 G, and the draw u = 0 (1 in 2^24) had fired it
  // (absolute refractoriness at -1000 broken ~6e-8 per neuron-step). Clipping falls out of the
  // comparison: G > D (p > 1) always fires since u < 1, G < 0 never does. NaN inputs make D NaN:
  // no spike, counted clipped and non-finite (count()). D is finite for any other input
  // (fast_exp clamps), so the rate is finite iff the input is.
  template <class P>
  KOKKOS_INLINE_FUNCTION void draw_sigmoid_bernoulli(const ordinal_t i0, const int m,
                                                     const StageParameters<P>& p, const real_t* in,
                                                     spike_count_t* x, std::uint32_t* clip) const {
    const P &theta = p.theta, &slope = p.slope, &gain = p.gain, &dt = p.dt;
    const std::uint32_t* KOKKOS_RESTRICT u = &draws(draw_index(step), i0);
    for (int l = 0; l < m; ++l) {
      const real_t s = slope[l] * (in[l] - theta[l]), D = sigmoid_denominator(s);
      const real_t G = gain[l] * dt[l];
      clip[l] = (G >= real_t(0) && G <= D) ? 0u : 1u;
      x[l] = random::to_unit_float(u[l]) * D < G && s >= -sigmoid_cap ? 1 : 0;
    }
  }

  // Bernoulli with p = lambda dt (float): spike iff the 24-bit uniform of the step's draw is below
  // p (draw_bernoulli24). p outside [0, 1] or NaN is clipped (to 1 above, else 0). The draw is
  // 24-bit piece draw_index(step) of Philox(seed; neuron, network, draw_block(step),
  // bernoulli_block) (refresh_draws): a pure function of (seed, network, neuron, step), whichever
  // step computed and cached the five.
  template <class P>
  KOKKOS_INLINE_FUNCTION void bernoulli(const ordinal_t i0, const int m,
                                        const StageParameters<P>& p, const real_t* lambda,
                                        spike_count_t* x, std::uint32_t* clip) const {
    const P& dt = p.dt;
    const std::uint32_t* KOKKOS_RESTRICT u = &draws(draw_index(step), i0);
    for (int l = 0; l < m; ++l) {
      real_t p = lambda[l] * dt[l];
      clip[l] = (p >= real_t(0) && p <= real_t(1)) ? 0u : 1u;
      p = clip[l] ? (p > real_t(1) ? real_t(1) : real_t(0)) : p;
      x[l] = draw_bernoulli24(p, u[l]) ? 1 : 0;
    }
  }

  // The Bernoulli draws of neurons [i0, i1) (a group: several networks) for the five steps of
  // draw_block(step): one pass over the whole range, each neuron with its own network id and
  // index, so that hosts draw eight neurons per Philox pass without a short tail per 20-neuron
  // network; then each call's 128 bits are cut into the five 24-bit draws (five_draws).
  KOKKOS_INLINE_FUNCTION void refresh_draws(const ordinal_t i0, const ordinal_t i1) const {
    static_assert(sizeof(ordinal_t) == sizeof(std::uint32_t), "local indices are 32-bit words");
    const int n = static_cast<int>(i1 - i0);
    std::uint32_t* KOKKOS_RESTRICT d0 = &draws(0, i0);
    std::uint32_t* KOKKOS_RESTRICT d1 = &draws(1, i0);
    std::uint32_t* KOKKOS_RESTRICT d2 = &draws(2, i0);
    std::uint32_t* KOKKOS_RESTRICT d3 = &draws(3, i0);
    std::uint32_t* KOKKOS_RESTRICT d4 = &draws(4, i0);
    random::philox_bits_n(seed, &neuron_network(i0),
                          reinterpret_cast<const std::uint32_t*>(&local_neuron(i0)),
                          draw_block(step), random::bernoulli_block, n, {d0, d1, d2, d3});
    for (int l = 0; l < n; ++l) {
      std::uint32_t d[draws_per_call];
      random::five_draws(d0[l], d1[l], d2[l], d3[l], d);
      d0[l] = d[0], d1[l] = d[1], d2[l] = d[2], d3[l] = d[3], d4[l] = d[4];
    }
  }

  // Writes the group's spikes: ring and recorded row over its lanes, then per segment its spike
  // list, recorded bits and self history, from the bits of the lanes that fired (spike_masks.hpp).
  // (Raw pointers: a store through a View could alias the functor's own members for the
  // compiler, which then reloads them every iteration and does not vectorise.)
  KOKKOS_INLINE_FUNCTION void store(const ordinal_t b0, const ordinal_t b1, const ordinal_t i0,
                                    const int n, spike_count_t* KOKKOS_RESTRICT x) const {
    real_t* KOKKOS_RESTRICT ring = &spikes(slot, i0);
    if (record_row >= 0 && raster.extent(0) > 0) {  // one loop with both stores (a copy loop
      spike_count_t* KOKKOS_RESTRICT row = &raster(record_row, i0);  // alone becomes a memcpy)
      for (int l = 0; l < n; ++l) ring[l] = static_cast<real_t>(x[l]), row[l] = x[l];
    } else {
      for (int l = 0; l < n; ++l) ring[l] = static_cast<real_t>(x[l]);
    }
    // The lanes that fired. Hosts read whole chunks: the lanes past the whole vectors computed
    // are zeroed first (vector by vector: no memset call).
    std::uint64_t fired[segment / 64 + 2];
    if constexpr (segment % mask_chunk == 0) {
      for (int v = whole(n); v % mask_chunk != 0; v += lanes)
        for (int l = v; l < v + lanes; ++l) x[l] = 0;
      spike_mask_chunks(x, n, fired);
    } else {
      spike_mask_lanes(x, n, fired);
    }
    for (ordinal_t b = b0; b < b1; ++b) {
      const ordinal_t s0 = block_start(b);
      const int o = static_cast<int>(s0 - i0), size_b = size(b);
      constexpr int words = (segment + 63) / 64;
      std::uint64_t bits[words];
      for (int w = 0; w < words; ++w) {
        const int left = size_b - 64 * w;
        const std::uint64_t word = left > 0 ? mask_word(fired, o + 64 * w) : 0;
        bits[w] = left >= 64 ? word : word & ((std::uint64_t(1) << (left > 0 ? left : 0)) - 1);
      }
      int k = 0;
      ordinal_t* KOKKOS_RESTRICT list = &spiked.list(s0);
      for (int w = 0; w < words; ++w)
        for (std::uint64_t left = bits[w]; left != 0; left &= left - 1)
          list[k++] = s0 + 64 * w + lowest_bit(left);
      spiked.count(b) = k;
      if (record_row >= 0) record(b, s0, k, bits);
      if (model.self_length > 0) shift_history(b, k > 0);
    }
  }

  // The recorded bits of segment b (first neuron s0) and its count of spikes k.
  KOKKOS_INLINE_FUNCTION void record(const ordinal_t b, const ordinal_t s0, const int k,
                                     const std::uint64_t* KOKKOS_RESTRICT bits) const {
    static_assert(segment <= 255, "a segment's spike count fits a byte");
    if constexpr (neuron_bits) {
      if (k > 0)  // (unsigned long long: CUDA's native atomicOr)
        Kokkos::atomic_fetch_or(
            reinterpret_cast<unsigned long long*>(&spike_bits(record_row, s0 / 64)),
            1ull << (s0 % 64));
    } else {
      segment_spikes(record_row, b) = static_cast<std::uint8_t>(k);
    }
    if constexpr (bit_words > 0) {
      std::uint64_t* KOKKOS_RESTRICT row = &spike_bits(record_row, b * bit_words);
      for (int w = 0; w < bit_words; ++w) row[w] = bits[w];
    }
  }

  // Shifts lag 0 (whether segment b spiked) into its self history, from the top word down.
  KOKKOS_INLINE_FUNCTION void shift_history(const ordinal_t b, const bool spiked_now) const {
    const int words = history_words(model.self_length);
    const history_word top = top_word_mask(model.self_length);
    const ordinal_t at = spiked.slot(b);
    for (int w = words - 1; w >= 0; --w) {
      const history_word below =
          w > 0 ? history(w - 1, at) >> (history_bits - 1) : (spiked_now ? 1 : 0);
      const history_word bits = (history(w, at) << 1) | below;
      history(w, at) = w == words - 1 ? bits & top : bits;
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
