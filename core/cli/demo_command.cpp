// demo: sample data -> embedded sandbox -> report; no credentials needed.
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "config/sync_config.h"
#include "core/cli/commands.h"
#include "core/cli/stop_signal.h"
#include "core/client/zra_errors.h"
#include "core/common/errors.h"
#include "core/common/log.h"
#include "core/engine/sync_run.h"
#include "core/engine/zra_connection.h"

namespace zra::cli {
namespace fs = std::filesystem;
namespace {

// $ZRA_SYNC_DEMO_DIR, else <exe dir>/../share/zra-sync/examples/demo (build tree and install tree alike).
fs::path demo_config_path() {
  if (const char* d = std::getenv("ZRA_SYNC_DEMO_DIR"); d != nullptr && *d != '\0') return fs::path(d) / "sync.yaml";
  fs::path exe = fs::read_symlink("/proc/self/exe");
  return exe.parent_path() / ".." / "share" / "zra-sync" / "examples" / "demo" / "sync.yaml";
}

}  // namespace

void add_demo_command(CLI::App& app, CommonOptions& common, CommandAction& action) {
  auto* cmd = app.add_subcommand("demo", "sync the sample data into an embedded sandbox and show the report");
  auto dir = std::make_shared<std::string>("zra-sync-demo");
  auto fresh = std::make_shared<bool>(false);
  cmd->add_option("--dir", *dir, "where the demo keeps its state, sandbox data and reports (default ./zra-sync-demo)");
  cmd->add_flag("--fresh", *fresh, "start from an empty state and an empty sandbox");
  cmd->add_flag("--no-progress", common.no_progress, "no live progress line");
  cmd->callback([&common, &action, dir, fresh] {
    action = [&common, dir, fresh]() -> int {
      const bool progress = !common.no_progress && isatty(STDERR_FILENO) != 0;
      // On a terminal the demo shows the live progress line and the summary; info log lines would break
      // the line up, so they stay hidden unless asked for with --log-level.
      if (progress && !common.log_level_given) {
        configure_logging({parse_log_format(common.log_format), LogLevel::Warn});
      }
      fs::path config_path = fs::weakly_canonical(demo_config_path());
      if (!fs::exists(config_path)) throw FatalError("demo data not found at " + config_path.string());
      fs::path work = fs::absolute(*dir);
      if (*fresh) fs::remove_all(work);
      fs::create_directories(work);
      SyncConfig config = load_config(config_path.string());
      config.state.path = (work / "state.db").string();
      config.report.dir = (work / "reports").string();
      config.zra.sandbox.state_file = (work / "sandbox.json").string();
      config.report.metrics_file = (work / "zra-sync.prom").string();
      std::cout << "zra-sync demo: " << config_path.string() << "\n  -> embedded ZRA sandbox (data kept in "
                << config.zra.sandbox.state_file << ")\n";
      {
        ZraConnection conn(config, system_clock());
        try {
          conn.client().register_crm(registration_body(config.crm));
          std::cout << "registered CRM '" << config.crm.crm_type << "' with " << config.crm.deal_stages.size()
                    << " deal stages\n";
        } catch (const AlreadyRegisteredError&) {
          std::cout << "CRM '" << config.crm.crm_type << "' already registered\n";
        }
      }
      if (progress && !common.log_level_given) {
        std::cout << "(info log lines hidden while the progress line runs; --log-level info shows them)\n";
      }
      RunOptions options;
      options.progress = progress;
      const auto& stop = install_stop_handlers();
      RunOutcome outcome = run_sync(config, options, stop, std::cout);
      if (outcome.exit_code == kExitRecordsFailed) {
        std::cout << "The demo data has deliberately bad rows: each is in " << outcome.report_path
                  << "/errors.csv with its file:line and reason.\nRun `zra-sync demo` again: nothing changed, so "
                     "no record is sent twice.\n";
        return kExitOk;
      }
      return outcome.exit_code;
    };
  });
}

}  // namespace zra::cli
