# Warnings for kascade's own code, and the floating-point flags the reproducibility contract
# needs: no FMA contraction (bitwise-equal sums across code paths), no fast-math.
add_library(kascade_flags INTERFACE)
target_compile_options(kascade_flags INTERFACE
  $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-Wall -Wextra -Wpedantic -ffp-contract=off -fno-trapping-math>)
