#pragma once
// Scalar and index types shared by every area of kascade.
#include <cstddef>
#include <cstdint>

namespace kascade {

using real_t = float;                 // weights, inputs, rates: float32 as in the predecessor
using ordinal_t = int;                // neuron index within a batch (CrsMatrix ordinal)
using offset_t = std::size_t;         // CrsMatrix row-map entries
using step_t = std::int64_t;          // simulation step (absolute, equilibration first)
using network_id_t = std::uint32_t;   // global network id within a dataset
using spike_count_t = std::uint16_t;  // spikes of one neuron in one step

// The most neurons of a network, and of a batch: 2^30, so that the kernels' 32-bit neuron indices
// may be rounded up to whole blocks, lines and pages without overflowing.
constexpr ordinal_t kMostNeurons = ordinal_t{1} << 30;

}  // namespace kascade
