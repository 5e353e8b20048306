#pragma once
// For AddressSanitizer builds (scripts/build.sh sanitize), used by the kascade command and the
// test programs. Open MPI unloads the components it does not select during MPI_Init, and the
// rest in MPI_Finalize; the memory they keep cannot be attributed to a library after that (so
// could not be suppressed by library). Hence:
//   init_mpi          MPI_Init with LeakSanitizer ignoring what it allocates (Open MPI's own);
//   check_leaks_now   the leak check, run just before MPI_Finalize when everything of kascade's
//                     has been freed, and not again at exit.
// Other third-party leaks are suppressed by library in tests/sanitizers/lsan.supp. In other
// builds these are MPI_Init and nothing.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KASCADE_WITH_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(KASCADE_WITH_ASAN)
#define KASCADE_WITH_ASAN 1
#endif
#include <mpi.h>
#ifdef KASCADE_WITH_ASAN
#include <sanitizer/lsan_interface.h>
#endif

namespace kascade {

inline void init_mpi(int* argc, char*** argv) {
#ifdef KASCADE_WITH_ASAN
  __lsan_disable();
#endif
  MPI_Init(argc, argv);
#ifdef KASCADE_WITH_ASAN
  __lsan_enable();
#endif
}

inline void check_leaks_now() {
#ifdef KASCADE_WITH_ASAN
  __lsan_do_leak_check();
#endif
}

}  // namespace kascade
