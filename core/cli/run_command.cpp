#include <iostream>
#include <sstream>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "config/sync_config.h"
#include "core/cli/commands.h"
#include "core/cli/stop_signal.h"
#include "core/common/errors.h"
#include "core/engine/sync_run.h"

namespace zra::cli {
namespace {

std::set<ObjectType> parse_only(const std::string& list) {
  std::set<ObjectType> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    auto t = parse_object_type(item);
    if (!t) throw UsageError("--only: unknown object type '" + item + "' (account, contact, deal, lead)");
    out.insert(*t);
  }
  if (out.empty()) throw UsageError("--only needs at least one of account, contact, deal, lead");
  return out;
}

}  // namespace

void add_run_command(CLI::App& app, CommonOptions& common, CommandAction& action) {
  auto* cmd = app.add_subcommand("run", "sync the sources into ZRA (or --dry-run: show the plan, send nothing)");
  add_config_option(*cmd, common);
  auto opts = std::make_shared<RunOptions>();
  auto only = std::make_shared<std::string>();
  auto grace = std::make_shared<int>(30);
  cmd->add_flag("--dry-run", opts->dry_run, "map, validate and compare with the state; print the plan; send nothing");
  cmd->add_flag("--full", opts->full, "send every record, changed or not, and refresh the state");
  cmd->add_option("--only", *only, "comma-separated object types to sync (account,contact,deal,lead)");
  cmd->add_option("--report-dir", opts->report_dir, "where to write the report (default: report.dir)");
  cmd->add_flag("--retry-rejected", opts->retry_rejected, "resend records ZRA rejected even if unchanged");
  cmd->add_flag("--allow-mass-delete", opts->allow_mass_delete,
                "let mirror mode delete more than max_delete_fraction of a stream");
  cmd->add_flag("--no-progress", common.no_progress, "no live progress line");
  cmd->add_option("--grace", *grace, "seconds tasks in flight may take to finish after SIGINT/SIGTERM (default 30)");
  cmd->callback([&common, &action, opts, only, grace] {
    action = [&common, opts, only, grace] {
      if (!only->empty()) opts->only = parse_only(*only);
      opts->grace = std::chrono::seconds(*grace);
      opts->progress = !common.no_progress && isatty(STDERR_FILENO) != 0;
      SyncConfig config = load_config(common.config);
      const auto& stop = install_stop_handlers();
      RunOutcome outcome = run_sync(config, *opts, stop, std::cout);
      return outcome.exit_code;
    };
  });
}

}  // namespace zra::cli
