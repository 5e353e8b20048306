#pragma once
// A testing hook, compiled into every build, for the fault-injection tests
// (tests/app/test_restart.py, docs/reliability.md): with the environment variable
// KASCADE_FAULT=<point>:<k>, the process kills itself with SIGKILL the k-th time it reaches
// fault point <point> (with KASCADE_FAULT=<point>:<k>:USR1 or :TERM it sends itself that signal
// instead). The points:
//   checkpoint  half-way through writing a checkpoint (half its bytes in <file>.tmp, not renamed)
//   assembly    after a round of spikes is written to <output>.partial, before the summaries,
//               the completeness attribute and the rename
// and KASCADE_FAULT=file_limit:<bytes> makes the disk seem full at the final assembly:
// fault_file_limit() then stops every file of the process from growing beyond <bytes> (writes
// past it fail, as on a full file system) until fault_space_freed() (a file was emptied: the
// disk has room again). Without the variable a fault point does nothing (one cached getenv).
namespace kascade {

void fault_point(const char* point);
void fault_file_limit();
void fault_space_freed();

}  // namespace kascade
