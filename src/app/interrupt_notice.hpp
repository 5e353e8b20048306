#pragma once
// What a user sees when a run is stopped by Ctrl-C or a batch system's SIGTERM: one line saying
// that the same command resumes it, instead of nothing. Internal.
#include <string>

namespace kascade::app {

// From now on SIGINT, SIGTERM and SIGHUP print `message` (on one line of its own) before the
// process ends as the signal would have ended it; those the process ignores stay ignored. Call
// once, before the work.
void print_on_interrupt(const std::string& message);

}  // namespace kascade::app
