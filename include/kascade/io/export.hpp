#pragma once
// Exports of an output file for other tools: SONATA spikes (one population per network, times
// in ms, sorted by time) and SONATA edges, or the predecessor's dense .npy matrices.
#include <cstdint>
#include <functional>
#include <string>

namespace kascade {

// Called after each network with (networks done, networks in the file).
using ExportProgress = std::function<void(std::uint64_t, std::uint64_t)>;

// <dir>/spikes.h5 and <dir>/edges.h5; populations are named network_<g>.
void export_sonata(const std::string& output_file, const std::string& dir,
                   const ExportProgress& progress = {});

// <dir>/<g>.npy, float32 [N, N] with W[presynaptic][postsynaptic]; refuses networks larger than
// `max_neurons` (dense matrices grow as N^2).
void export_npy(const std::string& output_file, const std::string& dir, std::int64_t max_neurons,
                const ExportProgress& progress = {});

}  // namespace kascade
