# Version and git revision for provenance, refreshed on every build.
add_custom_target(kascade_revision
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}
          -DOUTPUT=${CMAKE_CURRENT_BINARY_DIR}/generated/kascade/core/revision.hpp
          -DVERSION=${PROJECT_VERSION}
          -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/WriteRevision.cmake
  BYPRODUCTS ${CMAKE_CURRENT_BINARY_DIR}/generated/kascade/core/revision.hpp
  COMMENT "kascade: recording git revision")
