#pragma once
// `zra-sync plugin check`: runs a plugin through the ABI contract in forked child processes with CPU,
// address-space and wall-time limits, so a crash or a hang is reported, not suffered. Each finding says
// what is wrong in words a plugin author understands.
//
// Probes (each in its own child, so one crash does not hide the rest):
//   load         not a shared library, missing entry symbol, wrong ABI (expected vs found), NULL callbacks
//   create {}    create() on empty settings: must fail cleanly (with a message) or succeed, never crash
//   bad setting  create() with each declared setting given a value of the wrong type
//   bad stream   open() on "{}" and on each declared stream setting with a wrong-typed value
//   read         create + open + next_batch until DONE (at most max_rows): batch struct_size, rows with
//                locators, columns; next_batch after DONE must keep returning DONE
//   memory       repeated open/read/close and create/destroy cycles: the heap (mallinfo2) must not grow
// Everywhere: an error status without a message, a C++ exception escaping, a crash (signal named, with the
// callback it happened in), a hang (killed after call_timeout).
//
// Not thread-safe: forks; call it from a single-threaded process (the CLI) or a test.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/plugin_host/plugin_info.h"

namespace zra {

enum class CheckSeverity { Error, Warning, Info };

struct CheckFinding {
  CheckSeverity severity = CheckSeverity::Error;
  std::string message;
};

struct PluginCheckReport {
  std::string path;
  std::optional<PluginInfo> info;  // set when the plugin loaded
  std::vector<CheckFinding> findings;
  uint64_t rows = 0, row_errors = 0, batches = 0;  // what the read probe saw
  bool passed() const;  // no Error finding
  size_t count(CheckSeverity severity) const;
};

struct CheckLimits {
  std::chrono::milliseconds probe_timeout{10000};  // wall time per probe (a child process)
  unsigned cpu_seconds = 20;                       // RLIMIT_CPU per probe
  uint64_t address_space_bytes = 4ULL << 30;       // RLIMIT_AS per probe (not applied under ASan)
  uint64_t max_rows = 100000;                      // the read probe stops after this many rows
  int memory_cycles = 20;                          // open/close cycles measured by the memory probe
};

// settings_json: the source's settings as JSON ("" = {}); stream_json: one stream ("" = {}); "name"
// defaults to "check" and "object" to "account"; "since" and "batch_rows" are passed through. Both are
// validated against the plugin's declarations like a config file would be (defaults filled); a problem
// there is an Error finding. Never throws for anything the plugin does; throws std::system_error when
// fork/pipe fail.
PluginCheckReport check_plugin(const std::string& path, const std::string& settings_json,
                               const std::string& stream_json, const CheckLimits& limits = {});

// The report as text for a terminal: the plugin, what was read, each finding, and a PASSED/FAILED line.
std::string format_report(const PluginCheckReport& report);

}  // namespace zra
