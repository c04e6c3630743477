#pragma once
// Reads every stream of the run's sources through their plugins, maps and validates each row, and
// spools the valid records (record_spool.h). Everything that fails on the way is
// reported with its phase and locator; nothing is dropped silently.
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/sync_config.h"
#include "core/engine/planned_record.h"
#include "core/engine/record_builder.h"
#include "core/report/run_report.h"

namespace zra {

class Mapping;
class PluginHost;
class SourceInstance;
class StateStore;

// A stream of the config, ready to read: its plugin instance and compiled mapping.
struct PreparedStream {
  const SourceConfig* source = nullptr;
  const StreamConfig* stream = nullptr;
  std::shared_ptr<const Mapping> mapping;
  SourceInstance* instance = nullptr;
};

// Loads each source's plugin, validates its settings and streams, and compiles the mappings of the
// selected types. Throws ConfigError / PluginError (exit 2) before anything is read or sent.
// `stop` (optional, must outlive this): once true, a plugin process the run waits for is killed within
// IsolationOptions::kCancelCheck instead of after its read timeout.
class PreparedSources {
 public:
  PreparedSources(const SyncConfig& config, PluginHost& host, const std::set<ObjectType>& only,
                  const std::atomic<bool>* stop = nullptr);
  ~PreparedSources();
  const std::vector<PreparedStream>& streams() const { return streams_; }
  // Runs each plugin's optional connectivity check; returns "source: message" for each failure.
  std::vector<std::string> check_connections();

 private:
  std::vector<std::unique_ptr<SourceInstance>> instances_;
  std::vector<std::pair<std::string, SourceInstance*>> named_instances_;
  std::vector<PreparedStream> streams_;
};

struct StreamOutcome {
  std::string source, stream;
  ObjectType type = ObjectType::Account;
  bool complete = false;  // read to the end with no source errors (mirror mode may delete)
  bool mirror = false;
  double max_delete_fraction = 0.2;
  int64_t rows = 0;
  bool cursor = false;          // the stream keeps a since-cursor
  std::string max_modify_time;  // newest modify_time read (the cursor's next value when all is confirmed)
};


// Why records of a type failed in this run, by CRM id: the root cause quoted by dependency errors.
using FailureCauses = std::map<ObjectType, std::unordered_map<std::string, std::string>>;

class RecordSpool;

class RecordCollector {
 public:
  RecordCollector(const SyncConfig& config, PreparedSources& sources, RunReport& report, FailureCauses& causes,
                  const std::atomic<bool>& stop, StateStore* state, std::string run_id,
                  BodyUse body_use = BodyUse::Keep);
  // Reads all streams into `spool`: every valid record, in read order (duplicates of an id included;
  // the planner resolves them); with BodyUse::HashOnly (a dry run) the records carry no body. Returns each stream's outcome, in config order. Stops early (streams
  // marked incomplete) when `stop` becomes true.
  std::vector<StreamOutcome> collect(RecordSpool& spool);
  // Maps and validates at most `limit` rows of each stream without keeping them (for `check`):
  // returns a few mapped records per stream as JSON text.
  std::vector<std::string> sample(size_t limit);

 private:
  StreamOutcome read_stream(const PreparedStream& ps, RecordSpool& spool);
  void fail(const PreparedStream& ps, const std::string& crm_id, const std::string& locator, Phase phase,
            const std::string& field, const std::string& detail);

  const SyncConfig& config_;
  PreparedSources& sources_;
  RunReport& report_;
  FailureCauses& causes_;
  const std::atomic<bool>& stop_;
  StateStore* state_;  // for since-cursors and the hash scheme
  std::string run_id_;
  BodyUse body_use_;
  std::set<std::string> stage_names_;
};

}  // namespace zra
