#pragma once
// Follows one import task to its end and turns ZRA's answer into per-record outcomes: confirmed only
// when the task ended SUCCESS and did not list the record in `errors`; rejected when it did; unconfirmed
// when the task FAILED, expired (404) or did not finish in time (sent again next run).
#include <chrono>
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
  TrackedTask(std::string task_id, Clock::Instant submitted, PollSchedule schedule);
  const std::string& task_id() const { return task_id_; }
  Clock::Instant next_poll() const { return next_poll_; }
  bool timed_out(Clock::Instant now) const { return now - submitted_ >= schedule_.timeout; }
  // Schedules the next poll with backoff (x1.5 up to max) after a non-final answer.
  void poll_later(Clock::Instant now);

 private:
  std::string task_id_;
  Clock::Instant submitted_;
  PollSchedule schedule_;
  std::chrono::milliseconds interval_;
  Clock::Instant next_poll_;
};

// Maps a final task result onto the batch's records, in batch order. `record_index` is trusted when it
// names a record with the same id; otherwise the error is matched by `record_id`. An error that matches
// no record is returned in `unmatched` (logged by the caller), never dropped.
std::vector<RecordVerdict> verdicts_for(const TaskResult& result, const std::vector<PlannedRecord>& batch,
                                        std::vector<std::string>& unmatched);

// Every record of the batch unconfirmed, with the same reason.
std::vector<RecordVerdict> all_unconfirmed(size_t n, const std::string& detail);

}  // namespace zra
