# Everything besides Kokkos, each through its own CMake target or a thin imported target.
find_package(MPI REQUIRED COMPONENTS CXX)

set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "kascade needs a parallel (MPI) HDF5, but the HDF5 found at "
                      "'${HDF5_INCLUDE_DIRS}' is serial. On Debian install libhdf5-openmpi-dev.")
endif()
if(NOT TARGET hdf5::hdf5)
  add_library(hdf5::hdf5 INTERFACE IMPORTED)
  target_include_directories(hdf5::hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS} ${HDF5_INCLUDE_DIRS})
  target_link_libraries(hdf5::hdf5 INTERFACE ${HDF5_C_LIBRARIES} ${HDF5_LIBRARIES})
  target_compile_definitions(hdf5::hdf5 INTERFACE ${HDF5_DEFINITIONS})
endif()

# Header-only libraries: Random123, toml11, CLI11.
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
if(NOT KASCADE_PACKAGE_CONFIG)  # (find_package(kascade) has it installed)
  add_library(kascade_random123 INTERFACE)
  target_include_directories(kascade_random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})
endif()

find_package(toml11 QUIET)
if(NOT TARGET toml11::toml11)
  find_path(TOML11_INCLUDE_DIR toml.hpp REQUIRED)
  add_library(toml11::toml11 INTERFACE IMPORTED)
  target_include_directories(toml11::toml11 SYSTEM INTERFACE ${TOML11_INCLUDE_DIR})
endif()

find_package(CLI11 QUIET)
if(NOT TARGET CLI11::CLI11)
  find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  target_include_directories(CLI11::CLI11 SYSTEM INTERFACE ${CLI11_INCLUDE_DIR})
endif()
