#pragma once
// Math functions usable inside kernels on every Kokkos version kascade supports:
// Kokkos 3.4 has them in Kokkos::Experimental, Kokkos >= 3.7 in Kokkos.
#include <Kokkos_Core.hpp>

namespace kascade::math {

#if KOKKOS_VERSION >= 30700
using Kokkos::cos;
using Kokkos::erfc;
using Kokkos::exp;
using Kokkos::fabs;
using Kokkos::floor;
using Kokkos::lgamma;
using Kokkos::log;
using Kokkos::log1p;
using Kokkos::sin;
using Kokkos::sqrt;
#else
using Kokkos::Experimental::cos;
using Kokkos::Experimental::erfc;
using Kokkos::Experimental::exp;
using Kokkos::Experimental::fabs;
using Kokkos::Experimental::floor;
using Kokkos::Experimental::lgamma;
using Kokkos::Experimental::log;
using Kokkos::Experimental::log1p;
using Kokkos::Experimental::sin;
using Kokkos::Experimental::sqrt;
#endif

}  // namespace kascade::math
