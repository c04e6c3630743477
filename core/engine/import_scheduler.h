#pragma once
// Sends the records of a run to ZRA: accounts, then contacts, then deals (each type starts when every
// task of the types it depends on is final), leads beside them; batches filled to batch_size, up to
// max_in_flight tasks at once, each task polled to its end and settled into the state store.
#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/client/zra_client.h"
#include "core/engine/dependency_blocking.h"
#include "core/engine/planned_record.h"
#include "core/engine/record_source.h"
#include "core/engine/record_collector.h"
#include "core/engine/task_tracker.h"
#include "core/report/run_report.h"

namespace zra {

class StateStore;

struct SchedulerOptions {
  size_t batch_size = 2000;
  size_t max_in_flight = 4;
  PollSchedule poll;
  std::chrono::seconds grace{30};  // after a stop: how long in-flight tasks may still finish
  std::function<void()> on_tick;   // called once per scheduling round (progress display)
};

class ImportScheduler {
 public:
  // Binds the client's waits to `stop` and options.grace (ZraClient::stop_after): after a stop, a call
  // being retried gives up (RunStoppingError) by the end of the grace instead of blocking the run.
  ImportScheduler(ZraClient& client, StateStore* state, RunReport& report, FailureCauses& causes, Clock& clock,
                  SchedulerOptions options, std::string run_id, const std::atomic<bool>& stop);
  ~ImportScheduler();

  // Sends everything the sources hand out, per type (consumed). Records are pulled a batch at a time when
  // the type may start (its dependencies final), so memory holds the batches in flight, not the run;
  // records naming a record that failed in this run are not sent (dependency_blocking.h). Returns when
  // every task is final, or after a stop once in-flight tasks finished or the grace period ran out (also
  // when a call gave up at the grace deadline with RunStoppingError): tasks still in flight are reported
  // unconfirmed and stay in the journal, unsent records are reported "not sent: the run was interrupted".
  // Throws FatalError (exit 3) when ZRA cannot be used (not registered, auth, network exhausted); what
  // was not settled is reported first (the sources are drained for that).
  void run(std::map<ObjectType, std::unique_ptr<RecordSource>> records);
  // The same for records in memory (tests, small inputs).
  void run(std::map<ObjectType, std::vector<PlannedRecord>> records);

  // Settles batches a previous run journalled but never settled: polls their tasks (no import call).
  // Batches without a task id were never accepted as far as we know: they are released to be resent.
  // After a stop it returns by the grace deadline, leaving what is not settled in the journal.
  void settle_journal();

  // CRM ids confirmed in this run, by type (for cursors and mirror checks).
  const std::map<ObjectType, int64_t>& confirmed_counts() const { return confirmed_; }
  size_t batch_size() const { return batch_size_; }

 private:
  struct Batch;
  struct TypeQueue;

  void prepare(TypeQueue& q);
  bool fill_batch(TypeQueue& q);
  bool dependencies_final(ObjectType type) const;
  void rebatch_all();
  void submit(std::unique_ptr<Batch> batch);
  void poll_due();
  void settle_journal_batches();
  void settle(Batch& batch, const std::vector<RecordVerdict>& verdicts, bool this_run);
  void abandon_unsent(Phase phase, const std::string& detail);
  TypeQueue* next_ready_queue();
  bool all_done() const;

  ZraClient& client_;
  StateStore* state_;
  RunReport& report_;
  FailureCauses& causes_;
  Clock& clock_;
  SchedulerOptions options_;
  std::string run_id_;
  const std::atomic<bool>& stop_;
  size_t batch_size_;
  std::map<ObjectType, std::unique_ptr<TypeQueue>> queues_;
  std::vector<std::unique_ptr<Batch>> in_flight_;
  std::map<ObjectType, int64_t> confirmed_;
  std::map<ObjectType, int64_t> journal_recovered_;  // records of earlier runs' tasks confirmed at start
  PollPacer pacer_;  // when to poll a new task, learned from this run's tasks (task_tracker.h)
};

}  // namespace zra
