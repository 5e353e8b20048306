#pragma once
// What a user sees when a run is stopped by Ctrl-C or a batch system's SIGTERM: one line saying
// that the same command resumes it, instead of nothing. Internal.
#include <string>

namespace kascade::app {

// From now on SIGINT, SIGTERM and SIGHUP print `message` (on one line of its own) before the
// process ends as the signal would have ended it; those the process ignores stay ignored. Call
// once, before the work.
void print_on_interrupt(const std::string& message);

// For work that must clean up before it ends (an export's staging folder): from now on SIGINT,
// SIGTERM and SIGHUP are only noted (those the process ignores stay ignored); the work asks
// interrupt_pending() where it can stop, unwinds, and then calls end_as_interrupted().
void defer_interrupts();
int interrupt_pending();  // the signal noted, or 0
// Prints `message` (one line), then ends the process as the noted signal would have.
[[noreturn]] void end_as_interrupted(const std::string& message);

}  // namespace kascade::app
