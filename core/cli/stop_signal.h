#pragma once
// SIGINT/SIGTERM: the first asks the run to stop (stop reading, let tasks in flight finish within the
// grace period, save state, write the report, exit 130); the second exits at once. The state store
// commits per finished task, so even then the state file stays consistent.
#include <atomic>

namespace zra::cli {

// Installs the handlers; returns the flag the first signal sets.
const std::atomic<bool>& install_stop_handlers();

}  // namespace zra::cli
