#pragma once
// Connectivity from files: dense .npy matrices (the predecessor's datasets), kascade's own HDF5
// edge lists (an output file of kascade is also a valid input), and SONATA edge files. Every
// loader returns a Network (CSR, rows = postsynaptic neurons) and throws InputError with a
// one-line message naming the file and, where relevant, the dataset. File layouts are in
// docs/input-reference.md.
#include <cstdint>
#include <string>
#include <vector>

#include "kascade/network/network.hpp"

namespace kascade {

// What a file may claim of one network before anything is allocated for it (from
// simulation.memory_budget_gib: a claim of 2^40 synapses had ended in "out of memory"): a
// network of more neurons, or of more synapses, is refused naming the file.
struct LoadLimits {
  std::int64_t neurons;
  std::uint64_t synapses;
  LoadLimits(std::int64_t max_neurons = 2147483647, std::uint64_t max_synapses = UINT64_MAX)
      : neurons(max_neurons), synapses(max_synapses) {}
};

// --- Dense .npy matrices: W[j][i] is the weight j -> i (row = presynaptic), as in the
// predecessor. Entries nonzero in the file are synapses (even where float32 rounds them to 0);
// exact zeros are not, since dense form cannot hold them. Accepted dtypes: little-endian
// float32/64, (un)signed integers and bool, converted to float32; C order only.

// Paths of the *.npy files directly in `dir`, in numeric order of the last number in the name
// (2.npy before 10.npy, example_3.npy sorts by 3; ties by name); names without a number come
// last, in lexicographic order. Throws when `dir` is not a directory or holds no .npy file.
std::vector<std::string> list_npy_directory(const std::string& dir);
// `limits`: refused before the matrix's rows are read, or once its synapses pass them.
Network load_npy(const std::string& file, const LoadLimits& limits = {});
std::vector<Network> load_npy_directory(const std::string& dir);

// --- kascade HDF5 layout: /networks/n_neurons [G], /networks/synapse_offset [G+1],
// /connectivity/{source,target} [E] (neuron indices local to their network), /connectivity/weight
// [E]. Edges of network g are synapse_offset[g] .. synapse_offset[g+1]-1, in any order; exact-zero
// weights are synapses. Without /networks, the file holds one network whose size is the attribute
// n_neurons of /connectivity.
std::uint64_t count_hdf5_networks(const std::string& file);
// Reads only network g's range.
// `limits`: a network claiming more is refused before anything is allocated for it.
Network load_hdf5_network(const std::string& file, std::uint64_t g, const LoadLimits& limits = {});
// Networks [first, first + count), the file opened once (as load_hdf5_network for each).
std::vector<Network> load_hdf5_networks(const std::string& file, std::uint64_t first,
                                        std::uint64_t count, const LoadLimits& limits = {});
// Creates (or replaces) `file` with that layout, edges in CSR order (target, then source).
void write_hdf5_networks(const std::string& file, const std::vector<const Network*>& nets);

// --- SONATA edge files: one edge population is one network. Weights come from
// /edges/<pop>/<edge_group_id>/syn_weight[edge_group_index].
std::vector<std::string> sonata_populations(const std::string& file);  // sorted by name
// n_neurons = 0: one more than the largest node id. `limits`: a population of more neurons or
// edges is refused before anything is allocated for it.
Network load_sonata_population(const std::string& file, const std::string& population,
                               std::uint64_t n_neurons = 0, const LoadLimits& limits = {});
// Creates (or replaces) `file` with population populations[k] holding nets[k], all edges in
// group "0", node_population = the population's name for sources and targets.
void write_sonata_edges(const std::string& file, const std::vector<std::string>& populations,
                        const std::vector<const Network*>& nets);

}  // namespace kascade
