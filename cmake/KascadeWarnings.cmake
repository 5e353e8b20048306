# kascade_flags: warnings for kascade's own code (private to each target).
# kascade_fp: the floating-point flags the reproducibility contract needs, carried by the library
# to every user so that their own instantiations (docs/extending.md) round the same way:
# no FMA contraction (bitwise-equal sums across code paths), no fast-math.
add_library(kascade_flags INTERFACE)
target_compile_options(kascade_flags INTERFACE
  $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-Wall -Wextra -Wpedantic>)
add_library(kascade_fp INTERFACE)
target_compile_options(kascade_fp INTERFACE
  $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-ffp-contract=off -fno-trapping-math>)
