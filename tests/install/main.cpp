// Links an installed kascade and generates one network: proves the exported package works.
#include <Kokkos_Core.hpp>
#include <cstdio>
#include <mpi.h>
#include "kascade/core/leak_check.hpp"
#include "kascade/core/version.hpp"
#include "kascade/network/normal_generator.hpp"
int main(int argc, char** argv) {
  kascade::init_mpi(&argc, &argv);
  {
    Kokkos::ScopeGuard g(argc, argv);
    auto n = kascade::generate_normal({}, 1, 0);
    std::printf("%s %zu synapses\n", kascade::version().c_str(), n.n_synapses());
  }
  kascade::check_leaks_now();
  MPI_Finalize();
}
