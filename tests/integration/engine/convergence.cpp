#include "tests/integration/engine/convergence.h"

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "tests/integration/engine/sync_fixture.h"

namespace zra::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr size_t kMaxLines = 20;  // problems listed one by one; the rest are counted

void add(std::vector<std::string>& problems, size_t& total, const std::string& line) {
  if (++total <= kMaxLines) problems.push_back(line);
}

void finish(std::vector<std::string>& problems, size_t total) {
  if (total > kMaxLines) problems.push_back("... and " + std::to_string(total - kMaxLines) + " more");
}

// type -> set of ids the sandbox holds
std::map<std::string, std::set<std::string>> sandbox_ids(const json& sandbox_state) {
  std::map<std::string, std::set<std::string>> out;
  for (const char* t : {"account", "contact", "deal", "lead"}) {
    auto& ids = out[t];
    const json records = sandbox_state["records"].value(t, json::object());
    for (const auto& [id, rec] : records.items()) ids.insert(id);
  }
  return out;
}

}  // namespace

std::vector<json> export_state(const fs::path& config) {
  CommandResult r = run_command({ZRA_SYNC_EXE, "state", "export", "-c", config.string()}, 120,
                                {{"ZRA_SYNC_PLUGIN_DIR", ZRA_PLUGIN_DIR}});
  if (r.exit_code != 0) {
    throw std::runtime_error("zra-sync state export exited " + std::to_string(r.exit_code) + ": " + r.out + r.err);
  }
  std::vector<json> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(json::parse(line));
  }
  return lines;
}

std::vector<std::string> sandbox_mismatches(const SourceData& data, const json& sandbox_state) {
  std::vector<std::string> problems;
  size_t total = 0;
  for (const auto& [type, expected] : data.expected) {
    const json held = sandbox_state["records"].value(type, json::object());
    const std::string zra_id = "zra_" + type + "_id";
    for (const auto& [id, want] : expected.items()) {
      if (!held.contains(id)) {
        add(problems, total, type + " " + id + ": valid in the source, missing from the sandbox");
        continue;
      }
      json got = held[id];
      got.erase(zra_id);
      if (got != want) add(problems, total, type + " " + id + ": sandbox holds " + got.dump() + ", source maps to " + want.dump());
    }
    for (const auto& [id, rec] : held.items()) {
      if (!expected.contains(id)) add(problems, total, type + " " + id + ": in the sandbox but not a valid source record");
    }
  }
  finish(problems, total);
  return problems;
}

std::vector<std::string> confirmed_missing_from_sandbox(const std::vector<json>& state, const json& sandbox_state) {
  std::vector<std::string> problems;
  size_t total = 0;
  auto held = sandbox_ids(sandbox_state);
  for (const auto& s : state) {
    if (s["confirmed_hash"].is_null()) continue;
    const std::string type = s["type"], id = s["crm_id"];
    if (held[type].count(id) == 0) {
      add(problems, total, type + " " + id + ": the state says ZRA holds it (outcome " + s["outcome"].get<std::string>() +
                               ", task " + s["task_id"].get<std::string>() + "), the sandbox does not");
    }
  }
  finish(problems, total);
  return problems;
}

std::vector<std::string> confirmed_set_mismatches(const std::vector<json>& state, const json& sandbox_state) {
  std::vector<std::string> problems;
  size_t total = 0;
  std::map<std::string, std::set<std::string>> confirmed;
  for (const auto& s : state) {
    if (s["outcome"] == "confirmed") confirmed[s["type"].get<std::string>()].insert(s["crm_id"].get<std::string>());
  }
  for (const auto& [type, ids] : sandbox_ids(sandbox_state)) {
    for (const auto& id : ids) {
      if (confirmed[type].count(id) == 0) add(problems, total, type + " " + id + ": in the sandbox, not confirmed in the state");
    }
    for (const auto& id : confirmed[type]) {
      if (ids.count(id) == 0) add(problems, total, type + " " + id + ": confirmed in the state, not in the sandbox");
    }
  }
  finish(problems, total);
  return problems;
}

std::vector<std::string> unaccounted_records(const SourceData& data, const json& sandbox_state,
                                             const std::vector<json>& errors) {
  std::vector<std::string> problems;
  size_t total = 0;
  std::set<std::string> reported;
  for (const auto& e : errors) reported.insert(e.value("object_type", "") + ":" + e.value("crm_id", ""));
  auto held = sandbox_ids(sandbox_state);
  for (const auto& [type, expected] : data.expected) {
    for (const auto& [id, record] : expected.items()) {
      if (held[type].count(id) == 0 && reported.count(type + ":" + id) == 0) {
        add(problems, total, type + " " + id + ": neither in the sandbox nor in the run's report");
      }
    }
  }
  finish(problems, total);
  return problems;
}

std::vector<std::string> report_mismatches(const std::vector<json>& errors, const SourceData& data) {
  std::vector<std::string> problems;
  size_t total = 0;
  std::map<std::string, std::set<std::string>> reported;
  for (const auto& e : errors) {
    const std::string type = e.value("object_type", ""), id = e.value("crm_id", "");
    if (!reported[type].insert(id).second) add(problems, total, type + " " + id + ": reported twice");
    auto it = data.invalid.find(type);
    if (it == data.invalid.end() || it->second.count(id) == 0) {
      add(problems, total, type + " " + id + ": reported as failed but is a valid row: " + e.dump());
    }
  }
  for (const auto& [type, ids] : data.invalid) {
    for (const auto& id : ids) {
      if (reported[type].count(id) == 0) add(problems, total, type + " " + id + ": invalid row missing from the report");
    }
  }
  finish(problems, total);
  return problems;
}

std::vector<json> read_run_errors(const fs::path& report_dir) {
  std::vector<json> out;
  std::vector<fs::path> runs;
  if (fs::exists(report_dir)) {
    for (const auto& e : fs::directory_iterator(report_dir)) runs.push_back(e.path());
  }
  if (runs.size() != 1) {
    throw std::runtime_error(report_dir.string() + " holds " + std::to_string(runs.size()) + " run reports, expected 1");
  }
  std::ifstream in(runs[0] / "errors.jsonl");
  if (!in) throw std::runtime_error("no errors.jsonl in " + runs[0].string());
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

std::vector<std::string> resent_accepted_records(const std::vector<RecordedImport>& imports, int first_epoch,
                                                 int last_epoch, const std::set<std::string>& may_resend) {
  std::vector<std::string> problems;
  size_t total = 0;
  // type:id -> (epoch, task) of its latest acceptance that must not be repeated
  std::map<std::string, std::pair<int, std::string>> accepted;
  for (const auto& imp : imports) {
    if (imp.epoch < first_epoch || imp.epoch > last_epoch) continue;
    for (const auto& id : imp.ids) {
      auto it = accepted.find(imp.type + ":" + id);
      if (it != accepted.end() && it->second.first < imp.epoch) {
        add(problems, total, imp.type + " " + id + ": accepted in run " + std::to_string(it->second.first) + " (task " +
                                 it->second.second + ") and imported again in run " + std::to_string(imp.epoch) +
                                 " (status " + std::to_string(imp.status) + ")");
      }
    }
    if (imp.status != 202) continue;
    for (const auto& id : imp.ids) {
      if (may_resend.count(imp.task_id) > 0) accepted.erase(imp.type + ":" + id);
      else accepted[imp.type + ":" + id] = {imp.epoch, imp.task_id};
    }
  }
  finish(problems, total);
  return problems;
}

std::set<std::string> tasks_not_succeeded(const std::vector<RecordedImport>& imports, int first_epoch, int last_epoch,
                                          const json& sandbox_tasks) {
  std::map<std::string, std::string> status;
  for (const auto& t : sandbox_tasks.value("tasks", json::array())) {
    status[t["task_id"].get<std::string>()] = t["task_status"].get<std::string>();
  }
  std::set<std::string> out;
  for (const auto& imp : imports) {
    if (imp.epoch < first_epoch || imp.epoch > last_epoch || imp.status != 202) continue;
    auto it = status.find(imp.task_id);
    if (it == status.end() || it->second != "SUCCESS") out.insert(imp.task_id);
  }
  return out;
}

std::string last_accepted_task(const std::vector<RecordedImport>& imports, int epoch) {
  std::string last;
  for (const auto& imp : imports) {
    if (imp.epoch == epoch && imp.status == 202) last = imp.task_id;
  }
  return last;
}

}  // namespace zra::testing
