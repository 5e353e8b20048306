#include "flagged_networks.hpp"

#include <algorithm>
#include <limits>

#include "kascade/core/error.hpp"

namespace kascade::app {

std::string flagged_networks(const std::vector<std::uint64_t>& local_ids, MPI_Comm comm) {
  constexpr int named = 5;
  constexpr std::uint64_t none = std::numeric_limits<std::uint64_t>::max();
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  std::uint64_t count = local_ids.size(), first[named];
  std::fill(first, first + named, none);
  std::copy_n(local_ids.begin(), std::min<std::size_t>(local_ids.size(), named), first);
  std::vector<std::uint64_t> all(static_cast<std::size_t>(named) * ranks);
  MPI_Gather(first, named, MPI_UINT64_T, all.data(), named, MPI_UINT64_T, 0, comm);
  MPI_Allreduce(MPI_IN_PLACE, &count, 1, MPI_UINT64_T, MPI_SUM, comm);
  if (rank != 0 || count == 0) return "";
  std::sort(all.begin(), all.end());
  std::string names;
  for (int k = 0; k < named && all[k] != none; ++k)
    names += (k > 0 ? ", " : "") + std::to_string(all[k]);
  if (count > named) names += ", ...";
  return count_text(count, "network") + " (" + names + ")";
}

}  // namespace kascade::app
