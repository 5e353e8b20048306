#pragma once
// Exports of an output file for other tools: SONATA spikes (one population per network, times
// in ms, sorted by time) and SONATA edges, or the predecessor's dense .npy matrices of weights
// or of spikes.
//
// The output directory: a new or empty one, or with `overwrite` one whose files of the same names
// are replaced (other files are left alone). Every file is written into a staging folder inside
// it and moved into place only once all are complete, so a failed export leaves neither a partial
// set nor a damaged earlier export, and removes the directories it created.
#include <cstdint>
#include <functional>
#include <string>

namespace kascade {

namespace detail {
// Refuses (InputError naming `dir`) `bytes` of `what` beyond the free space of the file system
// `dir` is or would be created on; says nothing where that cannot be told.
void require_space(const std::string& dir, double bytes, const std::string& what);
}  // namespace detail

// Called after each network with (networks done, networks in the file).
using ExportProgress = std::function<void(std::uint64_t, std::uint64_t)>;

// "network_<g>", g zero-padded to the width of the largest index (network_00 .. network_11 for
// 12 networks), so that the populations' name order is the networks' order.
std::string sonata_population_name(std::uint64_t g, std::uint64_t n_networks);

// <dir>/spikes.h5 and <dir>/edges.h5, with the populations named by sonata_population_name.
void export_sonata(const std::string& output_file, const std::string& dir, bool overwrite,
                   const ExportProgress& progress = {});

// The synapses an npy export could not keep: a dense matrix holds one nonzero weight per pair.
struct NpyLosses {
  std::uint64_t zero_weights = 0;  // weight 0 (or -0, e.g. inhibitory_scale = 0): absent
  std::uint64_t merged = 0;        // a second (third ...) synapse of a pair: added into the first
};

// <dir>/<g>.npy, float32 [N, N] with W[presynaptic][postsynaptic]; refuses, before writing
// anything, a file with a network larger than `max_neurons` (dense matrices grow as N^2), and a
// directory holding other <number>.npy files, which would pass for networks of this export.
// Returns what the matrices could not hold (the caller warns).
NpyLosses export_npy(const std::string& output_file, const std::string& dir, bool overwrite,
                     std::int64_t max_neurons, const ExportProgress& progress = {});

// <dir>/<g>.npy, network g's spikes as a dense [N, steps] raster, the predecessor's simulate()
// output: uint8 (0 or 1), or uint16 counts for Poisson emissions. Refuses a file without
// recorded steps, and, before writing anything, rasters larger than the free space there and a
// directory holding other <number>.npy files.
void export_raster(const std::string& output_file, const std::string& dir, bool overwrite,
                   const ExportProgress& progress = {});

}  // namespace kascade
