#pragma once
// Test-only hook: deterministic kill points for the crash-recovery tests (docs/reliability.md,
// tests/integration/engine/kill_points_test.cpp). Not a user feature.
//
// fault_point("NAME") marks a place in the engine where a test may kill the process. When the
// environment variable ZRA_SYNC_KILL_AT is `NAME:N` (N >= 1), the N-th call of fault_point("NAME") in this
// process raises SIGKILL: a real `kill -9`, nothing flushed, no destructor run. Other names never trigger.
// ZRA_SYNC_KILL_AT is read once, at the first call. Unset or empty: every call is a no-op costing one
// branch. A malformed value prints a message naming it on stderr and exits 2 (a test typo must not pass
// silently as "never killed").
// Names in use: read, submitted, journalled, polling, state-write. Thread-safe.
namespace zra {

void fault_point(const char* name);

}  // namespace zra
