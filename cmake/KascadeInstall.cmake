# install() rules and an exported package: find_package(kascade) gives kascade::kascade.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS kascade kascade_app kascade_kokkos kascade_flags kascade_fp kascade_random123
        EXPORT kascadeTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS kascade_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/kascade DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/generated/kascade/core/revision.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/kascade/core)
install(EXPORT kascadeTargets NAMESPACE kascade:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/kascade)
configure_package_config_file(cmake/kascadeConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/kascadeConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/kascade)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/kascadeConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/kascadeConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/kascadeConfigVersion.cmake
              cmake/KascadeKokkos.cmake cmake/KascadeDependencies.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/kascade)
# What users of an install need beside the program: the Python reader and plots, the Slurm
# template, the example decks and the documentation (share/kascade, share/doc/kascade).
install(FILES scripts/kascade_read.py scripts/plot.py DESTINATION ${CMAKE_INSTALL_DATADIR}/kascade/scripts)
install(FILES scripts/slurm/kascade.sbatch DESTINATION ${CMAKE_INSTALL_DATADIR}/kascade/scripts/slurm)
install(DIRECTORY inputs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/kascade/inputs)
install(FILES README.md LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})
