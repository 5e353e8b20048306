#pragma once
// A batch: the block-diagonal union of several networks as one KokkosSparse::CrsMatrix whose
// rows are postsynaptic neurons, plus the maps from batch neuron to (network, local neuron).
#include <Kokkos_Core.hpp>
#include <KokkosSparse_CrsMatrix.hpp>
#include <vector>

#include "kascade/core/types.hpp"
#include "kascade/network/network.hpp"

namespace kascade {

// One synapse in the column-major copy: its postsynaptic neuron and its weight.
struct ColumnEntry {
  ordinal_t row;
  real_t weight;
};
static_assert(sizeof(ColumnEntry) == 8, "8 bytes per synapse in the column-major copy");

template <class MemorySpace>
struct Batch {
  using memory_space = MemorySpace;
  using execution_space = typename MemorySpace::execution_space;
  using device_type = Kokkos::Device<execution_space, memory_space>;
  using matrix_type = KokkosSparse::CrsMatrix<real_t, ordinal_t, device_type, void, offset_t>;

  matrix_type weights;  // rows: postsynaptic neurons (the dense path: KokkosSparse::spmv)
  // The same weights by presynaptic neuron (column-major, rows ascending within a column): the
  // event-driven path pushes only the columns of neurons that spiked. Row and weight side by side
  // (8 bytes): a column is one memory stream, not two (measured 25 % faster on a 5000-neuron push).
  Kokkos::View<offset_t*, MemorySpace> column_ptr;             // size n_neurons + 1
  Kokkos::View<ColumnEntry*, MemorySpace> column_entry;        // in column order
  Kokkos::View<ordinal_t*, MemorySpace> neuron_offset_device;  // = neuron_offset
  Kokkos::View<ordinal_t*, MemorySpace> network_of;      // batch neuron -> batch network index
  Kokkos::View<ordinal_t*, MemorySpace> local_neuron;    // batch neuron -> index in its network
  Kokkos::View<network_id_t*, MemorySpace> network_ids;  // batch network index -> global id
  std::vector<network_id_t> host_network_ids;
  std::vector<ordinal_t> neuron_offset;  // size n_networks + 1, host
  // Some (presynaptic, postsynaptic) pair has more than one synapse (file sources keep them):
  // a column then holds a row more than once, side by side.
  bool repeated_pairs = false;

  ordinal_t n_neurons() const { return neuron_offset.back(); }
  int n_networks() const { return static_cast<int>(host_network_ids.size()); }
};

// Builds the batch of `networks` whose global ids are `ids` (same length).
template <class MemorySpace>
Batch<MemorySpace> make_batch(const std::vector<const Network*>& networks,
                              const std::vector<network_id_t>& ids);

}  // namespace kascade
