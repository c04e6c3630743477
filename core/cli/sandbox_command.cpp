// sandbox: the local ZRA emulator, standalone.
#include <CLI/CLI.hpp>

#include "core/cli/commands.h"
#include "sandbox/sandbox_server.h"

namespace zra::cli {

void add_sandbox_command(CLI::App& app, CommonOptions&, CommandAction& action) {
  auto* cmd = app.add_subcommand("sandbox", "run the local ZRA emulator (Custom CRM API + OAuth) on 127.0.0.1");
  auto o = std::make_shared<sandbox::SandboxOptions>();
  o->port = 9480;
  cmd->add_option("--port", o->port, "port (default 9480; 0 picks a free one)");
  cmd->add_option("--max-items", o->max_items, "items per import above which it answers 413 (default 2000)");
  cmd->add_option("--time-scale", o->time_scale, "run server time this many times faster (default 1)");
  cmd->add_option("--plan", o->plan, "pro or business rate limits (default business)");
  cmd->add_flag("!--no-rate-limits", o->rate_limits, "turn the rate limits off");
  cmd->add_option("--seed", o->seed, "seed of the fault injection (default 1)");
  cmd->add_option("--fail-rate", o->fail_rate, "fraction of requests answered 500/502/503");
  cmd->add_option("--drop-rate", o->drop_rate, "fraction of connections closed without an answer");
  cmd->add_option("--slow-rate", o->slow_rate, "fraction of answers delayed by --slow-ms");
  cmd->add_option("--slow-ms", o->slow_ms, "delay of slow answers (default 2000)");
  cmd->add_option("--rate-429-rate", o->rate_429_rate, "fraction of requests answered with a spurious 429");
  cmd->add_option("--task-fail-rate", o->task_fail_rate, "fraction of import tasks that end FAILED");
  cmd->add_option("--task-delay", o->task_delay_s, "seconds a task takes to run (default 0.5)");
  cmd->add_option("--task-expire", o->task_expire_s, "seconds after its end a task answers 404");
  cmd->add_option("--token-ttl", o->token_ttl_s, "access token lifetime in seconds (default 3600)");
  cmd->add_option("--client-id", o->client_id, "OAuth client id it accepts");
  cmd->add_option("--client-secret", o->client_secret, "OAuth client secret it accepts");
  cmd->add_option("--account-id", o->account_id, "OAuth account id it accepts");
  cmd->add_option("--licensed-users", o->licensed_users_file, "file of licensed owner emails, one per line");
  cmd->add_option("--state-file", o->state_file, "keep the data in this file across restarts");
  cmd->callback([&action, o] {
    action = [o] { return sandbox::run_sandbox_foreground(*o); };
  });
}

}  // namespace zra::cli
