#pragma once
// A testing hook, compiled into every build, for the fault-injection tests
// (tests/app/test_restart.py, docs/reliability.md): with the environment variable
// KASCADE_FAULT=<point>:<k>, the process kills itself with SIGKILL the k-th time it reaches
// fault point <point>. The points:
//   checkpoint  half-way through writing a checkpoint (half its bytes in <file>.tmp, not renamed)
//   assembly    after a round of spikes is written to <output>.partial, before the summaries,
//               the completeness attribute and the rename
// Without the variable a fault point does nothing (one cached getenv).
namespace kascade {

void fault_point(const char* point);

}  // namespace kascade
