#pragma once
// The Kokkos options kascade passes on (--kokkos-NAME=VALUE), checked before Kokkos reads them:
// Kokkos 3.4 aborts on a value that is not a number, and takes 0 threads, or more than its
// OpenMP backend's 512, and then crashes in the first kernel. Internal.
#include <string>
#include <vector>

namespace kascade::app {

// The Kokkos options most often given, as this build's Kokkos spells them.
std::string usual_kokkos_options();

// Throws InputError naming the option (or OMP_NUM_THREADS, from `omp_num_threads`, the
// environment's value or null) where a thread, NUMA or device count is not a whole number in
// range.
void check_kokkos_options(const std::vector<std::string>& options, const char* omp_num_threads);

}  // namespace kascade::app
