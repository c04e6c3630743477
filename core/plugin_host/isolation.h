#pragma once
// Where a source's plugin code runs. With Isolation::Process (the default in zra-sync) each source instance
// gets a child process (`zra-sync __source-host`, fork+exec of the running program) that loads the plugin
// and streams its rows back over a socket (source_frame.h); the host never calls plugin code during a run,
// so a plugin that crashes, aborts or hangs fails its stream instead of the run.
#include <atomic>
#include <chrono>
#include <optional>
#include <string>

namespace zra {

enum class Isolation { Process, InProcess };

struct IsolationOptions {
  Isolation mode = Isolation::Process;
  // A child that sends nothing for this long while the host waits for it (create, open, the next batch)
  // is taken as hung: killed, and its stream fails.
  std::chrono::milliseconds read_timeout{std::chrono::minutes(10)};
  // When set: once it is true, a wait for the child (create, open, the next batch) ends within
  // kCancelCheck: the child is killed and the call fails ("stopped ... and was killed"). The run's stop
  // flag, so that SIGTERM does not wait out the read timeout of a plugin that hangs. Must outlive the source.
  const std::atomic<bool>* cancel = nullptr;
  static constexpr std::chrono::milliseconds kCancelCheck{100};
};

// "process" or "in_process" (the config's `sources[].isolation`); throws std::invalid_argument otherwise.
Isolation parse_isolation(const std::string& text);
const char* to_string(Isolation mode);

// What SourceInstance::create() uses when not told: mode Process when source_host_program() is not empty,
// else InProcess (a program that cannot serve `__source-host`, such as a unit test binary), and InProcess
// when $ZRA_SYNC_ISOLATION is "in_process" (debugging a plugin, measuring);
// read_timeout from $ZRA_SYNC_SOURCE_READ_TIMEOUT_S (seconds, may be fractional) when set.
IsolationOptions default_isolation();
// The same for a configured mode: `mode` as given, except that Process falls back to InProcess (with a
// warning in the log) in a program that has no source host program.
IsolationOptions isolation_for(Isolation mode);

// The executable a child runs as `<program> __source-host --fd N`: set_source_host_program() when called
// with a non-empty path, else $ZRA_SYNC_SOURCE_HOST when set, else "/proc/self/exe" once this program
// called serve_source_host_if_requested() (zra-sync's main does), else "".
std::string source_host_program();
void set_source_host_program(const std::string& path);

// For a program's main(), before its own argument parsing: when argv[1] is "__source-host", runs the
// source host (the child side: reads requests on the socket named by --fd, runs the plugin, streams frames
// back) and returns its exit code; otherwise records that this program can serve as the source host and
// returns nullopt. Never throws.
std::optional<int> serve_source_host_if_requested(int argc, char** argv);

}  // namespace zra
