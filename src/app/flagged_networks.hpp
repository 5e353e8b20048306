#pragma once
// Warnings that name the networks they are about: "3 networks (0, 17, 40)", gathered from every
// rank. Internal.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kascade::app {

// Collective. On rank 0: "N networks (a, b, c, d, e, ...)", the lowest five of the ids that
// any rank flagged (`local_ids`: this rank's, ascending), "" when none was; "" on other ranks.
std::string flagged_networks(const std::vector<std::uint64_t>& local_ids, MPI_Comm comm);

}  // namespace kascade::app
