#pragma once
// What a run tells the admin afterwards: DIR/<run-id>/summary.json, errors.csv and errors.jsonl.
// The columns and phases are the user contract of DESIGN.md ("Reports").
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema/object_types.h"

namespace zra {

// Where in the pipeline a record failed.
enum class Phase { Source, Mapping, Validation, Dependency, Transport, Remote, Unconfirmed };
std::string_view to_string(Phase phase);

struct RecordFailure {
  std::string object_type;  // "account" ... ("" when a source row could not even be read)
  std::string crm_id;
  std::string source;
  std::string stream;
  std::string locator;
  Phase phase = Phase::Source;
  std::string field;
  std::string detail;
  std::string task_id;
};

// Per-type counters. `read` counts rows; the others count records.
struct TypeCounts {
  int64_t read = 0, mapped = 0, invalid = 0, duplicates = 0, dependency_failed = 0;
  int64_t new_records = 0, changed = 0, unchanged = 0, retried = 0, still_rejected = 0, to_delete = 0;
  int64_t sent = 0, confirmed = 0, rejected = 0, unconfirmed = 0, import_calls = 0, tasks = 0;
};

// Collects failures and counts during a run (thread-safe) and writes the report files. Failures are kept in
// memory, or, once stream_failures_to() was called, written to disk as they happen and only counted, so a
// run with millions of failures stays within flat memory.
class RunReport {
 public:
  explicit RunReport(std::string run_id);
  const std::string& run_id() const { return run_id_; }

  void add_failure(RecordFailure failure);  // secrets are redacted on the way in
  // From now on, failures go to `dir`/errors.csv.part and errors.jsonl.part (the lines of the final
  // files) instead of memory; write() copies them into the report. `dir` must exist and outlive write().
  // Throws FatalError naming the file when it cannot be created. Call before the first add_failure().
  void stream_failures_to(const std::string& dir);
  // Mutates the counters of `type` under the report's lock.
  template <typename Fn>
  void update(ObjectType type, Fn&& fn) {
    std::lock_guard<std::mutex> lock(mu_);
    fn(counts_[type]);
  }
  TypeCounts counts(ObjectType type) const;
  int64_t failure_count() const;
  // The failures held in memory: all of them, or none once they are streamed to disk.
  std::vector<RecordFailure> failures() const;
  // (source, stream) of every failure so far (small: one entry per stream that had one).
  std::set<std::pair<std::string, std::string>> failed_streams() const;
  void set_info(const std::string& key, nlohmann::json value);  // api calls, durations, flags...

  // summary.json as written (counts per type and phase, API calls, durations, exit code).
  nlohmann::json summary(int exit_code) const;
  // Writes DIR/<run-id>/{summary.json,errors.csv,errors.jsonl}; returns that directory. Files are written
  // to a temporary name and renamed, so a reader never sees half a report.
  std::string write(const std::string& dir, int exit_code) const;

 private:
  std::string run_id_;
  mutable std::mutex mu_;
  std::map<ObjectType, TypeCounts> counts_;
  std::vector<RecordFailure> failures_;  // when not streaming
  int64_t failure_count_ = 0;
  std::map<Phase, int64_t> by_phase_;
  std::set<std::pair<std::string, std::string>> failed_streams_;
  std::string stream_dir_;  // non-empty while streaming
  std::unique_ptr<std::ofstream> csv_part_, jsonl_part_;
  nlohmann::json info_ = nlohmann::json::object();
};

// A new run id: UTC time plus a random suffix, e.g. 20261130T021500Z-3f9a.
std::string make_run_id();

// RFC 4180 field quoting for errors.csv.
std::string csv_escape(const std::string& field);

}  // namespace zra
