#include "core/engine/sync_run.h"

#include <filesystem>
#include <ostream>

#include <nlohmann/json.hpp>

#include "core/common/log.h"
#include "core/engine/change_detector.h"
#include "core/engine/import_scheduler.h"
#include "core/engine/mirror_planner.h"
#include "core/engine/record_collector.h"
#include "core/engine/run_summary.h"
#include "core/engine/zra_connection.h"
#include "core/plugin_host/plugin_host.h"
#include "core/state/state_store.h"

namespace zra {
namespace {

int exit_code_for(const RunReport& report) { return report.failure_count() > 0 ? kExitRecordsFailed : kExitOk; }

// A dry run reads the state if there is one, and never creates or locks it.
std::unique_ptr<StateStore> open_state(const SyncConfig& config, bool dry_run, Clock& clock) {
  if (dry_run && !std::filesystem::exists(config.state.path)) return nullptr;
  return StateStore::open(config.state.path, clock, dry_run);
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

  PluginHost host(config.plugin_paths);
  PreparedSources sources(config, host, options.only);
  std::unique_ptr<ZraConnection> connection;
  if (!options.dry_run) connection = std::make_unique<ZraConnection>(config, clock);

  FailureCauses causes;
  SchedulerOptions sched;
  sched.batch_size = static_cast<size_t>(config.zra.batch_size);
  sched.max_in_flight = static_cast<size_t>(config.zra.max_in_flight_tasks);
  sched.poll = {std::chrono::milliseconds(config.zra.poll.initial_ms), std::chrono::milliseconds(config.zra.poll.max_ms),
                std::chrono::seconds(config.zra.poll.timeout_s)};
  sched.grace = options.grace;
  std::unique_ptr<ImportScheduler> scheduler;
  if (connection) {
    scheduler = std::make_unique<ImportScheduler>(connection->client(), state.get(), report, causes, clock, sched,
                                                  report.run_id(), stop);
  }

  int exit_code = kExitOk;
  try {
    if (scheduler) scheduler->settle_journal();
    if (state && !options.dry_run) state->begin_run(report.run_id());

    RecordCollector collector(config, sources, report, causes, stop, state.get(), report.run_id());
    CollectedRecords collected = collector.collect();
    ChangeDetector detector(state.get(), clock,
                            {options.full, options.retry_rejected, config.state.retry_rejected_after_s});
    for (auto& [type, records] : collected.records) detector.filter(type, records, report);
    MirrorPlan mirror = plan_mirror_deletes(collected.streams, state.get(), report.run_id(), report,
                                            options.allow_mass_delete);

    if (options.dry_run) {
      print_plan(out, report, {sched.batch_size, import_rate_of(config), config.zra.plan});
      exit_code = exit_code_for(report);
    } else {
      scheduler->run(std::move(collected.records));
      // Deletions last, and in reverse dependency order: deals, then contacts, then accounts.
      for (ObjectType t : {ObjectType::Deal, ObjectType::Contact, ObjectType::Account, ObjectType::Lead}) {
        auto it = mirror.deletions.find(t);
        if (it == mirror.deletions.end() || it->second.empty() || stop.load()) continue;
        std::map<ObjectType, std::vector<PlannedRecord>> one;
        one[t] = std::move(it->second);
        scheduler->run(std::move(one));
      }
      exit_code = stop.load() ? kExitInterrupted : exit_code_for(report);
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
  if (state && !options.dry_run) {
    state->finish_run(report.run_id(), exit_code, report.summary(exit_code).dump());
  }
  if (!options.dry_run) print_summary(out, report, exit_code, outcome.report_path);
  else out << "report: " << outcome.report_path << "\n";
  return outcome;
}

}  // namespace zra
