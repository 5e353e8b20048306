#pragma once
// Exports of an output file for other tools: SONATA spikes (one population per network, times
// in ms, sorted by time) and SONATA edges, or the predecessor's dense .npy matrices.
#include <cstdint>
#include <string>

namespace kascade {

// <dir>/spikes.h5 and <dir>/edges.h5; populations are named network_<g>.
void export_sonata(const std::string& output_file, const std::string& dir);

// <dir>/<g>.npy, float32 [N, N] with W[presynaptic][postsynaptic]; refuses networks larger than
// `max_neurons` (dense matrices grow as N^2).
void export_npy(const std::string& output_file, const std::string& dir, std::int64_t max_neurons);

}  // namespace kascade
