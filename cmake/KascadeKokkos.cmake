# One target, kascade::kokkos, carrying Kokkos and Kokkos Kernels whichever install was found:
# Debian's binary packages (3.4.1 Serial; broken Kokkos::kokkos include path, no
# Kokkos::kokkoskernels), Kokkos 3.4.1 built from Debian's trilinos sources (OpenMP), or a
# user's Kokkos 4.x given by -DKokkos_ROOT.
# A user's -DKokkos_ROOT usually holds Kokkos Kernels too: look there first, so that a system
# Kokkos Kernels built against another Kokkos is never mixed in.
if(DEFINED Kokkos_ROOT AND NOT DEFINED KokkosKernels_ROOT)
  set(KokkosKernels_ROOT ${Kokkos_ROOT})
endif()
find_package(Kokkos REQUIRED)
find_package(KokkosKernels REQUIRED)

add_library(kascade_kokkos INTERFACE)
add_library(kascade::kokkos ALIAS kascade_kokkos)

if(TARGET Kokkos::kokkoskernels)
  target_link_libraries(kascade_kokkos INTERFACE Kokkos::kokkoskernels)
elseif(TARGET trilinos_kokkoskernels)
  # Debian: link the libraries directly and bring the headers in as SYSTEM so Kokkos' own
  # warnings stay out of -Wall builds. Kokkos::kokkos is avoided: it names /usr/lib/include.
  target_link_libraries(kascade_kokkos INTERFACE trilinos_kokkoskernels)
  set(_kascade_kokkos_includes ${KokkosKernels_INCLUDE_DIRS})
  if(NOT _kascade_kokkos_includes)
    set(_kascade_kokkos_includes /usr/include/trilinos)
  endif()
  target_include_directories(kascade_kokkos SYSTEM INTERFACE ${_kascade_kokkos_includes})
  # The Debian target graph links Kokkos::kokkos transitively; strip its bogus include path.
  foreach(_t Kokkos::kokkos Kokkos::kokkoscore Kokkos::kokkoscontainers Kokkos::kokkosalgorithms
             kokkos kokkoscore kokkoscontainers kokkosalgorithms)
    if(TARGET ${_t})
      get_target_property(_inc ${_t} INTERFACE_INCLUDE_DIRECTORIES)
      if(_inc)
        list(FILTER _inc EXCLUDE REGEX "^/usr/lib/include$")
        set_target_properties(${_t} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_inc}")
      endif()
    endif()
  endforeach()
else()
  message(FATAL_ERROR "kascade: Kokkos Kernels was found but exports no usable target "
                      "(expected Kokkos::kokkoskernels or trilinos_kokkoskernels)")
endif()

# Which backend the default execution space is, for provenance and for test labels.
if(Kokkos_ENABLE_CUDA)
  set(KASCADE_KOKKOS_BACKEND "Cuda")
elseif(Kokkos_ENABLE_HIP)
  set(KASCADE_KOKKOS_BACKEND "HIP")
elseif(Kokkos_ENABLE_OPENMP OR "OPENMP" IN_LIST Kokkos_DEVICES)
  set(KASCADE_KOKKOS_BACKEND "OpenMP")
else()
  set(KASCADE_KOKKOS_BACKEND "Serial")
endif()
message(STATUS "kascade: Kokkos ${Kokkos_VERSION} (${KASCADE_KOKKOS_BACKEND}) from ${Kokkos_DIR}")
