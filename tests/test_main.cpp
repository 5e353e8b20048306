// One main for every kascade test program: MPI and Kokkos are initialised once per process.
#include <gtest/gtest.h>
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <cstring>

#include "kascade/core/leak_check.hpp"

namespace {

// CTest's discovery reads the list of tests from standard output: Kokkos, started, may print
// warnings there (OMP_PROC_BIND unset), which would become tests of those names.
bool only_listing(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--gtest_list_tests", 18) == 0) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (only_listing(argc, argv)) {
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
  }
  kascade::init_mpi(&argc, &argv);
  int result = 0;
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (rank != 0) {  // one rank reports; all ranks still fail on a failed assertion
      auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
      delete listeners.Release(listeners.default_result_printer());
    }
    result = RUN_ALL_TESTS();
  }
  kascade::check_leaks_now();  // sanitizer builds: before Open MPI unloads its components
  MPI_Finalize();
  return result;
}
