// plugin list|check: what plugins are found, and what is wrong with one.
#include <iostream>

#include <CLI/CLI.hpp>

#include "config/sync_config.h"
#include "core/cli/commands.h"
#include "core/common/errors.h"
#include "core/plugin_host/plugin_checker.h"
#include "core/plugin_host/plugin_host.h"

namespace zra::cli {

void add_plugin_command(CLI::App& app, CommonOptions& common, CommandAction& action) {
  auto* plugin = app.add_subcommand("plugin", "list the source plugins found, or check one");
  plugin->require_subcommand(1);
  auto* list = plugin->add_subcommand("list", "each plugin found: where, name, version, ABI");
  add_config_option(*list, common, false);
  auto* check = plugin->add_subcommand("check", "load PATH.so in a sandboxed child and say what is wrong with it");
  auto path = std::make_shared<std::string>();
  auto settings = std::make_shared<std::string>("{}");
  auto stream = std::make_shared<std::string>();
  check->add_option("path", *path, "the plugin's shared library")->required();
  check->add_option("--settings", *settings, "source settings as a JSON object (default {})");
  check->add_option("--stream", *stream, "a stream definition as a JSON object, to read rows from it");

  list->callback([&common, &action] {
    action = [&common] {
      std::vector<std::string> paths;
      if (!common.config.empty()) paths = load_config(common.config).plugin_paths;
      PluginHost host(paths);
      int broken = 0;
      for (const auto& [info, error] : host.list()) {
        if (!error.empty()) {
          std::cout << info.path << "\n  NOT LOADABLE: " << error << "\n";
          ++broken;
          continue;
        }
        std::cout << info.name << " " << info.version << " (ABI " << info.abi_major << "." << info.abi_minor
                  << ") " << info.path << "\n  " << info.description << "\n";
      }
      return broken == 0 ? kExitOk : kExitRecordsFailed;
    };
  });
  check->callback([&action, path, settings, stream] {
    action = [path, settings, stream] {
      PluginCheckReport report = check_plugin(*path, *settings, *stream);
      std::cout << format_report(report);
      return report.passed() ? kExitOk : kExitRecordsFailed;
    };
  });
}

}  // namespace zra::cli
