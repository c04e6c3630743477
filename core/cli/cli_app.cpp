#include <iostream>

#include <CLI/CLI.hpp>

#include "core/cli/commands.h"
#include "core/common/errors.h"
#include "core/common/log.h"
#include "core/plugin_host/isolation.h"

#ifndef ZRA_SYNC_VERSION
#define ZRA_SYNC_VERSION "0.0.0"
#endif

namespace zra::cli {

void add_config_option(CLI::App& cmd, CommonOptions& common, bool required) {
  auto* opt = cmd.add_option("-c,--config", common.config, "configuration file (YAML or JSON)");
  if (required) opt->required();
}

int run_cli(int argc, char** argv) {
  if (auto rc = serve_source_host_if_requested(argc, argv)) return *rc;  // hidden: `__source-host` (isolation.h)
  CLI::App app{"zra-sync: keeps Zoom Revenue Accelerator in step with your CRM data"};
  app.set_version_flag("--version", std::string("zra-sync ") + ZRA_SYNC_VERSION);
  app.require_subcommand(1);
  app.fallthrough();  // --log-format etc. may follow the subcommand, as DESIGN.md shows them
  CommonOptions common;
  app.add_option("--log-format", common.log_format, "text or json")->check(CLI::IsMember({"text", "json"}));
  app.add_option("--log-level", common.log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  CommandAction action;
  add_run_command(app, common, action);
  add_check_command(app, common, action);
  add_crm_command(app, common, action);
  add_get_command(app, common, action);
  add_task_command(app, common, action);
  add_state_command(app, common, action);
  add_plugin_command(app, common, action);
  add_sandbox_command(app, common, action);
  add_demo_command(app, common, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  common.log_level_given = app.get_option("--log-level")->count() > 0;
  try {
    configure_logging({parse_log_format(common.log_format), parse_log_level(common.log_level)});
    return action ? action() : kExitUsage;
  } catch (const Error& e) {
    std::cerr << "zra-sync: " << redact(e.what()) << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "zra-sync: unexpected error: " << redact(e.what()) << "\n";
    return kExitFatal;
  }
}

}  // namespace zra::cli
