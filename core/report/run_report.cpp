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

namespace {

constexpr const char kCsvHeader[] = "object_type,crm_id,source,stream,locator,phase,field,detail,task_id\n";

std::string csv_line(const RecordFailure& f) {
  return csv_escape(f.object_type) + "," + csv_escape(f.crm_id) + "," + csv_escape(f.source) + "," +
         csv_escape(f.stream) + "," + csv_escape(f.locator) + "," + std::string(to_string(f.phase)) + "," +
         csv_escape(f.field) + "," + csv_escape(f.detail) + "," + csv_escape(f.task_id) + "\n";
}

std::string jsonl_line(const RecordFailure& f) {
  nlohmann::json j = {{"object_type", f.object_type}, {"crm_id", f.crm_id}, {"source", f.source},
                      {"stream", f.stream}, {"locator", f.locator}, {"phase", to_string(f.phase)},
                      {"field", f.field}, {"detail", f.detail}, {"task_id", f.task_id}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::unique_ptr<std::ofstream> open_part(const fs::path& path, const std::string& first_line) {
  auto out = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  if (!*out) throw FatalError("cannot create report file " + path.string());
  *out << first_line;
  return out;
}

}  // namespace

void RunReport::stream_failures_to(const std::string& dir) {
  std::lock_guard<std::mutex> lock(mu_);
  csv_part_ = open_part(fs::path(dir) / "errors.csv.part", kCsvHeader);
  jsonl_part_ = open_part(fs::path(dir) / "errors.jsonl.part", "");
  stream_dir_ = dir;
  // Failures added before streaming started go first, so nothing is lost.
  for (const auto& f : failures_) {
    *csv_part_ << csv_line(f);
    *jsonl_part_ << jsonl_line(f);
  }
  failures_.clear();
  failures_.shrink_to_fit();
}

void RunReport::add_failure(RecordFailure failure) {
  failure.detail = redact(std::move(failure.detail));
  failure.locator = redact(std::move(failure.locator));
  std::lock_guard<std::mutex> lock(mu_);
  ++failure_count_;
  ++by_phase_[failure.phase];
  failed_streams_.emplace(failure.source, failure.stream);
  if (csv_part_) {
    *csv_part_ << csv_line(failure);
    *jsonl_part_ << jsonl_line(failure);
    return;
  }
  failures_.push_back(std::move(failure));
}

TypeCounts RunReport::counts(ObjectType type) const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_.at(type);
}

int64_t RunReport::failure_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_count_;
}

std::vector<RecordFailure> RunReport::failures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failures_;
}

std::set<std::pair<std::string, std::string>> RunReport::failed_streams() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failed_streams_;
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
  for (const auto& [phase, n] : by_phase_) phases[std::string(to_string(phase))] = n;
  nlohmann::json out = {{"run_id", run_id_}, {"exit_code", exit_code}, {"types", types},
                        {"failures_by_phase", phases}, {"failures", failure_count_}};
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

void copy_atomically(const fs::path& from, const fs::path& path) {
  fs::path tmp = path;
  tmp += ".tmp";
  std::error_code ec;
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) throw FatalError("cannot write report file " + tmp.string() + ": " + ec.message());
  fs::rename(tmp, path);
}
}  // namespace

std::string RunReport::write(const std::string& dir, int exit_code) const {
  fs::path run_dir = fs::path(dir) / run_id_;
  std::error_code ec;
  fs::create_directories(run_dir, ec);
  if (ec) throw FatalError("cannot create report directory " + run_dir.string() + ": " + ec.message());
  nlohmann::json sum = summary(exit_code);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (csv_part_) {
      // Streamed: the lines are on disk already; copy them in (a copy, so write() may be called again).
      for (auto* part : {csv_part_.get(), jsonl_part_.get()}) {
        if (!part->flush()) throw FatalError("cannot write the failures of run " + run_id_ + " to " + stream_dir_);
      }
      copy_atomically(fs::path(stream_dir_) / "errors.csv.part", run_dir / "errors.csv");
      copy_atomically(fs::path(stream_dir_) / "errors.jsonl.part", run_dir / "errors.jsonl");
    } else {
      std::string csv = kCsvHeader;
      std::string jsonl;
      for (const auto& f : failures_) {
        csv += csv_line(f);
        jsonl += jsonl_line(f);
      }
      write_atomically(run_dir / "errors.csv", csv);
      write_atomically(run_dir / "errors.jsonl", jsonl);
    }
  }
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
