#pragma once
// Recorded stimulus arrays in HDF5 (kind = "loaded"): a dataset [networks][steps][neurons], or
// [networks][steps][neurons][channels] reduced by per-channel weights. Network g's slice is read
// alone, so a rank reads only its networks.
#include <cstdint>
#include <string>
#include <vector>

#include "kascade/core/types.hpp"

namespace kascade {

struct StimulusArrayShape {
  std::uint64_t networks = 0, steps = 0, neurons = 0, channels = 0;  // channels 0: a 3-D array
};

// Throws InputError naming the file and dataset when it is missing or not 3-D/4-D numeric.
StimulusArrayShape stimulus_array_shape(const std::string& file, const std::string& dataset);

// Network g's values for its first `n_neurons` neurons, [steps][n_neurons], channels reduced.
std::vector<real_t> read_stimulus_array(const std::string& file, const std::string& dataset,
                                        std::uint64_t network, ordinal_t n_neurons,
                                        const std::vector<double>& channel_weights);

}  // namespace kascade
