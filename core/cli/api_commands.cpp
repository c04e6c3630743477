// crm, get and task: thin commands that talk to ZRA directly through the client.
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "config/sync_config.h"
#include "core/cli/commands.h"
#include "core/common/errors.h"
#include "core/engine/registration_check.h"
#include "core/engine/zra_connection.h"

namespace zra::cli {

void add_crm_command(CLI::App& app, CommonOptions& common, CommandAction& action) {
  auto* crm = app.add_subcommand("crm", "register, show or unregister the Custom CRM in ZRA");
  crm->require_subcommand(1);
  auto* reg = crm->add_subcommand("register", "register the config's crm section (POST /zra/crm/settings)");
  auto* show = crm->add_subcommand("show", "print the current registration");
  auto* unreg = crm->add_subcommand("unregister", "remove the registration");
  auto remove_all = std::make_shared<bool>(false);
  unreg->add_flag("--remove-all", *remove_all, "also delete every record imported into ZRA");
  for (auto* c : {reg, show, unreg}) add_config_option(*c, common);
  reg->callback([&common, &action] {
    action = [&common] {
      SyncConfig config = load_config(common.config);
      ZraConnection conn(config, system_clock());
      nlohmann::json result = conn.client().register_crm(registration_body(config.crm));
      std::cout << "registered CRM '" << config.crm.crm_type << "' with " << config.crm.deal_stages.size()
                << " deal stages\n"
                << result.dump(2) << "\n";
      return kExitOk;
    };
  });
  show->callback([&common, &action] {
    action = [&common] {
      SyncConfig config = load_config(common.config);
      ZraConnection conn(config, system_clock());
      nlohmann::json live = conn.client().get_registration();
      std::cout << live.dump(2) << "\n";
      for (const auto& d : registration_differences(config.crm, live)) std::cout << "differs from config: " << d << "\n";
      return kExitOk;
    };
  });
  unreg->callback([&common, &action, remove_all] {
    action = [&common, remove_all] {
      SyncConfig config = load_config(common.config);
      ZraConnection conn(config, system_clock());
      conn.client().unregister(*remove_all);
      std::cout << "unregistered" << (*remove_all ? " and removed all imported records" : "") << "\n";
      return kExitOk;
    };
  });
}

void add_get_command(CLI::App& app, CommonOptions& common, CommandAction& action) {
  auto* cmd = app.add_subcommand("get", "read back what ZRA holds: get account|contact|deal|lead ID...");
  add_config_option(*cmd, common);
  auto type = std::make_shared<std::string>();
  auto ids = std::make_shared<std::vector<std::string>>();
  cmd->add_option("type", *type, "account, contact, deal or lead")->required();
  cmd->add_option("ids", *ids, "CRM ids")->required();
  cmd->callback([&common, &action, type, ids] {
    action = [&common, type, ids] {
      auto t = parse_object_type(*type);
      if (!t) throw UsageError("unknown object type '" + *type + "' (account, contact, deal, lead)");
      SyncConfig config = load_config(common.config);
      ZraConnection conn(config, system_clock());
      auto records = conn.client().get_records(*t, *ids);
      nlohmann::json out = records;
      std::cout << out.dump(2) << "\n";
      std::set<std::string> found;
      for (const auto& r : records) found.insert(r.value(std::string(object_spec(*t).id_field), ""));
      int missing = 0;
      for (const auto& id : *ids) {
        if (found.count(id) == 0) {
          std::cerr << "not in ZRA: " << *type << " " << id << "\n";
          ++missing;
        }
      }
      return missing == 0 ? kExitOk : kExitRecordsFailed;
    };
  });
}

void add_task_command(CLI::App& app, CommonOptions& common, CommandAction& action) {
  auto* cmd = app.add_subcommand("task", "print an import task's status, counts and errors");
  add_config_option(*cmd, common);
  auto task_id = std::make_shared<std::string>();
  cmd->add_option("task_id", *task_id, "the task id of an import")->required();
  cmd->callback([&common, &action, task_id] {
    action = [&common, task_id] {
      SyncConfig config = load_config(common.config);
      ZraConnection conn(config, system_clock());
      TaskResult r = conn.client().get_task(*task_id);
      std::cout << "task " << r.task_id << " " << r.task_type << " " << r.status << ": total " << r.total_count
                << ", success " << r.success_count << ", failed " << r.failed_count << "\n";
      for (const auto& e : r.errors) {
        std::cout << "  record_index " << e.record_index << " record_id " << e.record_id << ": " << e.detail << "\n";
      }
      return r.status == "FAILED" ? kExitRecordsFailed : kExitOk;
    };
  });
}

}  // namespace zra::cli
