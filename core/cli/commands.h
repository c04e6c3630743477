#pragma once
// The subcommands of zra-sync. Each registers itself on the CLI11 app and, when chosen, runs and
// returns its exit code (DESIGN.md "Exit codes").
#include <functional>
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace zra::cli {

struct CommonOptions {
  std::string config;
  std::string log_format = "text";
  std::string log_level = "info";
  bool log_level_given = false;  // --log-level was on the command line (not the default)
  bool no_progress = false;
};

// Set by the chosen subcommand's callback; run_cli() runs it after parsing.
using CommandAction = std::function<int()>;

void add_run_command(CLI::App& app, CommonOptions& common, CommandAction& action);
void add_check_command(CLI::App& app, CommonOptions& common, CommandAction& action);
void add_crm_command(CLI::App& app, CommonOptions& common, CommandAction& action);
void add_get_command(CLI::App& app, CommonOptions& common, CommandAction& action);
void add_task_command(CLI::App& app, CommonOptions& common, CommandAction& action);
void add_state_command(CLI::App& app, CommonOptions& common, CommandAction& action);
void add_plugin_command(CLI::App& app, CommonOptions& common, CommandAction& action);
void add_sandbox_command(CLI::App& app, CommonOptions& common, CommandAction& action);
void add_demo_command(CLI::App& app, CommonOptions& common, CommandAction& action);

// Adds -c/--config (required or not) to a subcommand.
void add_config_option(CLI::App& cmd, CommonOptions& common, bool required = true);

// Parses argv and runs the chosen command; all errors become messages on stderr and exit codes.
int run_cli(int argc, char** argv);

}  // namespace zra::cli
