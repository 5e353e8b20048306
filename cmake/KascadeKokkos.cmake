# One target, kascade::kokkos, carrying Kokkos and Kokkos Kernels whichever install was found:
# Debian's binary packages (3.4.1 Serial; broken Kokkos::kokkos include path, no
# Kokkos::kokkoskernels), Kokkos 3.4.1 built from Debian's trilinos sources (OpenMP), or a
# user's Kokkos 4.x given by -DKokkos_ROOT.
# The Kokkos found (-DKokkos_ROOT, -DKokkos_DIR, the environment's Kokkos_ROOT or
# CMAKE_PREFIX_PATH) usually has Kokkos Kernels beside it: look there first, so that a system
# Kokkos Kernels built against another Kokkos is not mixed in.
find_package(Kokkos REQUIRED)
if(NOT DEFINED KokkosKernels_ROOT AND NOT DEFINED KokkosKernels_DIR)
  get_filename_component(_kascade_kokkos_prefix "${Kokkos_DIR}/../../.." ABSOLUTE)
  set(KokkosKernels_ROOT "${_kascade_kokkos_prefix}")
endif()
find_package(KokkosKernels REQUIRED)
# Debian's Kokkos Kernels (target trilinos_kokkoskernels) is built against Debian's Serial
# Kokkos and links it: with another Kokkos the build would mix two (one's headers, the other's
# library, a binary that names one backend and runs the other).
get_filename_component(_kascade_kokkos_configs "${Kokkos_DIR}/.." REALPATH)  # (links: /lib -> usr/lib)
get_filename_component(_kascade_kernels_configs "${KokkosKernels_DIR}/.." REALPATH)
if(TARGET trilinos_kokkoskernels AND NOT _kascade_kokkos_configs STREQUAL _kascade_kernels_configs)
  message(FATAL_ERROR "kascade: Kokkos from ${Kokkos_DIR}, but Kokkos Kernels from Debian's "
                      "trilinos (${KokkosKernels_DIR}), which is built against Debian's own Serial "
                      "Kokkos: give the Kokkos Kernels built against this Kokkos with "
                      "-DKokkosKernels_ROOT=<its prefix>")
endif()

# (find_package(kascade) has the installed kascade::kascade_kokkos: it only needs Kokkos found.)
if(NOT KASCADE_PACKAGE_CONFIG)
  add_library(kascade_kokkos INTERFACE)
  add_library(kascade::kokkos ALIAS kascade_kokkos)
endif()

if(TARGET Kokkos::kokkoskernels)
  if(NOT KASCADE_PACKAGE_CONFIG)
    target_link_libraries(kascade_kokkos INTERFACE Kokkos::kokkoskernels)
  endif()
elseif(TARGET trilinos_kokkoskernels)
  # Debian: link the libraries directly and bring the headers in as SYSTEM so Kokkos' own
  # warnings stay out of -Wall builds. Kokkos::kokkos is avoided: it names /usr/lib/include.
  if(NOT KASCADE_PACKAGE_CONFIG)
    target_link_libraries(kascade_kokkos INTERFACE trilinos_kokkoskernels)
    set(_kascade_kokkos_includes ${KokkosKernels_INCLUDE_DIRS})
    if(NOT _kascade_kokkos_includes)
      set(_kascade_kokkos_includes /usr/include/trilinos)
    endif()
    target_include_directories(kascade_kokkos SYSTEM INTERFACE ${_kascade_kokkos_includes})
  endif()
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
if(NOT kascade_FIND_QUIETLY)
  message(STATUS "kascade: Kokkos ${Kokkos_VERSION} (${KASCADE_KOKKOS_BACKEND}) from ${Kokkos_DIR}, "
                 "Kokkos Kernels from ${KokkosKernels_DIR}")
endif()
