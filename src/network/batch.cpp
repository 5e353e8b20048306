#include "kascade/network/batch.hpp"

#include "kascade/core/error.hpp"
#include "kascade/core/huge_pages.hpp"

namespace kascade {

template <class MemorySpace>
Batch<MemorySpace> make_batch(const std::vector<const Network*>& networks,
                              const std::vector<network_id_t>& ids) {
  require(networks.size() == ids.size(), "batch: one id per network is needed");
  Batch<MemorySpace> batch;
  batch.host_network_ids = ids;
  batch.neuron_offset.assign(networks.size() + 1, 0);
  std::size_t total_neurons = 0, total_synapses = 0;
  for (std::size_t g = 0; g < networks.size(); ++g) {
    total_neurons += static_cast<std::size_t>(networks[g]->n_neurons);
    total_synapses += networks[g]->n_synapses();
    // (the synapse arrays below are allocated unfilled: every row's synapses must be there)
    require(networks[g]->row_ptr.size() == static_cast<std::size_t>(networks[g]->n_neurons) + 1 &&
                networks[g]->row_ptr.back() == networks[g]->n_synapses(),
            "batch: network " + std::to_string(ids[g]) + " has inconsistent row pointers");
    constexpr auto most_neurons = static_cast<std::size_t>(kMostNeurons);
    require(static_cast<std::size_t>(networks[g]->n_neurons) <= most_neurons,
            "batch: network " + std::to_string(ids[g]) + " has more than 2^30 neurons");
    require(total_neurons <= most_neurons,
            "batch: more than 2^30 neurons in one batch; lower simulation.batch_size");
    batch.neuron_offset[g + 1] = static_cast<ordinal_t>(total_neurons);
  }
  const auto n = static_cast<ordinal_t>(total_neurons);

  using matrix_type = typename Batch<MemorySpace>::matrix_type;
  typename matrix_type::row_map_type::non_const_type row_map("kascade::row_map", n + 1);
  // The synapses in both layouts: the pull reads every row, the push a column per spike, at
  // scattered places of what may be gigabytes: in huge pages (filled in full below).
  using column_type = typename matrix_type::index_type::non_const_type;
  using value_type = typename matrix_type::values_type::non_const_type;
  const auto columns = huge_page_view<column_type>("kascade::columns", total_synapses);
  const auto values = huge_page_view<value_type>("kascade::values", total_synapses);
  auto h_rows = Kokkos::create_mirror_view(row_map);
  auto h_cols = Kokkos::create_mirror_view(columns);
  auto h_vals = Kokkos::create_mirror_view(values);
  Kokkos::View<ordinal_t*, MemorySpace> network_of("kascade::network_of", n);
  Kokkos::View<ordinal_t*, MemorySpace> local_neuron("kascade::local_neuron", n);
  Kokkos::View<network_id_t*, MemorySpace> network_ids("kascade::network_ids", ids.size());
  auto h_net = Kokkos::create_mirror_view(network_of);
  auto h_local = Kokkos::create_mirror_view(local_neuron);
  auto h_ids = Kokkos::create_mirror_view(network_ids);

  offset_t nnz = 0;
  h_rows(0) = 0;
  for (std::size_t g = 0; g < networks.size(); ++g) {
    const Network& net = *networks[g];
    const ordinal_t first = batch.neuron_offset[g];
    h_ids(g) = ids[g];
    for (ordinal_t i = 0; i < net.n_neurons; ++i) {
      for (offset_t k = net.row_ptr[i]; k < net.row_ptr[i + 1]; ++k, ++nnz) {
        h_cols(nnz) = first + net.presynaptic[k];
        h_vals(nnz) = net.weight[k];
      }
      h_rows(first + i + 1) = nnz;
      h_net(first + i) = static_cast<ordinal_t>(g);
      h_local(first + i) = i;
    }
  }
  Kokkos::deep_copy(row_map, h_rows);
  Kokkos::deep_copy(columns, h_cols);
  Kokkos::deep_copy(values, h_vals);
  Kokkos::deep_copy(network_of, h_net);
  Kokkos::deep_copy(local_neuron, h_local);
  Kokkos::deep_copy(network_ids, h_ids);

  batch.weights = matrix_type("kascade::weights", n, n, static_cast<offset_t>(total_synapses),
                              values, row_map, columns);

  // Transpose by counting sort: walking rows in ascending order keeps each column's rows sorted.
  batch.column_ptr = decltype(batch.column_ptr)("kascade::column_ptr", n + 1);
  batch.column_entry =
      huge_page_view<decltype(batch.column_entry)>("kascade::column_entry", total_synapses);
  auto h_cptr = Kokkos::create_mirror_view(batch.column_ptr);
  auto h_centry = Kokkos::create_mirror_view(batch.column_entry);
  Kokkos::deep_copy(h_cptr, offset_t(0));
  for (offset_t k = 0; k < nnz; ++k) ++h_cptr(h_cols(k) + 1);
  for (ordinal_t j = 0; j < n; ++j) h_cptr(j + 1) += h_cptr(j);
  std::vector<offset_t> fill(h_cptr.data(), h_cptr.data() + n);
  for (ordinal_t i = 0; i < n; ++i)
    for (offset_t k = h_rows(i); k < h_rows(i + 1); ++k) {
      const offset_t at = fill[h_cols(k)]++;
      batch.repeated_pairs =
          batch.repeated_pairs || (at > h_cptr(h_cols(k)) && h_centry(at - 1).row == i);
      h_centry(at) = ColumnEntry{i, h_vals(k)};
    }
  Kokkos::deep_copy(batch.column_ptr, h_cptr);
  Kokkos::deep_copy(batch.column_entry, h_centry);
  batch.neuron_offset_device =
      decltype(batch.neuron_offset_device)("kascade::neuron_offset", batch.neuron_offset.size());
  Kokkos::deep_copy(batch.neuron_offset_device,
                    Kokkos::View<const ordinal_t*, Kokkos::HostSpace>(batch.neuron_offset.data(),
                                                                      batch.neuron_offset.size()));
  batch.network_of = network_of;
  batch.local_neuron = local_neuron;
  batch.network_ids = network_ids;
  return batch;
}

template Batch<Kokkos::DefaultExecutionSpace::memory_space> make_batch(
    const std::vector<const Network*>&, const std::vector<network_id_t>&);

}  // namespace kascade
