#include "rank_placement.hpp"

#if defined(__linux__)
#include <sched.h>
#endif

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>
#include <vector>

namespace kascade::app {

namespace {

// Whether OpenMP pins threads: OMP_PROC_BIND set to anything but false (true, spread, close,
// primary, or a list; case-insensitive), or, unset, OMP_PLACES set (which implies binding).
bool threads_pinned() {
  const char* bind = std::getenv("OMP_PROC_BIND");
  if (bind == nullptr) {
    const char* places = std::getenv("OMP_PLACES");
    return places != nullptr && *places != '\0';
  }
  std::string value;
  for (const char* c = bind; *c != '\0'; ++c)
    if (!std::isspace(static_cast<unsigned char>(*c)))
      value += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
  return !value.empty() && value.rfind("false", 0) != 0;
}

// The CPUs this process may run on, one byte each (empty where it cannot be told).
std::vector<unsigned char> own_cpus(const int cpus) {
  std::vector<unsigned char> mine;
#if defined(__linux__)
  cpu_set_t* set = CPU_ALLOC(cpus);
  if (set == nullptr) return mine;
  const std::size_t size = CPU_ALLOC_SIZE(cpus);
  CPU_ZERO_S(size, set);
  if (sched_getaffinity(0, size, set) == 0) {
    mine.assign(static_cast<std::size_t>(cpus), 0);
    for (int c = 0; c < cpus; ++c)
      mine[static_cast<std::size_t>(c)] = CPU_ISSET_S(c, size, set) ? 1 : 0;
  }
  CPU_FREE(set);
#endif
  return mine;
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
  constexpr int kCpus = 8192;  // (a node's CPUs, at most)
  std::vector<unsigned char> mine = own_cpus(kCpus);
  const bool known = !mine.empty();
  mine.resize(kCpus, 0);  // (unknown: no CPU, no overlap)
  std::vector<unsigned char> all(static_cast<std::size_t>(kCpus) * local);
  MPI_Allgather(mine.data(), kCpus, MPI_UNSIGNED_CHAR, all.data(), kCpus, MPI_UNSIGNED_CHAR, node);
  MPI_Comm_free(&node);
  int shared = 0;
  for (int c = 0; c < kCpus && known && !shared; ++c) {
    int users = 0;
    for (int r = 0; r < local; ++r) users += all[static_cast<std::size_t>(r) * kCpus + c];
    shared = users > 1;
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
