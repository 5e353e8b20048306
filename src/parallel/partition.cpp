#include "kascade/parallel/partition.hpp"

#include <algorithm>

#include "kascade/core/error.hpp"

namespace kascade {

NetworkRange partition_by_cost(const std::vector<double>& cost, int ranks, int rank) {
  require(ranks >= 1 && rank >= 0 && rank < ranks, "partition: bad rank");
  double total = 0;
  for (double c : cost) total += c;
  NetworkRange range;
  bool started = false;
  double before = 0;
  for (std::size_t g = 0; g < cost.size(); ++g) {
    const double mid = before + 0.5 * cost[g];
    before += cost[g];
    int owner = total > 0 ? static_cast<int>(mid / total * ranks)
                          : static_cast<int>(g * ranks / cost.size());
    owner = std::min(owner, ranks - 1);
    if (owner != rank) continue;
    if (!started) range.first = static_cast<network_id_t>(g), started = true;
    ++range.count;
  }
  if (!started) range.first = static_cast<network_id_t>(cost.size());
  return range;
}

std::vector<NetworkRange> split_into_batches(NetworkRange range, std::uint64_t batch_size,
                                             const std::vector<double>& bytes, double budget,
                                             const std::vector<std::uint64_t>& neurons,
                                             std::uint64_t max_neurons) {
  std::vector<NetworkRange> batches;
  const std::uint64_t limit = batch_size == 0 ? range.count : batch_size;
  const auto most = static_cast<std::uint64_t>(kMostNeurons);  // (a batch's, whatever else)
  const std::uint64_t most_neurons = max_neurons > 0 ? std::min(max_neurons, most) : most;
  for (std::uint64_t k = 0; k < range.count;) {
    NetworkRange b{static_cast<network_id_t>(range.first + k), 0};
    double used = 0;
    std::uint64_t held = 0;  // neurons
    while (k < range.count && b.count < limit) {
      const double need = bytes.empty() ? 0.0 : bytes[k];
      const std::uint64_t n = neurons.empty() ? 0 : neurons[k];
      if (b.count > 0 && held + n > most_neurons) break;
      held += n;
      if (budget > 0 && need > budget)
        throw InputError("network " + std::to_string(range.first + k) + " needs about " +
                         std::to_string(need / 1073741824.0) +
                         " GiB, more than simulation.memory_budget_gib = " +
                         std::to_string(budget / 1073741824.0) + " allows");
      if (budget > 0 && b.count > 0 && used + need > budget) break;
      used += need;
      ++b.count;
      ++k;
    }
    batches.push_back(b);
  }
  return batches;
}

}  // namespace kascade
