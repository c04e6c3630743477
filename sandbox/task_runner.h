#pragma once
// The asynchronous import tasks: PENDING until half the task delay has passed, RUNNING until the whole
// delay has, then the import is applied to the store (SUCCESS) or, for an injected failure, nothing is
// stored (FAILED). Tasks run one at a time in the order they were submitted, on one worker thread.
// A finished task answers for task_expire_s, then 404. Thread-safe.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "core/schema/object_types.h"
#include "sandbox/crm_store.h"
#include "sandbox/licensed_users.h"
#include "sandbox/sandbox_time.h"

namespace zra::sandbox {

struct TaskSettings {
  double delay_s = 0.5;     // server seconds from submit to the final state
  double expire_s = 86400;  // server seconds a finished task stays readable
  uint64_t seed = 1;        // task ids are reproducible for a seed
};

class TaskRunner {
 public:
  // `on_stored` is called on the worker thread after a task changed the store, before the task shows
  // its final state (TaskRunner::clear() waits for it; it must not call clear()).
  TaskRunner(const ScaledTime& time, CrmStore& store, const LicensedUsers& licensed, TaskSettings settings,
             std::function<void()> on_stored);
  ~TaskRunner();  // stops
  void start();
  void stop();    // idempotent; tasks not yet run are left PENDING/RUNNING

  // Queues an import of `data` (a JSON array) and returns its 22-character task id. `fail`: the task
  // ends FAILED and stores nothing.
  std::string submit(ObjectType type, nlohmann::json data, bool fail);
  // The reference's task body; nullopt when unknown or expired.
  std::optional<nlohmann::json> status(const std::string& task_id);
  // [{task_id, task_type, task_status, total_count, run_ms}] of known tasks, for /_sandbox/tasks.
  nlohmann::json internals();
  // Forgets every task (queued ones are not run). Waits for a task being applied to finish, so after
  // clear() returns no earlier task touches the store again.
  void clear();

 private:
  struct Task;
  void work();
  void purge_locked(Clock::Instant now);
  std::string new_id_locked();
  nlohmann::json body_locked(const Task& task, Clock::Instant now) const;

  const ScaledTime& time_;
  CrmStore& store_;
  const LicensedUsers& licensed_;
  TaskSettings settings_;
  std::function<void()> on_stored_;

  std::mutex applying_mu_;  // held while a task is applied to the store; taken before mu_
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, std::shared_ptr<Task>> tasks_;
  std::deque<std::string> order_;                 // task ids in submit order, for purging
  std::deque<std::shared_ptr<Task>> queue_;       // not yet run
  std::mt19937_64 ids_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace zra::sandbox
