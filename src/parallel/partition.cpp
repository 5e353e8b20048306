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

std::vector<NetworkRange> split_into_batches(NetworkRange range, std::uint64_t batch_size) {
  std::vector<NetworkRange> batches;
  const std::uint64_t size = batch_size == 0 ? std::max<std::uint64_t>(range.count, 1) : batch_size;
  for (std::uint64_t done = 0; done < range.count; done += size)
    batches.push_back(
        {static_cast<network_id_t>(range.first + done), std::min(size, range.count - done)});
  return batches;
}

}  // namespace kascade
