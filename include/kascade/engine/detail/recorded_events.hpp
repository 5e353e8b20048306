#pragma once
// The recorded rows of a chunk turned into each network's events on the host, in (step, neuron)
// order: per segment on hosts (segment_events), one row of bits over the batch on GPUs
// (bit_events). neuron_step.hpp writes both layouts. Internal.
#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kascade/core/types.hpp"
#include "kascade/engine/detail/self_history.hpp"
#include "kascade/engine/recorder.hpp"

namespace kascade::detail {

// The network of neuron i (offset: each network's first neuron, then the number of neurons;
// i < offset.back()), searched forward from network g with offset[g] <= i: galloping, then a
// binary search, so a row's ascending neurons cost O(log distance) each.
inline int network_from(const std::vector<ordinal_t>& offset, int g, const ordinal_t i) {
  if (i < offset[static_cast<std::size_t>(g) + 1]) return g;
  const auto n = static_cast<int>(offset.size());
  int lo = g + 1, step = 1;  // offset[lo] <= i
  while (lo + step < n && offset[static_cast<std::size_t>(lo + step)] <= i) lo += step, step *= 2;
  const int hi = std::min(lo + step, n);
  return static_cast<int>(std::upper_bound(offset.begin() + lo, offset.begin() + hi, i) -
                          offset.begin()) -
         1;
}

// Appends rows [0, rows) of `bits` (row k at bits + k * stride, a bit per neuron of the batch)
// to the events of networks [g0, g1) (chunk[g] for the neurons [offset[g], offset[g + 1])) as
// step first_step + k and neuron i - offset[g], in (step, neuron) order, with count(k, i) where
// with_counts. Only those networks' bits are read (and chunk[g0 .. g1)), so disjoint ranges of
// networks may be handed over by different threads. The events are gathered flat first and
// each network's lists reserved once: growing thousands of lists spike by spike cost more than
// the walk.
template <class Count>
void bit_events(const std::uint64_t* bits, const std::size_t stride, const step_t rows,
                const std::vector<ordinal_t>& offset, const int g0, const int g1,
                const step_t first_step, const bool with_counts, const Count& count,
                std::vector<SpikeEvents>& chunk) {
  const ordinal_t n0 = offset[static_cast<std::size_t>(g0)],
                  n1 = offset[static_cast<std::size_t>(g1)];
  if (n0 >= n1) return;
  const auto w0 = static_cast<std::size_t>(n0) / 64, w1 = (static_cast<std::size_t>(n1) + 63) / 64;
  const std::uint64_t first_mask = ~std::uint64_t(0) << (n0 % 64);
  const int tail = n1 - static_cast<ordinal_t>(64 * (w1 - 1));  // neurons in the last word
  const std::uint64_t last_mask = tail >= 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << tail) - 1;
  const auto word = [&](const step_t k, const std::size_t w) {
    std::uint64_t v = bits[static_cast<std::size_t>(k) * stride + w];
    if (w == w0) v &= first_mask;
    if (w + 1 == w1) v &= last_mask;
    return v;
  };
  std::size_t total = 0;
  for (step_t k = 0; k < rows; ++k)
    for (std::size_t w = w0; w < w1; ++w)
      total += static_cast<std::size_t>(__builtin_popcountll(word(k, w)));
  std::vector<int> at_network, at_row;
  std::vector<ordinal_t> at_neuron;
  at_network.reserve(total), at_row.reserve(total), at_neuron.reserve(total);
  std::vector<std::size_t> per_network(static_cast<std::size_t>(g1 - g0), 0);
  for (step_t k = 0; k < rows; ++k) {
    int g = g0;
    for (std::size_t w = w0; w < w1; ++w)
      for (std::uint64_t set = word(k, w); set != 0; set &= set - 1) {
        const auto i = static_cast<ordinal_t>(w * 64 + static_cast<std::size_t>(lowest_bit(set)));
        g = network_from(offset, g, i);
        at_network.push_back(g), at_row.push_back(static_cast<int>(k)), at_neuron.push_back(i);
        ++per_network[static_cast<std::size_t>(g - g0)];
      }
  }
  for (int g = g0; g < g1; ++g) {
    SpikeEvents& ev = chunk[static_cast<std::size_t>(g)];
    const std::size_t more = per_network[static_cast<std::size_t>(g - g0)];
    ev.steps.reserve(ev.steps.size() + more);
    ev.neurons.reserve(ev.neurons.size() + more);
    if (with_counts) ev.counts.reserve(ev.counts.size() + more);
  }
  for (std::size_t e = 0; e < total; ++e) {
    const auto g = static_cast<std::size_t>(at_network[e]);
    const int k = at_row[e];
    const ordinal_t i = at_neuron[e];
    SpikeEvents& ev = chunk[g];
    ev.steps.push_back(first_step + k);
    ev.neurons.push_back(static_cast<std::uint32_t>(i - offset[g]));
    if (with_counts) ev.counts.push_back(count(k, i));
  }
}

// The first network of each of `pieces` ranges of whole networks, about even in neurons, then
// the number of networks (`offset`: each network's first neuron, then the number of neurons).
inline std::vector<int> network_pieces(const std::vector<ordinal_t>& offset, const int pieces) {
  const int networks = static_cast<int>(offset.size()) - 1;
  std::vector<int> first{0};
  for (int p = 1; p < pieces; ++p) {
    const double target = static_cast<double>(offset.back()) * p / pieces;
    const int g = static_cast<int>(std::lower_bound(offset.begin(), offset.end() - 1, target) -
                                   offset.begin());
    first.push_back(std::max(first.back(), std::min(g, networks)));
  }
  first.push_back(networks);
  return first;
}

// f(g0, g1) for a range of whole networks [g0, g1) on each of the host's threads (network_pieces
// over `offset`); returns when all are done.
template <class F>
void on_network_ranges(const std::vector<ordinal_t>& offset, const F& f) {
  using Host = Kokkos::DefaultHostExecutionSpace;
  const int threads = Host().concurrency();
  const std::vector<int> first = network_pieces(offset, threads);
  Kokkos::parallel_for(
      "kascade::hand_over", Kokkos::RangePolicy<Host>(0, threads), [&](const int p) {
        f(first[static_cast<std::size_t>(p)], first[static_cast<std::size_t>(p) + 1]);
      });
  Host().fence();
}

// bit_events over the whole batch on the host's threads, a range of whole networks each (on a
// GPU node the host walks every recorded bit of the batch: for 10^4 small networks most of a
// step, measured on an H200 with one host thread).
template <class Count>
void bit_events_on_host_threads(const std::uint64_t* bits, const std::size_t stride,
                                const step_t rows, const std::vector<ordinal_t>& offset,
                                const step_t first_step, const bool with_counts, const Count& count,
                                std::vector<SpikeEvents>& chunk) {
  on_network_ranges(offset, [&](const int g0, const int g1) {
    bit_events(bits, stride, rows, offset, g0, g1, first_step, with_counts, count, chunk);
  });
}

// The top bit of each nonzero byte of v (no branch per byte: a row's segments fire at random).
inline std::uint64_t nonzero_bytes(const std::uint64_t v) {
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the bytes of a row, lowest first");
  constexpr std::uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
  return (((v & low7) + low7) | v) & ~low7;
}

// Host layout: column b of `fired` holds segment b's spike count (a byte) in each row, row k of
// `bits` `words` words per segment (0: segments of one neuron), segment b starting at neuron
// starts[b].
struct SegmentRows {
  const std::uint8_t* fired = nullptr;  // row k of segment b at fired[b * fired_stride + k]
  std::size_t fired_stride = 0;
  const std::uint64_t* bits = nullptr;
  std::size_t bits_stride = 0;
  int words = 0;
  const int* network = nullptr;  // the batch network of each segment
};

// Rows [k0, k1) of the whole networks [g0, g1) (`offset`: each network's first neuron, then the
// number of neurons; segment b starts at neuron starts[b], and segments never straddle networks),
// appended to out[g - g0] as step first_step + k and neuron i - offset[g], with count(k, i) where
// with_counts, in (step, neuron) order. The counts are summed to reserve each network's lists,
// then a network of one segment reads its counts eight rows at a time; only the segments that
// fired have their bits read. (Raw pointers: View indexing in the caller's lambda reloaded
// the View's fields at every access, ~6 % of a step of small networks.)
template <class Count>
void segment_events(const SegmentRows& r, const std::vector<ordinal_t>& starts,
                    const std::vector<ordinal_t>& offset, const int g0, const int g1,
                    const step_t k0, const step_t k1, const step_t first_step,
                    const bool with_counts, const Count& count, SpikeEvents* out) {
  const auto segment_of = [&](const ordinal_t i) {
    return static_cast<std::size_t>(std::lower_bound(starts.begin(), starts.end(), i) -
                                    starts.begin());
  };
  const std::size_t b0 = segment_of(offset[static_cast<std::size_t>(g0)]),
                    b1 = segment_of(offset[static_cast<std::size_t>(g1)]);
  const auto words = static_cast<std::size_t>(r.words);
  const auto fired = [&](const std::size_t b, const step_t k) {
    return r.fired[b * r.fired_stride + static_cast<std::size_t>(k)];
  };
  // visit(k, b, g): every segment b in [b0, b1) of network g that fired in row k, network by
  // network, each in (row, segment) order.
  std::vector<std::uint64_t> fired_masks;
  const auto fired_segments = [&](const auto& visit) {
    for (std::size_t b = b0, e = b0; b < b1; b = e) {
      const int g = r.network[b];
      while (e < b1 && r.network[e] == g) ++e;  // the network's segments [b, e)
      if (e == b + 1) {                         // one segment: eight rows at a time
        const std::uint8_t* column = &r.fired[b * r.fired_stride];
        for (step_t k = k0; k < k1; k += 8) {
          std::uint64_t eight = 0;  // rows k .. k + 7, the first in the lowest byte
          if (k + 8 <= k1)
            std::memcpy(&eight, column + k, 8);
          else
            for (step_t j = k; j < k1; ++j) eight |= std::uint64_t(column[j]) << (8 * (j - k));
          for (std::uint64_t m = nonzero_bytes(eight); m != 0; m &= m - 1)
            visit(k + lowest_bit(m) / 8, b, g);
        }
      } else {  // several: which of them fired, a bit per segment and row, then row by row
        const std::size_t windows = (e - b + 63) / 64;  // 64 segments a word
        fired_masks.assign(static_cast<std::size_t>(k1 - k0) * windows, 0);
        for (std::size_t s = b; s < e; ++s) {
          const std::uint8_t* column = &r.fired[s * r.fired_stride];
          const std::uint64_t bit = std::uint64_t(1) << ((s - b) % 64);
          std::uint64_t* mask = fired_masks.data() + (s - b) / 64;
          for (step_t k = k0; k < k1; ++k)  // (no branch: about half the segments fire per row)
            mask[static_cast<std::size_t>(k - k0) * windows] |=
                bit & (0 - std::uint64_t(column[k] != 0));
        }
        for (step_t k = k0; k < k1; ++k)
          for (std::size_t w = 0; w < windows; ++w)
            for (std::uint64_t m = fired_masks[static_cast<std::size_t>(k - k0) * windows + w];
                 m != 0; m &= m - 1)
              visit(k, b + 64 * w + static_cast<std::size_t>(lowest_bit(m)), g);
      }
    }
  };
  std::vector<std::size_t> more(static_cast<std::size_t>(g1 - g0), 0);  // each network's events
  for (std::size_t b = b0; b < b1; ++b) {
    std::size_t sum = 0;  // (a sum over the segment's column: no walk of the segments that fired)
    for (step_t k = k0; k < k1; ++k) sum += fired(b, k);
    more[static_cast<std::size_t>(r.network[b] - g0)] += sum;
  }
  for (int g = g0; g < g1; ++g) {
    SpikeEvents& ev = out[g - g0];
    const std::size_t m = more[static_cast<std::size_t>(g - g0)];
    ev.steps.reserve(ev.steps.size() + m);
    ev.neurons.reserve(ev.neurons.size() + m);
    if (with_counts) ev.counts.reserve(ev.counts.size() + m);
  }
  fired_segments([&](const step_t k, const std::size_t b, const int g) {
    SpikeEvents& ev = out[g - g0];
    const ordinal_t first = offset[static_cast<std::size_t>(g)];
    const auto add = [&](const ordinal_t i) {
      ev.steps.push_back(first_step + k);
      ev.neurons.push_back(static_cast<std::uint32_t>(i - first));
      if (with_counts) ev.counts.push_back(count(static_cast<int>(k), i));
    };
    if (words == 0) return add(starts[b]);  // a segment of one neuron
    const std::uint64_t* bits = r.bits + static_cast<std::size_t>(k) * r.bits_stride + b * words;
    for (std::size_t w = 0; w < words; ++w)
      for (std::uint64_t set = bits[w]; set != 0; set &= set - 1)
        add(starts[b] + static_cast<ordinal_t>(w * 64) + lowest_bit(set));
  });
}

// The events of units of whole networks, made by whoever stepped them: on host stretches
// (step_stretch.hpp) the thread that stepped a unit makes its events right after its last step,
// while the unit's recorded rows are still in that core's caches, instead of a second launch
// over the batch after the stretch.
struct UnitEvents {
  virtual ~UnitEvents() = default;
  // The events of the networks of neurons [first, end) (whole networks).
  virtual void operator()(ordinal_t first, ordinal_t end) const = 0;
};

// A chunk's rows of T on the host ((row, ...)).
template <class T, class Layout = Kokkos::LayoutRight>
using HostRows = Kokkos::View<const T**, Layout, Kokkos::HostSpace>;

// segment_events over rows [0, rows) of whole networks into chunk[g] (the host layout), with
// the counts of `counts` ([row][neuron]) where with_counts.
class SegmentUnitEvents final : public UnitEvents {
 public:
  SegmentUnitEvents(const SegmentRows& recorded, const std::vector<ordinal_t>& starts,
                    const std::vector<ordinal_t>& offset, const step_t rows,
                    const step_t first_step, const bool with_counts,
                    const HostRows<spike_count_t>& counts, SpikeEvents* chunk)
      : recorded_(recorded),
        starts_(starts),
        offset_(offset),
        rows_(rows),
        first_step_(first_step),
        with_counts_(with_counts),
        counts_(counts),
        chunk_(chunk) {}

  void operator()(const ordinal_t first, const ordinal_t end) const override {
    networks(network_at(first), network_at(end));
  }
  void networks(const int g0, const int g1) const { rows(g0, g1, 0, rows_, chunk_ + g0); }
  // Rows [k0, k1) of networks [g0, g1) into out[g - g0].
  void rows(const int g0, const int g1, const step_t k0, const step_t k1, SpikeEvents* out) const {
    const auto count = [this](const int k, const ordinal_t i) { return counts_(k, i); };
    segment_events(recorded_, starts_, offset_, g0, g1, k0, k1, first_step_, with_counts_, count,
                   out);
  }

 private:
  int network_at(const ordinal_t first_neuron) const {  // (a network's first neuron, or N)
    return static_cast<int>(std::lower_bound(offset_.begin(), offset_.end(), first_neuron) -
                            offset_.begin());
  }

  SegmentRows recorded_;
  const std::vector<ordinal_t>& starts_;
  const std::vector<ordinal_t>& offset_;
  step_t rows_, first_step_;
  bool with_counts_;
  HostRows<spike_count_t> counts_;
  SpikeEvents* chunk_;
};

}  // namespace kascade::detail
