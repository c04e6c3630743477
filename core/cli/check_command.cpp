#include <atomic>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "config/sync_config.h"
#include "core/cli/commands.h"
#include "core/common/errors.h"
#include "core/engine/record_collector.h"
#include "core/engine/registration_check.h"
#include "core/engine/zra_connection.h"
#include "core/plugin_host/plugin_host.h"
#include "core/report/run_report.h"

namespace zra::cli {

// check: config, plugins, source connections, registration, a sample mapped; writes nothing.
void add_check_command(CLI::App& app, CommonOptions& common, CommandAction& action) {
  auto* cmd = app.add_subcommand("check", "check config, plugins, sources, registration and a mapped sample; "
                                          "writes nothing");
  add_config_option(*cmd, common);
  auto sample_rows = std::make_shared<size_t>(20);
  cmd->add_option("--sample", *sample_rows, "rows of each stream to map and validate (default 20)");
  cmd->callback([&common, &action, sample_rows] {
    action = [&common, sample_rows] {
      SyncConfig config = load_config(common.config);
      std::cout << "config: " << config.file << " OK (" << config.sources.size() << " source(s))\n";
      PluginHost host(config.plugin_paths);
      std::set<ObjectType> all(kAllObjectTypes.begin(), kAllObjectTypes.end());
      PreparedSources sources(config, host, all);
      std::cout << "plugins and mappings: OK (" << sources.streams().size() << " stream(s))\n";
      int exit_code = kExitOk;
      for (const auto& problem : sources.check_connections()) {
        std::cout << "source connection FAILED: " << problem << "\n";
        exit_code = kExitFatal;
      }
      try {
        ZraConnection conn(config, system_clock());
        nlohmann::json live = conn.client().get_registration();
        auto diffs = registration_differences(config.crm, live);
        for (const auto& d : diffs) std::cout << "registration differs: " << d << "\n";
        if (diffs.empty()) std::cout << "registration: matches the config\n";
        else exit_code = kExitFatal;
      } catch (const Error& e) {
        std::cout << "registration: " << e.what() << "\n";
        exit_code = kExitFatal;
      }
      RunReport report("check");
      FailureCauses causes;
      std::atomic<bool> stop{false};
      RecordCollector collector(config, sources, report, causes, stop, nullptr, "check");
      for (const auto& s : collector.sample(*sample_rows)) std::cout << "sample " << s << "\n";
      for (const auto& f : report.failures()) {
        std::cout << "sample row FAILED: " << f.source << "/" << f.stream << " " << f.locator << " ["
                  << to_string(f.phase) << "] " << f.field << ": " << f.detail << "\n";
        if (exit_code == kExitOk) exit_code = kExitRecordsFailed;
      }
      std::cout << (exit_code == kExitOk ? "check passed\n" : "check found problems\n");
      return exit_code;
    };
  });
}

}  // namespace zra::cli
