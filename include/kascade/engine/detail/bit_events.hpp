#pragma once
// Recorded spikes as one row of bits per step over the whole batch (GPU backends, where the
// neuron kernel sets bit i % 64 of word i / 64 for neuron i: neuron_step.hpp), turned into each
// network's events on the host. Internal.
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

}  // namespace kascade::detail
