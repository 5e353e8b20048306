#pragma once
// The recorded rows of a chunk turned into each network's events on the host, in (step, neuron)
// order: per segment on hosts (segment_events), one row of bits over the batch on GPUs
// (bit_events). neuron_step.hpp writes both layouts. Internal.
#include <algorithm>
#include <cstdint>
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

// Appends rows [0, rows) of `bits` (row k at bits + k * stride, words_per_row words) to the
// networks' events (chunk[g] for the neurons [offset[g], offset[g + 1])) as step first_step + k
// and neuron i - offset[g], in (step, neuron) order, with count(k, i) where with_counts. The
// events are gathered flat first and each network's lists reserved once: growing thousands of
// lists spike by spike cost more than the walk.
template <class Count>
void bit_events(const std::uint64_t* bits, const std::size_t stride,
                const std::size_t words_per_row, const step_t rows,
                const std::vector<ordinal_t>& offset, const step_t first_step,
                const bool with_counts, const Count& count, std::vector<SpikeEvents>& chunk) {
  const auto row = [&](const step_t k) { return bits + static_cast<std::size_t>(k) * stride; };
  std::size_t total = 0;
  for (step_t k = 0; k < rows; ++k)
    for (std::size_t w = 0; w < words_per_row; ++w)
      total += static_cast<std::size_t>(__builtin_popcountll(row(k)[w]));
  std::vector<int> at_network, at_row;
  std::vector<ordinal_t> at_neuron;
  at_network.reserve(total), at_row.reserve(total), at_neuron.reserve(total);
  std::vector<std::size_t> per_network(chunk.size(), 0);
  for (step_t k = 0; k < rows; ++k) {
    int g = 0;
    for (std::size_t w = 0; w < words_per_row; ++w)
      for (std::uint64_t set = row(k)[w]; set != 0; set &= set - 1) {
        const auto i = static_cast<ordinal_t>(w * 64 + static_cast<std::size_t>(lowest_bit(set)));
        g = network_from(offset, g, i);
        at_network.push_back(g), at_row.push_back(static_cast<int>(k)), at_neuron.push_back(i);
        ++per_network[static_cast<std::size_t>(g)];
      }
  }
  for (std::size_t g = 0; g < chunk.size(); ++g) {
    chunk[g].steps.reserve(chunk[g].steps.size() + per_network[g]);
    chunk[g].neurons.reserve(chunk[g].neurons.size() + per_network[g]);
    if (with_counts) chunk[g].counts.reserve(chunk[g].counts.size() + per_network[g]);
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

// Host layout: row k of `fired` holds each segment's spike count (a byte), row k of `bits`
// `words` words per segment (0: segments of one neuron), segment b starting at neuron starts[b].
struct SegmentRows {
  const std::uint8_t* fired = nullptr;
  std::size_t fired_stride = 0;
  const std::uint64_t* bits = nullptr;
  std::size_t bits_stride = 0;
  int words = 0;
};

// Rows [k0, k1) of the neurons [first, last) (one network: segments never straddle networks),
// appended to ev as step first_step + k and neuron i - first, with count(k, i) where
// with_counts; only the segments that fired in a row are read. (Raw pointers: View indexing in
// the caller's lambda reloaded the View's fields at every access, ~6 % of a step of small
// networks.)
template <class Count>
void segment_events(const SegmentRows& r, const std::vector<ordinal_t>& starts,
                    const ordinal_t first, const ordinal_t last, const step_t k0, const step_t k1,
                    const step_t first_step, const bool with_counts, const Count& count,
                    SpikeEvents& ev) {
  const auto b0 = static_cast<std::size_t>(std::lower_bound(starts.begin(), starts.end(), first) -
                                           starts.begin());
  const auto b1 = static_cast<std::size_t>(std::lower_bound(starts.begin(), starts.end(), last) -
                                           starts.begin());
  const auto words = static_cast<std::size_t>(r.words);
  const auto fired_row = [&](const step_t k) {
    return r.fired + static_cast<std::size_t>(k) * r.fired_stride + b0;
  };
  std::size_t spiking = ev.steps.size();  // the neurons that fired: the events to come
  for (step_t k = k0; k < k1; ++k) {
    const std::uint8_t* f = fired_row(k);
    for (std::size_t b = 0; b < b1 - b0; ++b) spiking += f[b];
  }
  ev.steps.reserve(spiking);
  ev.neurons.reserve(spiking);
  if (with_counts) ev.counts.reserve(spiking);
  for (step_t k = k0; k < k1; ++k) {
    const std::uint8_t* f = fired_row(k);
    const std::uint64_t* row_bits =
        r.bits + static_cast<std::size_t>(k) * r.bits_stride + b0 * words;
    const auto add = [&](const ordinal_t i) {
      ev.steps.push_back(first_step + k);
      ev.neurons.push_back(static_cast<std::uint32_t>(i - first));
      if (with_counts) ev.counts.push_back(count(static_cast<int>(k), i));
    };
    for (std::size_t b = 0; b < b1 - b0; ++b) {
      if (f[b] == 0) continue;
      const ordinal_t start = starts[b0 + b];
      if (words == 0) {  // a segment of one neuron
        add(start);
        continue;
      }
      for (std::size_t w = 0; w < words; ++w)
        for (std::uint64_t set = row_bits[b * words + w]; set != 0; set &= set - 1)
          add(start + static_cast<ordinal_t>(w * 64) + lowest_bit(set));
    }
  }
}

}  // namespace kascade::detail
