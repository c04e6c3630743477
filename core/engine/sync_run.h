#pragma once
// One `zra-sync run`: read, map, validate, compare with the state, plan, send, confirm, report.
#include <atomic>
#include <iosfwd>
#include <set>
#include <string>

#include "config/sync_config.h"
#include "core/common/clock.h"

namespace zra {

struct RunOptions {
  bool dry_run = false;
  bool full = false;
  bool retry_rejected = false;
  bool allow_mass_delete = false;
  std::set<ObjectType> only = {kAllObjectTypes.begin(), kAllObjectTypes.end()};
  std::string report_dir;  // overrides report.dir when set
  std::chrono::seconds grace{30};
  bool progress = false;  // live per-type line on stderr (the CLI sets it for a TTY without --no-progress)
};

struct RunOutcome {
  int exit_code = 0;
  std::string report_path;  // DIR/<run-id>
  std::string run_id;
};

// Runs a sync and writes its report. Prints the plan (dry run) or the summary to `out`.
// Throws ConfigError/PluginError (exit 2) before anything is sent; a FatalError after the start is
// turned into exit 3 with the report still written.
RunOutcome run_sync(const SyncConfig& config, const RunOptions& options, const std::atomic<bool>& stop,
                    std::ostream& out, Clock& clock = system_clock());

}  // namespace zra
