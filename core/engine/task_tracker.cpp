#include "core/engine/task_tracker.h"

#include <algorithm>
#include <unordered_map>

namespace zra {

TrackedTask::TrackedTask(std::string task_id, Clock::Instant submitted, PollSchedule schedule)
    : TrackedTask(std::move(task_id), submitted, schedule, schedule.initial, schedule.initial) {}

TrackedTask::TrackedTask(std::string task_id, Clock::Instant submitted, PollSchedule schedule,
                         std::chrono::milliseconds first_poll, std::chrono::milliseconds retry)
    : task_id_(std::move(task_id)), submitted_(submitted), schedule_(schedule), interval_(retry),
      next_poll_(submitted + first_poll) {}

void TrackedTask::poll_later(Clock::Instant now) {
  interval_ = std::min(schedule_.max, std::chrono::milliseconds(interval_.count() * 3 / 2 + 1));
  next_poll_ = now + interval_;
  last_not_final_ = now;
}

PollPacer::PollPacer(PollSchedule schedule) : schedule_(schedule), estimate_(schedule.initial) {}

TrackedTask PollPacer::track(std::string task_id, Clock::Instant submitted) const {
  const auto retry = std::max(schedule_.initial, estimate_ / 8);
  return TrackedTask(std::move(task_id), submitted, schedule_, estimate_, std::min(retry, schedule_.max));
}

void PollPacer::observe_final(const TrackedTask& task, Clock::Instant now) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  milliseconds next;
  if (auto pending = task.last_not_final()) {
    const auto low = duration_cast<milliseconds>(*pending - task.submitted());
    const auto high = duration_cast<milliseconds>(now - task.submitted());
    next = (estimate_ + (low + high) / 2) / 2;
  } else {
    next = estimate_ - estimate_ / 16;
  }
  estimate_ = std::clamp(next, schedule_.initial, std::max(schedule_.initial, schedule_.max));
}

std::vector<RecordVerdict> all_unconfirmed(size_t n, const std::string& detail) {
  return std::vector<RecordVerdict>(n, RecordVerdict{RecordResult::Unconfirmed, detail});
}

std::vector<RecordVerdict> verdicts_for(const TaskResult& result, const std::vector<PlannedRecord>& batch,
                                        std::vector<std::string>& unmatched) {
  if (result.status != "SUCCESS") {
    return all_unconfirmed(batch.size(), "task " + result.task_id + " ended " + result.status +
                                             "; its records are sent again next run");
  }
  std::vector<RecordVerdict> out(batch.size(), RecordVerdict{RecordResult::Confirmed, ""});
  std::unordered_multimap<std::string, size_t> by_id;
  for (size_t i = 0; i < batch.size(); ++i) by_id.emplace(batch[i].crm_id, i);
  for (const auto& err : result.errors) {
    int64_t idx = err.record_index;
    bool index_ok = idx >= 0 && static_cast<size_t>(idx) < batch.size() &&
                    (err.record_id.empty() || batch[static_cast<size_t>(idx)].crm_id == err.record_id);
    if (!index_ok) {
      auto it = by_id.find(err.record_id);
      idx = it == by_id.end() ? -1 : static_cast<int64_t>(it->second);
    }
    if (idx < 0) {
      unmatched.push_back("record_index " + std::to_string(err.record_index) + " record_id '" + err.record_id +
                          "': " + err.detail);
      continue;
    }
    RecordVerdict& v = out[static_cast<size_t>(idx)];
    v.result = RecordResult::Rejected;
    v.detail += (v.detail.empty() ? "" : "; ") + err.detail;
  }
  // ZRA counted more failures than it explained: we cannot tell which records, so none is confirmed.
  int64_t explained = static_cast<int64_t>(std::count_if(out.begin(), out.end(), [](const RecordVerdict& v) {
    return v.result == RecordResult::Rejected;
  }));
  if (result.failed_count > explained) {
    for (auto& v : out) {
      if (v.result == RecordResult::Confirmed) {
        v = {RecordResult::Unconfirmed, "task " + result.task_id + " reported " +
                                            std::to_string(result.failed_count) + " failures but explained " +
                                            std::to_string(explained)};
      }
    }
  }
  return out;
}

}  // namespace zra
