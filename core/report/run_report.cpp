#include "core/report/run_report.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/common/errors.h"
#include "core/common/log.h"

namespace zra {
namespace fs = std::filesystem;

std::string_view to_string(Phase phase) {
  switch (phase) {
    case Phase::Source: return "source";
    case Phase::Mapping: return "mapping";
    case Phase::Validation: return "validation";
    case Phase::Dependency: return "dependency";
    case Phase::Transport: return "transport";
    case Phase::Remote: return "remote";
    case Phase::Unconfirmed: return "unconfirmed";
  }
  return "?";
}

RunReport::RunReport(std::string run_id) : run_id_(std::move(run_id)) {
  for (ObjectType t : kAllObjectTypes) counts_[t] = TypeCounts{};
}

void RunReport::add_failure(RecordFailure failure) {
  failure.detail = redact(std::move(failure.detail));
  failure.locator = redact(std::move(failure.locator));
  std::lock_guard<std::mutex> lock(mu_);
  failures_.push_back(std::move(failure));
}

TypeCounts RunReport::counts(ObjectType type) const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_.at(type);
}

int64_t RunReport::failure_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(failures_.size());
}

std::vector<RecordFailure> RunReport::failures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failures_;
}

void RunReport::set_info(const std::string& key, nlohmann::json value) {
  std::lock_guard<std::mutex> lock(mu_);
  info_[key] = std::move(value);
}

nlohmann::json RunReport::summary(int exit_code) const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [type, c] : counts_) {
    types[std::string(to_string(type))] = {
        {"read", c.read}, {"mapped", c.mapped}, {"invalid", c.invalid}, {"duplicates", c.duplicates},
        {"dependency_failed", c.dependency_failed}, {"new", c.new_records}, {"changed", c.changed},
        {"unchanged", c.unchanged}, {"retried", c.retried}, {"still_rejected", c.still_rejected},
        {"to_delete", c.to_delete}, {"sent", c.sent}, {"confirmed", c.confirmed}, {"rejected", c.rejected},
        {"unconfirmed", c.unconfirmed}, {"import_calls", c.import_calls}, {"tasks", c.tasks}};
  }
  nlohmann::json phases = nlohmann::json::object();
  for (Phase p : {Phase::Source, Phase::Mapping, Phase::Validation, Phase::Dependency, Phase::Transport,
                  Phase::Remote, Phase::Unconfirmed}) {
    phases[std::string(to_string(p))] = 0;
  }
  for (const auto& f : failures_) phases[std::string(to_string(f.phase))] = phases[std::string(to_string(f.phase))].get<int64_t>() + 1;
  nlohmann::json out = {{"run_id", run_id_}, {"exit_code", exit_code}, {"types", types},
                        {"failures_by_phase", phases}, {"failures", failures_.size()}};
  for (auto it = info_.begin(); it != info_.end(); ++it) out[it.key()] = it.value();
  return out;
}

std::string csv_escape(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

namespace {
void write_atomically(const fs::path& path, const std::string& content) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw FatalError("cannot write report file " + tmp.string());
    out << content;
    if (!out.flush()) throw FatalError("cannot write report file " + tmp.string());
  }
  fs::rename(tmp, path);
}
}  // namespace

std::string RunReport::write(const std::string& dir, int exit_code) const {
  fs::path run_dir = fs::path(dir) / run_id_;
  std::error_code ec;
  fs::create_directories(run_dir, ec);
  if (ec) throw FatalError("cannot create report directory " + run_dir.string() + ": " + ec.message());
  nlohmann::json sum = summary(exit_code);
  std::vector<RecordFailure> fails = failures();
  std::string csv = "object_type,crm_id,source,stream,locator,phase,field,detail,task_id\n";
  std::string jsonl;
  for (const auto& f : fails) {
    csv += csv_escape(f.object_type) + "," + csv_escape(f.crm_id) + "," + csv_escape(f.source) + "," +
           csv_escape(f.stream) + "," + csv_escape(f.locator) + "," + std::string(to_string(f.phase)) + "," +
           csv_escape(f.field) + "," + csv_escape(f.detail) + "," + csv_escape(f.task_id) + "\n";
    nlohmann::json j = {{"object_type", f.object_type}, {"crm_id", f.crm_id}, {"source", f.source},
                        {"stream", f.stream}, {"locator", f.locator}, {"phase", to_string(f.phase)},
                        {"field", f.field}, {"detail", f.detail}, {"task_id", f.task_id}};
    jsonl += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  write_atomically(run_dir / "errors.csv", csv);
  write_atomically(run_dir / "errors.jsonl", jsonl);
  write_atomically(run_dir / "summary.json", sum.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  return run_dir.string();
}

std::string make_run_id() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  std::random_device rd;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", static_cast<unsigned>(rd() & 0xffff));
  return std::string(buf) + "-" + suffix;
}

}  // namespace zra
