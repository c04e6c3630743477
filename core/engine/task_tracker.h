#pragma once
// Follows one import task to its end and turns ZRA's answer into per-record outcomes: confirmed only
// when the task ended SUCCESS and did not list the record in `errors`; rejected when it did; unconfirmed
// when the task FAILED, expired (404) or did not finish in time (sent again next run).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/client/zra_client.h"
#include "core/common/clock.h"
#include "core/engine/planned_record.h"

namespace zra {

enum class RecordResult { Confirmed, Rejected, Unconfirmed };

struct RecordVerdict {
  RecordResult result = RecordResult::Unconfirmed;
  std::string detail;
};

struct PollSchedule {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{15000};
  std::chrono::seconds timeout{3600};
};

class TrackedTask {
 public:
  // First poll `first_poll` after `submitted` (default: schedule.initial). After each non-final answer
  // the interval (starting at `retry`, default schedule.initial) grows x1.5, up to schedule.max.
  TrackedTask(std::string task_id, Clock::Instant submitted, PollSchedule schedule);
  TrackedTask(std::string task_id, Clock::Instant submitted, PollSchedule schedule, std::chrono::milliseconds first_poll,
              std::chrono::milliseconds retry);
  const std::string& task_id() const { return task_id_; }
  Clock::Instant submitted() const { return submitted_; }
  Clock::Instant next_poll() const { return next_poll_; }
  bool timed_out(Clock::Instant now) const { return now - submitted_ >= schedule_.timeout; }
  // Schedules the next poll with backoff (x1.5 up to max) after a non-final answer at `now`.
  void poll_later(Clock::Instant now);
  // When the last non-final answer came (nullopt: none yet).
  std::optional<Clock::Instant> last_not_final() const { return last_not_final_; }

 private:
  std::string task_id_;
  Clock::Instant submitted_;
  PollSchedule schedule_;
  std::chrono::milliseconds interval_;
  Clock::Instant next_poll_;
  std::optional<Clock::Instant> last_not_final_;
};

// Learns how long this run's tasks take to become final, so that a new task is first polled about when
// it should be final instead of on the fixed schedule: most tasks are then read with one LIGHT call,
// where the fixed schedule (500 ms, then x1.5) spends one per backoff step of the task's duration.
// Never polls sooner than schedule.initial nor later than schedule.max after submit. Not thread-safe.
//
// The estimate E starts at schedule.initial. A task seen final at its first poll took at most E, so E
// shrinks by 1/16 (probing, as tasks may have got faster); a task that needed more polls ended between
// its last non-final answer and the final one, so E moves halfway to the midpoint of that interval.
// After a miss, the interval starts at max(initial, E/8) and grows x1.5. For tasks of a steady length
// that is about 1.6 polls per task, seen final about 10% after the end on average; the fixed schedule
// needs 7 polls for a 3 s task (100 ms initial) and is about as late.
class PollPacer {
 public:
  explicit PollPacer(PollSchedule schedule);
  // The tracker of a task submitted at `submitted`, paced by the current estimate.
  TrackedTask track(std::string task_id, Clock::Instant submitted) const;
  // A task became final when `task` was polled at `now`.
  void observe_final(const TrackedTask& task, Clock::Instant now);
  std::chrono::milliseconds estimate() const { return estimate_; }

 private:
  PollSchedule schedule_;
  std::chrono::milliseconds estimate_;
};

// Maps a final task result onto the batch's records, in batch order. `record_index` is trusted when it
// names a record with the same id; otherwise the error is matched by `record_id`. An error that matches
// no record is returned in `unmatched` (logged by the caller), never dropped.
std::vector<RecordVerdict> verdicts_for(const TaskResult& result, const std::vector<PlannedRecord>& batch,
                                        std::vector<std::string>& unmatched);

// Every record of the batch unconfirmed, with the same reason.
std::vector<RecordVerdict> all_unconfirmed(size_t n, const std::string& detail);

}  // namespace zra
