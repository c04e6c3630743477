#include "sandbox/task_runner.h"

#include "core/common/log.h"

namespace zra::sandbox {

namespace {
constexpr size_t kMaxTasks = 100000;  // bound memory: beyond this the oldest finished tasks are forgotten
constexpr uint64_t kTaskIdSalt = 0x165667B19E3779F9ULL;
}  // namespace

struct TaskRunner::Task {
  std::string id;
  ObjectType type;
  nlohmann::json data;  // released once run
  bool fail = false;
  size_t total = 0;
  Clock::WallTime create_wall;
  Clock::Instant created;
  Clock::Instant running_at;   // displayed RUNNING from here
  Clock::Instant finish_at;    // run when this is reached
  bool done = false;
  bool failed = false;
  Clock::WallTime start_wall;  // set when done (the displayed start)
  Clock::WallTime end_wall;
  Clock::Instant ended;
  size_t success = 0;
  size_t failed_count = 0;
  nlohmann::json errors = nlohmann::json::array();
  double run_ms = 0;
};

TaskRunner::TaskRunner(const ScaledTime& time, CrmStore& store, const LicensedUsers& licensed,
                       TaskSettings settings, std::function<void()> on_stored)
    : time_(time), store_(store), licensed_(licensed), settings_(settings), on_stored_(std::move(on_stored)),
      ids_(settings.seed ^ kTaskIdSalt) {}

TaskRunner::~TaskRunner() { stop(); }

void TaskRunner::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (worker_.joinable()) return;
  stopping_ = false;
  worker_ = std::thread([this] { work(); });
}

void TaskRunner::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::string TaskRunner::new_id_locked() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (;;) {
    std::string id;
    for (int i = 0; i < 22; ++i) id.push_back(kAlphabet[ids_() % 62]);
    if (tasks_.count(id) == 0) return id;
  }
}

void TaskRunner::purge_locked(Clock::Instant now) {
  auto expire = time_.real(settings_.expire_s);
  for (auto it = order_.begin(); it != order_.end();) {
    auto t = tasks_.find(*it);
    bool gone = t == tasks_.end();
    bool expired = !gone && t->second->done && now >= t->second->ended + expire;
    bool over_cap = !gone && t->second->done && tasks_.size() > kMaxTasks;
    if (gone || expired || over_cap) {
      if (!gone) tasks_.erase(t);
      it = order_.erase(it);
    } else if (!t->second->done) {
      break;  // tasks finish in submit order: nothing after an unfinished one has ended either
    } else {
      ++it;
    }
  }
}

std::string TaskRunner::submit(ObjectType type, nlohmann::json data, bool fail) {
  auto task = std::make_shared<Task>();
  task->type = type;
  task->total = data.size();
  task->data = std::move(data);
  task->fail = fail;
  task->create_wall = time_.wall_now();
  task->created = time_.now();
  task->running_at = task->created + time_.real(settings_.delay_s / 2);
  task->finish_at = task->created + time_.real(settings_.delay_s);
  std::string id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    purge_locked(task->created);
    id = new_id_locked();
    task->id = id;
    tasks_[id] = task;
    order_.push_back(id);
    queue_.push_back(task);
  }
  cv_.notify_all();
  return id;
}

void TaskRunner::work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (queue_.empty()) {
      cv_.wait(lock);
      continue;
    }
    std::shared_ptr<Task> task = queue_.front();
    if (time_.now() < task->finish_at) {
      cv_.wait_until(lock, task->finish_at);
      continue;
    }
    // Take applying_mu_ before mu_ (the lock order of clear()), then check the task is still queued.
    lock.unlock();
    std::unique_lock<std::mutex> applying(applying_mu_);
    lock.lock();
    if (stopping_ || queue_.empty() || queue_.front() != task) continue;
    queue_.pop_front();
    lock.unlock();

    auto t0 = std::chrono::steady_clock::now();
    ImportOutcome outcome;
    if (!task->fail) outcome = store_.import(task->type, task->data, licensed_);
    double run_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : outcome.errors) {
      errors.push_back({{"record_index", e.record_index}, {"record_id", e.record_id}, {"detail", e.detail}});
    }
    log_debug("sandbox.task.ran", "sandbox task ran",
              {{"task_id", task->id}, {"type", object_spec(task->type).name}, {"records", task->total},
               {"failed", outcome.failed}, {"run_ms", run_ms}});
    // Before the task shows SUCCESS, so a client that saw it final finds the state file current.
    const bool stored = !task->fail && outcome.ran && outcome.success > 0;
    if (stored && on_stored_) on_stored_();

    lock.lock();
    task->data = nlohmann::json();
    task->done = true;
    // Nothing stored: an injected failure, or the CRM was unregistered before the task ran.
    task->failed = task->fail || !outcome.ran;
    task->success = task->failed ? 0 : outcome.success;
    task->failed_count = task->failed ? task->total : outcome.failed;
    task->errors = task->failed ? nlohmann::json::array() : std::move(errors);
    task->run_ms = run_ms;
    task->end_wall = time_.wall_now();
    task->ended = time_.now();
    task->start_wall = task->create_wall + std::chrono::duration_cast<Clock::WallTime::duration>(
                                               task->running_at - task->created);
    lock.unlock();
    applying.unlock();
    lock.lock();
  }
}

nlohmann::json TaskRunner::body_locked(const Task& task, Clock::Instant now) const {
  nlohmann::json b = {{"task_id", task.id}, {"task_type", object_spec(task.type).task_type}};
  auto display_start = task.create_wall + std::chrono::duration_cast<Clock::WallTime::duration>(
                                              task.running_at - task.created);
  if (task.done) {
    b["task_status"] = task.failed ? "FAILED" : "SUCCESS";
  } else {
    b["task_status"] = now >= task.running_at ? "RUNNING" : "PENDING";
  }
  if (task.done) b["errors"] = task.errors;
  b["total_count"] = task.total;
  b["success_count"] = task.success;
  b["failed_count"] = task.failed_count;
  if (task.done || now >= task.running_at) b["start_time"] = format_utc(task.done ? task.start_wall : display_start);
  if (task.done) b["end_time"] = format_utc(task.end_wall);
  b["create_time"] = format_utc(task.create_wall);
  b["modify_time"] = format_utc(task.done ? task.end_wall : (now >= task.running_at ? display_start : task.create_wall));
  return b;
}

std::optional<nlohmann::json> TaskRunner::status(const std::string& task_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = time_.now();
  auto it = tasks_.find(task_id);
  if (it == tasks_.end()) return std::nullopt;
  const Task& task = *it->second;
  if (task.done && now >= task.ended + time_.real(settings_.expire_s)) {
    tasks_.erase(it);
    return std::nullopt;
  }
  return body_locked(task, now);
}

nlohmann::json TaskRunner::internals() {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = time_.now();
  nlohmann::json out = nlohmann::json::array();
  for (const auto& id : order_) {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) continue;
    nlohmann::json b = body_locked(*it->second, now);
    out.push_back({{"task_id", id}, {"task_type", b["task_type"]}, {"task_status", b["task_status"]},
                   {"total_count", b["total_count"]}, {"failed_count", b["failed_count"]},
                   {"injected_failure", it->second->fail}, {"run_ms", it->second->run_ms}});
  }
  return out;
}

void TaskRunner::clear() {
  std::lock_guard<std::mutex> applying(applying_mu_);
  std::lock_guard<std::mutex> lock(mu_);
  tasks_.clear();
  order_.clear();
  queue_.clear();
}

}  // namespace zra::sandbox
