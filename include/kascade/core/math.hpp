#pragma once
// Math functions usable inside kernels on every Kokkos version kascade supports:
// Kokkos 3.4 has them in Kokkos::Experimental, Kokkos >= 3.7 in Kokkos.
#include <Kokkos_Core.hpp>

namespace kascade::math {

#if KOKKOS_VERSION >= 30700
using Kokkos::exp;
using Kokkos::fabs;
using Kokkos::log;
#else
using Kokkos::Experimental::exp;
using Kokkos::Experimental::fabs;
using Kokkos::Experimental::log;
#endif

}  // namespace kascade::math
