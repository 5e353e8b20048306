// Entry point of kascade_benchmarks: MPI and Kokkos around Google Benchmark. Kokkos' own
// arguments (--kokkos-...) are consumed by Kokkos before Google Benchmark sees the rest.
#include <benchmark/benchmark.h>
#include <mpi.h>

#include <Kokkos_Core.hpp>
#include <string>

#include "bench_common.hpp"

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int status = 0;
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
      status = 1;
    } else {
      benchmark::AddCustomContext("kokkos_backend", KASCADE_KOKKOS_BACKEND);
      benchmark::AddCustomContext("kokkos_concurrency",
                                  std::to_string(kascade::bench::Exec().concurrency()));
      benchmark::RunSpecifiedBenchmarks();
    }
    benchmark::Shutdown();
    kascade::bench::release_cached();  // device data must go before Kokkos::finalize
  }
  MPI_Finalize();
  return status;
}
