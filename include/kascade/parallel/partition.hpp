#pragma once
// Which networks a rank owns, and how a rank cuts its networks into batches. Ranks own
// contiguous id ranges balanced by estimated cost, so the output can be written in id order.
#include <cstdint>
#include <vector>

#include "kascade/core/types.hpp"

namespace kascade {

struct NetworkRange {
  network_id_t first = 0;
  std::uint64_t count = 0;
};

// Contiguous ranges balanced by `cost` (one entry per network): network g goes to the rank
// whose share of the total cost contains the midpoint of g's cost interval.
NetworkRange partition_by_cost(const std::vector<double>& cost, int ranks, int rank);

// Cuts `range` into consecutive batches of at most `batch_size` networks (0: no limit) whose
// estimated memory (`bytes[k]` for network range.first + k) stays within `budget` bytes and
// whose neurons (`neurons[k]`) stay within `max_neurons` (0: no limit) and kMostNeurons (a larger
// network is a batch of its own). A network that alone exceeds the budget is an InputError,
// before anything is allocated.
std::vector<NetworkRange> split_into_batches(NetworkRange range, std::uint64_t batch_size,
                                             const std::vector<double>& bytes = {},
                                             double budget = 0,
                                             const std::vector<std::uint64_t>& neurons = {},
                                             std::uint64_t max_neurons = 0);

}  // namespace kascade
