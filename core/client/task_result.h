#pragma once
// The answer of GET /zra/crm/tasks/{id}, read tolerantly: missing counts are 0, numbers sent as
// strings are read, a missing `errors` is empty. Only what we cannot work without is an error.
#include <cstdint>
#include <string>
#include <vector>

namespace zra {

struct TaskRecordError {
  int64_t record_index = -1;  // -1 when ZRA did not say
  std::string record_id;
  std::string detail;
};

struct TaskResult {
  std::string task_id, task_type, status;  // status: PENDING RUNNING SUCCESS FAILED
  int64_t total_count = 0, success_count = 0, failed_count = 0;
  std::vector<TaskRecordError> errors;
  bool is_final() const;  // SUCCESS or FAILED
};

// Parses a task body. `call` names the request for error messages. Throws ResponseFormatError when the
// body is not a JSON object, has no task_status, or has one outside PENDING/RUNNING/SUCCESS/FAILED
// (compared case-insensitively, stored upper case) or a field of an impossible type (errors not an
// array, a count that is not a number). `task_id` defaults to `requested_id` when absent.
TaskResult parse_task_result(const std::string& call, const std::string& requested_id, const std::string& body);

}  // namespace zra
