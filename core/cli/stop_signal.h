#pragma once
// SIGINT/SIGTERM: the first asks the run to stop (stop reading, let tasks in flight finish within the
// grace period, save state, write the report, exit 130); the second writes "second signal: exiting now"
// to stderr and exits 130 at once, with no report. The state store commits per finished task and the
// journal keeps the ids of tasks in flight, so even then the state file stays consistent and the next
// run reads those tasks' results instead of sending their records again.
#include <atomic>

namespace zra::cli {

// Installs the handlers (SIGINT and SIGTERM count together: SIGTERM then SIGINT is a second signal);
// returns the flag the first signal sets. Call once per process, from the main thread.
const std::atomic<bool>& install_stop_handlers();

}  // namespace zra::cli
