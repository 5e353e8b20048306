// One main for every kascade test program: MPI and Kokkos are initialised once per process.
#include <gtest/gtest.h>
#include <mpi.h>

#include <Kokkos_Core.hpp>

#include "kascade/core/leak_check.hpp"

int main(int argc, char** argv) {
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
