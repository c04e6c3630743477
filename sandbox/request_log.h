#pragma once
// What the sandbox was asked, for tests and curious users (GET /_sandbox/requests): counts per endpoint,
// rate label and status, the number of items imported, and a bounded log of the latest requests.
// Thread-safe.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace zra::sandbox {

struct RequestEntry {
  std::string method;
  std::string path;      // as asked, without the query
  std::string endpoint;  // "POST /v2/zra/crm/accounts", "GET /v2/zra/crm/tasks/{taskId}"
  std::string label;     // "RESOURCE-INTENSIVE", ... ; "" for /oauth and unknown routes
  std::string status;    // "202", ..., or "dropped"
  size_t items = 0;      // records in an import body that was read
  std::string task_id;   // for an accepted import
};

class RequestLog {
 public:
  explicit RequestLog(size_t max_entries = 100000);
  void record(RequestEntry entry);
  // {total, by_endpoint, by_label, by_status, import_items, log:[{seq, method, path, status, label, items, task_id}]}
  nlohmann::json summary() const;
  void reset();

 private:
  size_t max_entries_;
  mutable std::mutex mu_;
  uint64_t total_ = 0;
  uint64_t import_items_ = 0;
  std::map<std::string, uint64_t> by_endpoint_;
  std::map<std::string, uint64_t> by_label_;
  std::map<std::string, uint64_t> by_status_;
  std::deque<nlohmann::json> log_;
};

}  // namespace zra::sandbox
