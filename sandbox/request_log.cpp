#include "sandbox/request_log.h"

namespace zra::sandbox {

RequestLog::RequestLog(size_t max_entries) : max_entries_(max_entries) {}

void RequestLog::record(RequestEntry e) {
  std::lock_guard<std::mutex> lock(mu_);
  ++total_;
  ++by_endpoint_[e.endpoint];
  if (!e.label.empty()) ++by_label_[e.label];
  ++by_status_[e.status];
  if (!e.task_id.empty()) import_items_ += e.items;
  nlohmann::json line = {{"seq", total_}, {"method", e.method}, {"path", e.path}, {"status", e.status},
                         {"label", e.label.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.label)},
                         {"items", e.items},
                         {"task_id", e.task_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.task_id)}};
  log_.push_back(std::move(line));
  while (log_.size() > max_entries_) log_.pop_front();
}

nlohmann::json RequestLog::summary() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json log = nlohmann::json::array();
  for (const auto& l : log_) log.push_back(l);
  return {{"total", total_},
          {"by_endpoint", by_endpoint_},
          {"by_label", by_label_},
          {"by_status", by_status_},
          {"import_items", import_items_},
          {"log", std::move(log)}};
}

void RequestLog::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  total_ = 0;
  import_items_ = 0;
  by_endpoint_.clear();
  by_label_.clear();
  by_status_.clear();
  log_.clear();
}

}  // namespace zra::sandbox
