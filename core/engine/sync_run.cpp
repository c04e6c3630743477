#include "core/engine/sync_run.h"

#include <filesystem>
#include <set>
#include <iostream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "core/common/log.h"
#include "core/engine/change_detector.h"
#include "core/engine/import_scheduler.h"
#include "core/engine/mirror_planner.h"
#include "core/engine/record_collector.h"
#include "core/engine/record_planner.h"
#include "core/engine/record_spool.h"
#include "core/engine/run_summary.h"
#include "core/engine/zra_connection.h"
#include "core/plugin_host/plugin_host.h"
#include "core/report/metrics_writer.h"
#include "core/report/progress_line.h"
#include "core/state/state_store.h"

namespace zra {
namespace {

// A stream's since-cursor moves to the newest modify_time it read only when that read was complete and
// none of its records failed anywhere: otherwise the next run must read them again.
void advance_cursors(const std::vector<StreamOutcome>& streams, const RunReport& report, StateStore& state) {
  const std::set<std::pair<std::string, std::string>> failed = report.failed_streams();
  for (const auto& s : streams) {
    if (!s.cursor || !s.complete || s.max_modify_time.empty() || failed.count({s.source, s.stream}) > 0) continue;
    state.set_cursor(s.source, s.stream, s.max_modify_time);
    log_info("cursor.advanced", "stream " + s.source + "/" + s.stream + " will be read from " + s.max_modify_time);
  }
}

int exit_code_for(const RunReport& report) { return report.failure_count() > 0 ? kExitRecordsFailed : kExitOk; }

// A dry run reads the state if there is one, and never creates or locks it.
std::unique_ptr<StateStore> open_state(const SyncConfig& config, bool dry_run, Clock& clock) {
  if (dry_run && !std::filesystem::exists(config.state.path)) return nullptr;
  return StateStore::open(config.state.path, clock, dry_run);
}

// A dry run only counts: nothing it decides to send is kept.
PlannerLimits dry_run_limits(bool dry_run) {
  PlannerLimits limits;
  limits.keep_sends = !dry_run;
  return limits;
}

RateSpec import_rate_of(const SyncConfig& config) {
  auto it = config.zra.rate_limits.find("resource_intensive");
  if (it != config.zra.rate_limits.end()) return it->second;
  return config.zra.plan == "pro" ? RateSpec{10, 60} : RateSpec{20, 60};
}

}  // namespace

RunOutcome run_sync(const SyncConfig& config, const RunOptions& options, const std::atomic<bool>& stop,
                    std::ostream& out, Clock& clock) {
  RunOutcome outcome;
  RunReport report(make_run_id());
  outcome.run_id = report.run_id();
  set_log_context("run_id", report.run_id());
  const std::string report_dir = options.report_dir.empty() ? config.report.dir : options.report_dir;
  const auto started = clock.now();

  std::unique_ptr<StateStore> state = open_state(config, options.dry_run, clock);
  std::unique_ptr<StateStore::RunLock> lock;
  if (state && !options.dry_run) lock = state->acquire_run_lock();
  // Scratch space of this run (after the lock: stale spools of killed runs are removed here): the sorted
  // runs of records and the failures on their way to the report. Removed when the run ends.
  SpoolDirectory spool_dir(SpoolDirectory::root_for(config.state.path, options.dry_run || !state), report.run_id());
  report.stream_failures_to(spool_dir.path().string());

  PluginHost host(config.plugin_paths);
  PreparedSources sources(config, host, options.only, &stop);
  std::unique_ptr<ZraConnection> connection;
  if (!options.dry_run) connection = std::make_unique<ZraConnection>(config, clock);

  FailureCauses causes;
  SchedulerOptions sched;
  sched.batch_size = static_cast<size_t>(config.zra.batch_size);
  sched.max_in_flight = static_cast<size_t>(config.zra.max_in_flight_tasks);
  sched.poll = {std::chrono::milliseconds(config.zra.poll.initial_ms), std::chrono::milliseconds(config.zra.poll.max_ms),
                std::chrono::seconds(config.zra.poll.timeout_s)};
  sched.grace = options.grace;
  ProgressLine progress(std::cerr, options.progress && !options.dry_run, clock);
  const RateSpec import_rate = import_rate_of(config);
  sched.on_tick = [&] {
    std::map<std::string, TypeProgress> by_type;
    int64_t calls_left = 0;
    for (ObjectType t : kAllObjectTypes) {
      TypeCounts c = report.counts(t);
      by_type[std::string(to_string(t))] = {c.read, c.sent, c.confirmed, c.rejected + c.unconfirmed};
      int64_t to_send = c.new_records + c.changed + c.retried + c.to_delete;
      calls_left += std::max<int64_t>(0, (to_send - c.sent + sched.batch_size - 1) / static_cast<int64_t>(sched.batch_size));
    }
    progress.update(by_type, import_rate.count * 60.0 / import_rate.per_seconds, calls_left);
  };
  std::unique_ptr<ImportScheduler> scheduler;
  if (connection) {
    scheduler = std::make_unique<ImportScheduler>(connection->client(), state.get(), report, causes, clock, sched,
                                                  report.run_id(), stop);
  }

  int exit_code = kExitOk;
  try {
    if (scheduler) scheduler->settle_journal();
    if (state && !options.dry_run) state->begin_run(report.run_id());

    // A dry run sends nothing: its records need their hashes, not their bodies.
    RecordCollector collector(config, sources, report, causes, stop, state.get(), report.run_id(),
                              options.dry_run ? BodyUse::HashOnly : BodyUse::Keep);
    RunPlanner planner(state.get(), clock, {options.full, options.retry_rejected, config.state.retry_rejected_after_s},
                       report, causes, spool_dir, dry_run_limits(options.dry_run));
    std::vector<StreamOutcome> streams;
    PlannedSends sends;
    {  // the spool and its buffer (12 MB) are gone before the first import: not held beside the batches sent
      RecordSpool spool(spool_dir);
      streams = collector.collect(spool);
      sends = planner.plan(spool, streams, options.allow_mass_delete);
    }
    double decision_s = 0;
    for (const auto& [type, took] : sends.decision_time) decision_s += took.count();
    report.set_info("plan_s", decision_s);

    if (options.dry_run) {
      print_plan(out, report, {sched.batch_size, import_rate_of(config), config.zra.plan});
      exit_code = stop.load() ? kExitInterrupted : exit_code_for(report);
    } else {
      scheduler->run(sends.take_records());
      // Deletions last, and in reverse dependency order: deals, then contacts, then accounts.
      for (ObjectType t : {ObjectType::Deal, ObjectType::Contact, ObjectType::Account, ObjectType::Lead}) {
        std::unique_ptr<RecordSource> dels = sends.take_deletions(t);
        if (!dels || stop.load()) continue;
        std::map<ObjectType, std::unique_ptr<RecordSource>> one;
        one[t] = std::move(dels);
        scheduler->run(std::move(one));
      }
      exit_code = stop.load() ? kExitInterrupted : exit_code_for(report);
      if (state && !stop.load()) advance_cursors(streams, report, *state);
    }
  } catch (const Error& e) {
    if (e.exit_code() == kExitUsage) throw;
    log_error("run.fatal", e.what());
    out << "fatal: " << redact(e.what()) << "\n";
    report.set_info("fatal_error", redact(e.what()));
    exit_code = e.exit_code();
  }

  if (connection) {
    ClientStats st = connection->client().stats();
    report.set_info("api_calls", {{"by_label", st.calls_by_label}, {"import_calls", st.import_calls},
                                  {"retries", st.retries}, {"rate_limited", st.rate_limited},
                                  {"token_requests", st.token_requests}});
  }
  report.set_info("dry_run", options.dry_run);
  report.set_info("duration_s",
                  std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - started).count() / 1000.0);
  outcome.exit_code = exit_code;
  outcome.report_path = report.write(report_dir, exit_code);
  progress.finish();
  if (!options.dry_run && !config.report.metrics_file.empty()) {
    write_prometheus_metrics(config.report.metrics_file, report.summary(exit_code),
                             std::chrono::duration_cast<std::chrono::seconds>(clock.wall_now().time_since_epoch()).count());
  }
  if (state && !options.dry_run) {
    state->finish_run(report.run_id(), exit_code, report.summary(exit_code).dump());
  }
  if (!options.dry_run) print_summary(out, report, exit_code, outcome.report_path);
  else out << "report: " << outcome.report_path << "\n";
  return outcome;
}

}  // namespace zra
