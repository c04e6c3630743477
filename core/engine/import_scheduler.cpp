#include "core/engine/import_scheduler.h"

#include <algorithm>

#include "core/common/fault_point.h"
#include "core/common/log.h"
#include "core/state/state_store.h"

namespace zra {

struct ImportScheduler::Batch {
  ObjectType type = ObjectType::Account;
  std::vector<PlannedRecord> records;
  int64_t journal_id = 0;
  std::optional<TrackedTask> task;
};

struct ImportScheduler::TypeQueue {
  ObjectType type = ObjectType::Account;
  std::unique_ptr<RecordSource> source;  // what is still to be cut into batches
  bool exhausted = false;                // the source has handed out its last record
  std::deque<std::unique_ptr<Batch>> batches;
  bool prepared = false;
  size_t in_flight = 0;
  bool done() const { return prepared && exhausted && batches.empty() && in_flight == 0; }
};

ImportScheduler::ImportScheduler(ZraClient& client, StateStore* state, RunReport& report,
                                 FailureCauses& causes, Clock& clock, SchedulerOptions options,
                                 std::string run_id, const std::atomic<bool>& stop)
    : client_(client),
      state_(state),
      report_(report),
      causes_(causes),
      clock_(clock),
      options_(options),
      run_id_(std::move(run_id)),
      stop_(stop),
      batch_size_(std::max<size_t>(1, options.batch_size)),
      pacer_(options.poll) {
  // The client's retries and rate-limit waits end with the grace too: the loop below cannot look at its
  // deadline while it is blocked in a call.
  client_.stop_after(stop_, options_.grace);
}

ImportScheduler::~ImportScheduler() = default;

bool ImportScheduler::dependencies_final(ObjectType type) const {
  for (ObjectType dep : object_spec(type).depends_on) {
    auto it = queues_.find(dep);
    if (it != queues_.end() && !it->second->done()) return false;
  }
  return true;
}

// Runs when the type's dependencies are final, so their outcomes in this run are known; from then on
// batches are cut as they are needed (fill_batch), each record checked against those outcomes.
void ImportScheduler::prepare(TypeQueue& q) { q.prepared = true; }

// Cuts the next batch from the type's source unless one is queued; records blocked by a failed dependency
// are reported and skipped. Returns whether a batch is queued.
bool ImportScheduler::fill_batch(TypeQueue& q) {
  if (!q.batches.empty()) return true;
  if (q.exhausted) return false;
  auto b = std::make_unique<Batch>();
  b->type = q.type;
  PlannedRecord rec;
  while (b->records.size() < batch_size_) {
    if (!q.source || !q.source->next(rec)) {
      q.exhausted = true;
      q.source.reset();
      break;
    }
    if (block_if_dependency_failed(q.type, rec, causes_, report_)) continue;
    b->records.push_back(std::move(rec));
  }
  if (!b->records.empty()) q.batches.push_back(std::move(b));
  return !q.batches.empty();
}

// After a 413 the batch size is halved for the rest of the run: every queued batch is cut again, so the
// 413 costs one call once per run, not once per batch.
void ImportScheduler::rebatch_all() {
  for (auto& [type, q] : queues_) {
    if (!q->prepared || q->batches.empty()) continue;
    std::vector<PlannedRecord> all;
    for (auto& b : q->batches) {
      for (auto& r : b->records) all.push_back(std::move(r));
    }
    q->batches.clear();
    for (size_t start = 0; start < all.size(); start += batch_size_) {
      auto b = std::make_unique<Batch>();
      b->type = type;
      size_t end = std::min(all.size(), start + batch_size_);
      b->records.assign(std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(start)),
                        std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(end)));
      q->batches.push_back(std::move(b));
    }
  }
}

ImportScheduler::TypeQueue* ImportScheduler::next_ready_queue() {
  // The dependency chain first (its tasks gate other types), leads fill the gaps.
  for (ObjectType t : {ObjectType::Account, ObjectType::Contact, ObjectType::Deal, ObjectType::Lead}) {
    auto it = queues_.find(t);
    if (it == queues_.end()) continue;
    TypeQueue& q = *it->second;
    if (!q.prepared && dependencies_final(t)) prepare(q);
    if (q.prepared && fill_batch(q)) return &q;
  }
  return nullptr;
}

bool ImportScheduler::all_done() const {
  for (const auto& [t, q] : queues_) {
    if (!q->done()) return false;
  }
  return true;
}

void ImportScheduler::submit(std::unique_ptr<Batch> batch) {
  const std::string body = [&] {
    std::string s = "{\"data\":[";
    for (size_t i = 0; i < batch->records.size(); ++i) {
      if (i > 0) s += ',';
      s += batch->records[i].body;
    }
    return s + "]}";
  }();
  if (state_ != nullptr) {
    std::vector<JournalItem> items;
    items.reserve(batch->records.size());
    for (const auto& r : batch->records) items.push_back({r.crm_id, r.hash, r.stream, r.locator, r.deletion});
    batch->journal_id = state_->journal_batch(run_id_, batch->type, items);
  }
  TypeQueue& q = *queues_.at(batch->type);
  std::string task_id;
  try {
    task_id = client_.import(batch->type, body);
  } catch (const PayloadTooLargeError&) {
    if (state_ != nullptr) state_->abandon_batch(batch->journal_id);
    size_t half = std::max<size_t>(1, batch->records.size() / 2);
    if (batch->records.size() <= 1) throw FatalError("ZRA answered 413 (too many items) to a single-record import");
    batch_size_ = std::min(batch_size_, half);
    log_warn("import.too_large", "ZRA answered 413: batch size is now " + std::to_string(batch_size_) +
                                     " for the rest of the run", {{"type", to_string(batch->type)}});
    report_.update(batch->type, [](TypeCounts& c) { c.import_calls++; });
    q.batches.push_front(std::move(batch));
    rebatch_all();
    return;
  } catch (const Error& e) {
    // Stopped while the import was being retried (RunStoppingError): ZRA may or may not have it, and the
    // journal entry has no task id, so the next run sends these records again. Otherwise not registered,
    // auth, network exhausted: nothing more can be sent in this run.
    const bool stopping = dynamic_cast<const RunStoppingError*>(&e) != nullptr;
    if (state_ != nullptr && dynamic_cast<const NotRegisteredError*>(&e) != nullptr) {
      state_->abandon_batch(batch->journal_id);
    }
    const std::string detail = std::string(stopping ? "import not confirmed: " : "import failed: ") + e.what();
    for (const auto& r : batch->records) {
      report_.add_failure({std::string(to_string(r.type)), r.crm_id, r.source, r.stream, r.locator,
                           stopping ? Phase::Unconfirmed : Phase::Transport, "", detail, ""});
    }
    report_.update(batch->type, [&](TypeCounts& c) {
      c.import_calls++;
      c.unconfirmed += static_cast<int64_t>(batch->records.size());
    });
    throw;
  }
  fault_point("submitted");
  if (state_ != nullptr) state_->journal_task_id(batch->journal_id, task_id);
  fault_point("journalled");
  log_info("import.submitted", "submitted " + std::to_string(batch->records.size()) + " " +
                                   std::string(object_spec(batch->type).plural) + " as task " + task_id,
           {{"type", to_string(batch->type)}, {"task_id", task_id}, {"items", batch->records.size()}});
  report_.update(batch->type, [&](TypeCounts& c) {
    c.import_calls++;
    c.tasks++;
    c.sent += static_cast<int64_t>(batch->records.size());
  });
  batch->task.emplace(pacer_.track(task_id, clock_.now()));
  q.in_flight++;
  in_flight_.push_back(std::move(batch));
}

// `this_run`: false for batches of an earlier run read back from the journal. Their failures are not this
// run's: unconfirmed records are resent below and rejected ones are reported by change detection.
void ImportScheduler::settle(Batch& batch, const std::vector<RecordVerdict>& verdicts, bool this_run) {
  const std::string task_id = batch.task ? batch.task->task_id() : "";
  std::vector<SettledItem> items;
  items.reserve(verdicts.size());
  TypeCounts add;
  for (size_t i = 0; i < verdicts.size(); ++i) {
    const PlannedRecord& r = batch.records[i];
    const RecordVerdict& v = verdicts[i];
    switch (v.result) {
      case RecordResult::Confirmed:
        add.confirmed++;
        items.push_back({r.crm_id, ItemOutcome::Confirmed, ""});
        causes_[r.type].erase(r.crm_id);
        break;
      case RecordResult::Rejected:
        add.rejected++;
        items.push_back({r.crm_id, ItemOutcome::Rejected, v.detail});
        if (!this_run) break;
        report_.add_failure({std::string(to_string(r.type)), r.crm_id, r.source, r.stream, r.locator,
                             Phase::Remote, "", v.detail, task_id});
        causes_[r.type].emplace(r.crm_id, "rejected by ZRA: " + v.detail);
        break;
      case RecordResult::Unconfirmed:
        add.unconfirmed++;
        items.push_back({r.crm_id, ItemOutcome::Unconfirmed, v.detail});
        if (!this_run) break;
        report_.add_failure({std::string(to_string(r.type)), r.crm_id, r.source, r.stream, r.locator,
                             Phase::Unconfirmed, "", v.detail, task_id});
        causes_[r.type].emplace(r.crm_id, "unconfirmed: " + v.detail);
        break;
    }
  }
  if (state_ != nullptr) state_->settle_batch(batch.journal_id, items);
  if (!this_run) {
    journal_recovered_[batch.type] += add.confirmed;  // several batches of a type may be recovered
    report_.set_info("journal_recovered_" + std::string(to_string(batch.type)), journal_recovered_[batch.type]);
    return;
  }
  confirmed_[batch.type] += add.confirmed;
  report_.update(batch.type, [&](TypeCounts& c) {
    c.confirmed += add.confirmed;
    c.rejected += add.rejected;
    c.unconfirmed += add.unconfirmed;
  });
  log_info("task.final", "task " + task_id + ": " + std::to_string(add.confirmed) + " confirmed, " +
                             std::to_string(add.rejected) + " rejected, " + std::to_string(add.unconfirmed) +
                             " unconfirmed",
           {{"type", to_string(batch.type)}, {"task_id", task_id}});
}

void ImportScheduler::poll_due() {
  for (size_t i = 0; i < in_flight_.size();) {
    Batch& b = *in_flight_[i];
    auto now = clock_.now();
    if (b.task->next_poll() > now) {
      ++i;
      continue;
    }
    std::optional<std::vector<RecordVerdict>> verdicts;
    try {
      TaskResult r = client_.get_task(b.task->task_id());
      fault_point("polling");
      if (r.is_final()) {
        pacer_.observe_final(*b.task, clock_.now());
        std::vector<std::string> unmatched;
        verdicts = verdicts_for(r, b.records, unmatched);
        for (const auto& u : unmatched) {
          log_warn("task.unmatched_error", "task " + r.task_id + " listed an error for no record of its batch: " + u);
        }
      } else if (b.task->timed_out(now)) {
        verdicts = all_unconfirmed(b.records.size(), "task " + b.task->task_id() +
                                                         " did not finish within poll.timeout_s");
      } else {
        b.task->poll_later(now);
      }
    } catch (const TaskNotFoundError&) {
      verdicts = all_unconfirmed(b.records.size(), "task " + b.task->task_id() +
                                                       " expired before its result was read (404)");
    } catch (const ResponseFormatError& e) {
      log_warn("task.bad_answer", std::string("unreadable task answer, polling again: ") + e.what());
      if (b.task->timed_out(now)) {
        verdicts = all_unconfirmed(b.records.size(), std::string("task answers unreadable: ") + e.what());
      } else {
        b.task->poll_later(now);
      }
    }
    if (!verdicts) {
      ++i;
      continue;
    }
    settle(b, *verdicts, true);
    queues_.at(b.type)->in_flight--;
    in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

void ImportScheduler::abandon_unsent(Phase phase, const std::string& detail) {
  for (auto& [type, q] : queues_) {
    auto report_one = [&](const PlannedRecord& r) {
      report_.add_failure({std::string(to_string(r.type)), r.crm_id, r.source, r.stream, r.locator, phase, "",
                           detail, ""});
    };
    int64_t n = 0;
    if (q->source) {
      PlannedRecord r;
      while (q->source->next(r)) report_one(r), ++n;
      q->source.reset();
    }
    q->exhausted = true;
    for (const auto& b : q->batches) {
      for (const auto& r : b->records) report_one(r), ++n;
    }
    q->batches.clear();
    q->prepared = true;
    report_.update(type, [&](TypeCounts& c) { c.unconfirmed += n; });
  }
  // In-flight tasks stay journalled: the next run polls them instead of sending them again.
  for (auto& b : in_flight_) {
    for (const auto& r : b->records) {
      report_.add_failure({std::string(to_string(r.type)), r.crm_id, r.source, r.stream, r.locator,
                           Phase::Unconfirmed, "", "task still running when the run stopped; the next run reads its result",
                           b->task ? b->task->task_id() : ""});
    }
    report_.update(b->type, [&](TypeCounts& c) { c.unconfirmed += static_cast<int64_t>(b->records.size()); });
  }
  in_flight_.clear();
}

void ImportScheduler::run(std::map<ObjectType, std::vector<PlannedRecord>> records) {
  std::map<ObjectType, std::unique_ptr<RecordSource>> sources;
  for (auto& [type, recs] : records) sources[type] = std::make_unique<VectorRecordSource>(std::move(recs));
  run(std::move(sources));
}

void ImportScheduler::run(std::map<ObjectType, std::unique_ptr<RecordSource>> records) {
  for (auto& [type, source] : records) {
    auto q = std::make_unique<TypeQueue>();
    q->type = type;
    q->source = std::move(source);
    q->exhausted = q->source == nullptr;
    queues_[type] = std::move(q);
  }
  std::optional<Clock::Instant> stop_deadline;
  try {
    while (!all_done()) {
      if (stop_.load() && !stop_deadline) {
        // The client's deadline when it saw the stop first (inside a call), so both end together.
        stop_deadline = client_.stop_deadline().value_or(clock_.now() + options_.grace);
        log_warn("run.stopping", "stop requested: no new imports; waiting up to " +
                                     std::to_string(options_.grace.count()) + " s for tasks in flight");
      }
      if (stop_deadline && (in_flight_.empty() || clock_.now() >= *stop_deadline)) break;
      poll_due();
      if (options_.on_tick) options_.on_tick();
      while (!stop_deadline && in_flight_.size() < options_.max_in_flight) {
        TypeQueue* q = next_ready_queue();
        if (q == nullptr) break;
        if (client_.limiter().time_until_available(RateLabel::ResourceIntensive).count() > 0) break;
        auto batch = std::move(q->batches.front());
        q->batches.pop_front();
        submit(std::move(batch));
      }
      if (all_done()) break;
      // Sleep until the next poll is due or the limiter grants the next import, whichever is first.
      auto now = clock_.now();
      auto wake = now + std::chrono::milliseconds(200);
      for (const auto& b : in_flight_) wake = std::min(wake, b->task->next_poll());
      if (!stop_deadline && in_flight_.size() < options_.max_in_flight && next_ready_queue() != nullptr) {
        wake = std::min(wake, now + client_.limiter().time_until_available(RateLabel::ResourceIntensive));
      }
      if (wake > now) clock_.sleep_for(std::min<std::chrono::nanoseconds>(wake - now, std::chrono::milliseconds(200)));
    }
  } catch (const RunStoppingError& e) {
    // A call gave up at the grace deadline (ZRA unreachable or rate limiting): the grace is over. Tasks in
    // flight stay journalled and are reported unconfirmed below, as when the deadline passes between calls.
    log_warn("run.grace_over", std::string("grace period over while a call was being retried: ") + e.what());
  } catch (const Error& e) {
    abandon_unsent(Phase::Transport, std::string("not sent: ") + e.what());
    throw;
  }
  if (!all_done()) abandon_unsent(Phase::Unconfirmed, "not sent: the run was interrupted");
}

void ImportScheduler::settle_journal() {
  if (state_ == nullptr) return;
  try {
    settle_journal_batches();
  } catch (const RunStoppingError& e) {
    // Stopped before the run began: what is not settled stays in the journal for the next run.
    log_warn("run.grace_over", std::string("stopped while reading earlier runs' task results: ") + e.what());
  }
}

void ImportScheduler::settle_journal_batches() {
  for (auto& pending : state_->pending_batches()) {
    if (pending.task_id.empty()) {
      log_info("journal.release", "batch " + std::to_string(pending.batch_id) + " of run " + pending.run_id +
                                      " never got a task id: its records are sent again");
      state_->abandon_batch(pending.batch_id);
      continue;
    }
    Batch b;
    b.type = pending.type;
    b.journal_id = pending.batch_id;
    for (const auto& item : pending.items) {
      PlannedRecord r;
      r.type = pending.type;
      r.crm_id = item.crm_id;
      r.hash = item.payload_hash;
      r.stream = item.stream;
      r.locator = item.locator;
      r.deletion = item.deletion;
      b.records.push_back(std::move(r));
    }
    b.task.emplace(pending.task_id, clock_.now() - options_.poll.initial, options_.poll);
    log_info("journal.resume", "reading the result of task " + pending.task_id + " from run " + pending.run_id +
                                   " instead of sending its " + std::to_string(b.records.size()) + " records again",
             {{"task_id", pending.task_id}, {"type", to_string(pending.type)}});
    while (true) {
      std::optional<std::vector<RecordVerdict>> verdicts;
      try {
        TaskResult r = client_.get_task(pending.task_id);
        if (r.is_final()) {
          std::vector<std::string> unmatched;
          verdicts = verdicts_for(r, b.records, unmatched);
        } else if (b.task->timed_out(clock_.now())) {
          verdicts = all_unconfirmed(b.records.size(), "task " + pending.task_id + " did not finish in time");
        }
      } catch (const TaskNotFoundError&) {
        verdicts = all_unconfirmed(b.records.size(), "task " + pending.task_id + " expired (404)");
      }
      if (verdicts) {
        settle(b, *verdicts, false);
        break;
      }
      b.task->poll_later(clock_.now());
      const std::chrono::nanoseconds wait = b.task->next_poll() - clock_.now();
      if (const std::optional<Clock::Instant> stop_at = client_.stop_deadline()) {
        const auto left = *stop_at - clock_.now();
        if (left <= wait) {  // polling again would pass the grace: the batch stays in the journal
          log_warn("run.grace_over",
                   "stopped before task " + pending.task_id + " finished; the next run reads its result",
                   {{"task_id", pending.task_id}});
          return;
        }
      }
      clock_.sleep_for(wait);
    }
  }
}

}  // namespace zra
