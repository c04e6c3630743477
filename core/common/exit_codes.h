#pragma once
// The exit codes of the user contract (DESIGN.md, "Exit codes"). Scripts depend on these values.
namespace zra {
enum ExitCode : int {
  kExitOk = 0,            // everything confirmed
  kExitRecordsFailed = 1, // the run finished but some records failed (see the report)
  kExitUsage = 2,         // usage or configuration error; nothing sent
  kExitFatal = 3,         // fatal at run time: auth, not registered, network exhausted, state unusable, guard
  kExitInterrupted = 130, // SIGINT or SIGTERM
};
}  // namespace zra
