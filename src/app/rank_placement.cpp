#include "rank_placement.hpp"

#include <sched.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace kascade::app {

namespace {

// Whether OpenMP pins threads: OMP_PROC_BIND set to anything but false (true, spread, close,
// master/primary, or a list of them).
bool threads_pinned() {
  const char* bind = std::getenv("OMP_PROC_BIND");
  return bind != nullptr && *bind != '\0' && std::strncmp(bind, "false", 5) != 0 &&
         std::strncmp(bind, "FALSE", 5) != 0;
}

}  // namespace

std::string rank_placement_warning(MPI_Comm comm, const bool openmp_threads) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  if (ranks == 1) return "";
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int local = 1;
  MPI_Comm_size(node, &local);
  cpu_set_t mine;
  CPU_ZERO(&mine);
  if (sched_getaffinity(0, sizeof mine, &mine) != 0) CPU_ZERO(&mine);  // (unknown: no overlap)
  std::vector<cpu_set_t> all(static_cast<std::size_t>(local));
  MPI_Allgather(&mine, sizeof mine, MPI_BYTE, all.data(), sizeof mine, MPI_BYTE, node);
  MPI_Comm_free(&node);
  int shared = 0;
  for (int a = 0; a < local && !shared; ++a)
    for (int b = a + 1; b < local && !shared; ++b) {
      cpu_set_t both;
      CPU_AND(&both, &all[static_cast<std::size_t>(a)], &all[static_cast<std::size_t>(b)]);
      shared = CPU_COUNT(&both) > 0;
    }
  int pinned = openmp_threads && threads_pinned() && shared;
  MPI_Allreduce(MPI_IN_PLACE, &pinned, 1, MPI_INT, MPI_MAX, comm);  // (any node)
  if (!pinned) return "";
  return "[kascade] warning: ranks on one node share their CPUs while OMP_PROC_BIND pins each "
         "rank's threads from the node's first CPU, so they run on the same cores: give each "
         "rank its own cores (mpirun --map-by slot:PE=<threads per rank> --bind-to core, or "
         "srun --cpu-bind=cores), or set OMP_PROC_BIND=false";
}

}  // namespace kascade::app
