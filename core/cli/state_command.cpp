// state show|failed|forget|export: look into and repair the state store.
#include <iostream>

#include <CLI/CLI.hpp>

#include "config/sync_config.h"
#include "core/cli/commands.h"
#include "core/common/errors.h"
#include "core/state/state_store.h"

namespace zra::cli {

void add_state_command(CLI::App& app, CommonOptions& common, CommandAction& action) {
  auto* state = app.add_subcommand("state", "show, list failed, forget or export the sync state");
  state->require_subcommand(1);
  auto* show = state->add_subcommand("show", "records per type and outcome");
  auto* failed = state->add_subcommand("failed", "records that failed last time, with the reason");
  auto* forget = state->add_subcommand("forget", "forget TYPE ID...: they are sent again next run");
  auto* exp = state->add_subcommand("export", "every record's state as JSON lines on stdout");
  for (auto* c : {show, failed, forget, exp}) add_config_option(*c, common);
  auto type = std::make_shared<std::string>();
  auto ids = std::make_shared<std::vector<std::string>>();
  forget->add_option("type", *type, "account, contact, deal or lead")->required();
  forget->add_option("ids", *ids, "CRM ids")->required();

  auto open = [&common](bool read_only) {
    SyncConfig config = load_config(common.config);
    return StateStore::open(config.state.path, system_clock(), read_only);
  };
  show->callback([&action, open] {
    action = [open] {
      auto store = open(true);
      OutcomeCounts counts = store->counts();
      std::cout << "state file " << store->path() << " (payload hashes: " << to_string(store->hash_scheme())
                << ")\n";
      if (counts.counts.empty()) std::cout << "the state is empty (no run has confirmed anything yet)\n";
      for (const auto& [type, by_outcome] : counts.counts) {
        std::cout << type << ":";
        for (const auto& [outcome, n] : by_outcome) std::cout << " " << outcome << "=" << n;
        std::cout << "\n";
      }
      return kExitOk;
    };
  });
  failed->callback([&action, open] {
    action = [open] {
      auto store = open(true);
      int64_t n = 0;
      store->for_each_failed([&](ObjectType t, const std::string& id, const RecordState& s) {
        ++n;
        std::cout << to_string(t) << "\t" << id << "\t" << to_string(s.outcome) << "\t" << s.stream << "\t"
                  << s.task_id << "\t" << s.detail << "\n";
      });
      std::cerr << n << " record(s) not confirmed\n";
      return kExitOk;
    };
  });
  forget->callback([&action, open, type, ids] {
    action = [open, type, ids] {
      auto t = parse_object_type(*type);
      if (!t) throw UsageError("unknown object type '" + *type + "' (account, contact, deal, lead)");
      auto store = open(false);
      auto lock = store->acquire_run_lock();
      int64_t n = store->forget(*t, *ids);
      std::cout << "forgot " << n << " of " << ids->size() << " " << *type << "(s); they are sent again next run\n";
      return kExitOk;
    };
  });
  exp->callback([&action, open] {
    action = [open] {
      auto store = open(true);
      store->export_jsonl(std::cout);
      return kExitOk;
    };
  });
}

}  // namespace zra::cli
