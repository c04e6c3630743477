#include "core/engine/record_collector.h"

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/fault_point.h"
#include "core/common/log.h"
#include "core/engine/record_builder.h"
#include "core/engine/record_spool.h"
#include "core/engine/row_build_pipeline.h"
#include "core/plugin_host/isolation.h"
#include "core/plugin_host/plugin_host.h"
#include "core/state/state_store.h"
#include "mapping/mapping.h"

namespace zra {
namespace {

// A batch's read/invalid/mapped counts, added to the report when the batch is done (one lock instead of
// two per row), also when spooling a record throws.
struct BatchCounts {
  BatchCounts(RunReport& report, ObjectType type) : report(report), type(type) {}
  ~BatchCounts() {
    report.update(type, [this](TypeCounts& c) {
      c.read += counted.read;
      c.invalid += counted.invalid;
      c.mapped += counted.mapped;
    });
  }
  BatchCounts(const BatchCounts&) = delete;
  BatchCounts& operator=(const BatchCounts&) = delete;

  RunReport& report;
  ObjectType type;
  TypeCounts counted;
};

}  // namespace

PreparedSources::PreparedSources(const SyncConfig& config, PluginHost& host, const std::set<ObjectType>& only,
                                 const std::atomic<bool>* stop) {
  for (const auto& source : config.sources) {
    bool wanted = false;
    for (const auto& stream : source.streams) wanted = wanted || only.count(stream.object) > 0;
    if (!wanted) continue;
    std::shared_ptr<LoadedPlugin> plugin;
    try {
      plugin = host.load(source.plugin);
    } catch (const PluginError& e) {
      // Say where in the config the plugin was named, not only which file failed to load.
      const ConfigNode* named = source.node.find("plugin");
      if (named != nullptr && e.exit_code() == kExitUsage) named->fail(e.what());
      throw;
    }
    IsolationOptions isolation = isolation_for(parse_isolation(source.isolation));
    isolation.cancel = stop;
    if (source.read_timeout_s) {
      isolation.read_timeout = std::chrono::milliseconds(static_cast<int64_t>(*source.read_timeout_s * 1000));
    }
    instances_.push_back(SourceInstance::create(plugin, source.name, source.settings, isolation));
    SourceInstance* inst = instances_.back().get();
    named_instances_.emplace_back(source.name, inst);
    for (const auto& stream : source.streams) {
      if (only.count(stream.object) == 0) continue;
      PreparedStream ps;
      ps.source = &source;
      ps.stream = &stream;
      ps.mapping = Mapping::compile(stream.object, stream.mapping);
      ps.instance = inst;
      streams_.push_back(std::move(ps));
    }
  }
}

PreparedSources::~PreparedSources() = default;

std::vector<std::string> PreparedSources::check_connections() {
  std::vector<std::string> problems;
  for (auto& [name, inst] : named_instances_) {
    try {
      inst->check();
    } catch (const Error& e) {
      problems.push_back(name + ": " + e.what());
    }
  }
  return problems;
}

RecordCollector::RecordCollector(const SyncConfig& config, PreparedSources& sources, RunReport& report,
                                 FailureCauses& causes, const std::atomic<bool>& stop, StateStore* state,
                                 std::string run_id, BodyUse body_use)
    : config_(config), sources_(sources), report_(report), causes_(causes), stop_(stop), state_(state),
      run_id_(std::move(run_id)), body_use_(body_use) {
  for (const auto& s : config_.crm.deal_stages) stage_names_.insert(s.name);
}

void RecordCollector::fail(const PreparedStream& ps, const std::string& crm_id, const std::string& locator,
                           Phase phase, const std::string& field, const std::string& detail) {
  ObjectType type = ps.stream->object;
  report_.add_failure({std::string(to_string(type)), crm_id, ps.source->name, ps.stream->name, locator, phase,
                       field, detail, ""});
  if (!crm_id.empty()) {
    causes_[type].emplace(crm_id, std::string(to_string(phase)) + " error at " + locator + ": " + detail);
  }
}

std::vector<StreamOutcome> RecordCollector::collect(RecordSpool& spool) {
  std::vector<StreamOutcome> out;
  for (const auto& ps : sources_.streams()) {
    if (stop_.load()) {
      out.push_back({ps.source->name, ps.stream->name, ps.stream->object, false, ps.stream->mode == "mirror",
                     ps.stream->max_delete_fraction, 0, ps.stream->cursor, ""});
      continue;
    }
    out.push_back(read_stream(ps, spool));
  }
  return out;
}

StreamOutcome RecordCollector::read_stream(const PreparedStream& ps, RecordSpool& spool) {
  const ObjectType type = ps.stream->object;
  StreamOutcome outcome{ps.source->name, ps.stream->name, type, false, ps.stream->mode == "mirror",
                        ps.stream->max_delete_fraction, 0, ps.stream->cursor, ""};
  RecordBuilder builder(*ps.mapping, stage_names_, body_use_,
                        state_ != nullptr ? state_->hash_scheme() : kNewStateHashScheme);
  bool source_errors = false;
  std::optional<std::string> since;
  if (ps.stream->cursor && state_ != nullptr) since = state_->cursor(ps.source->name, ps.stream->name);
  log_info("stream.open", "reading " + ps.source->name + "/" + ps.stream->name,
           {{"source", ps.source->name}, {"stream", ps.stream->name}, {"type", to_string(type)}});
  try {
    auto reader = ps.instance->open(ps.stream->node, since);
    RowBuildPipeline pipeline([&reader](std::vector<SourceRow>& rows) { return reader->next(rows); }, builder, stop_,
                              PipelineShape::from_environment());
    const uint32_t origin = spool.origins().intern(ps.source->name, ps.stream->name);
    BuiltBatch batch;
    while (!stop_.load() && pipeline.next(batch)) {
      BatchCounts batch_counts(report_, type);
      TypeCounts& counted = batch_counts.counted;
      for (size_t i = 0; i < batch.rows.size(); ++i) {
        const SourceRow& row = batch.rows[i];
        fault_point("read");
        outcome.rows++;
        counted.read++;
        if (row.error) {
          source_errors = true;
          fail(ps, "", row.locator, Phase::Source, "", *row.error);
          continue;
        }
        BuiltRow& built = *batch.built[i];
        if (auto* f = std::get_if<RowFailure>(&built)) {
          counted.invalid++;
          fail(ps, f->crm_id, row.locator, f->phase, f->field, f->detail);
          continue;
        }
        const PlannedRecord& rec = std::get<PlannedRecord>(built);
        counted.mapped++;
        if (compare_modify_time(rec.modify_time, outcome.max_modify_time) > 0) outcome.max_modify_time = rec.modify_time;
        spool.add(rec, origin);
      }
    }
    outcome.complete = !stop_.load() && !source_errors;
  } catch (const SourceError& e) {
    if (stop_.load()) {  // the run is stopping: its plugin process was killed on purpose, not a source failure
      log_info("stream.stopped", "stopped reading " + ps.source->name + "/" + ps.stream->name + ": " + e.what(),
               {{"source", ps.source->name}, {"stream", ps.stream->name}});
      outcome.complete = false;
      return outcome;
    }
    log_error("stream.failed", e.what(), {{"source", ps.source->name}, {"stream", ps.stream->name}});
    report_.add_failure({std::string(to_string(type)), "", ps.source->name, ps.stream->name,
                         ps.source->name + "/" + ps.stream->name, Phase::Source, "",
                         std::string("stream failed: ") + e.what(), ""});
    outcome.complete = false;
  }
  return outcome;
}

std::vector<std::string> RecordCollector::sample(size_t limit) {
  std::vector<std::string> samples;
  for (const auto& ps : sources_.streams()) {
    RecordBuilder builder(*ps.mapping, stage_names_);
    auto reader = ps.instance->open(ps.stream->node, std::nullopt, limit);
    std::vector<SourceRow> rows;
    size_t seen = 0;
    bool shown = false;
    while (seen < limit && reader->next(rows)) {
      for (const auto& row : rows) {
        if (seen++ >= limit) break;
        if (row.error) {
          fail(ps, "", row.locator, Phase::Source, "", *row.error);
          continue;
        }
        auto built = builder.build(row);
        if (auto* f = std::get_if<RowFailure>(&built)) {
          fail(ps, f->crm_id, row.locator, f->phase, f->field, f->detail);
        } else if (!shown) {
          shown = true;
          samples.push_back(ps.source->name + "/" + ps.stream->name + " " + row.locator + ": " +
                            std::get<PlannedRecord>(built).body);
        }
      }
    }
  }
  return samples;
}

}  // namespace zra
