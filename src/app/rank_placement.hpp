#pragma once
// Ranks that share a node's CPUs while OpenMP pins their threads: a warning on rank 0.
#include <mpi.h>

#include <string>

namespace kascade::app {

// Collective. Where two ranks of one node may run on the same CPUs (mpirun --bind-to none) and
// OMP_PROC_BIND pins threads, each rank's OpenMP pins its threads from the first CPU of the node:
// every rank lands on the same cores (two ranks of one thread measured 2.3x slower). Returns the
// warning for rank 0 to print, or "" (fine, or not an OpenMP build).
std::string rank_placement_warning(MPI_Comm comm, bool openmp_threads);

}  // namespace kascade::app
