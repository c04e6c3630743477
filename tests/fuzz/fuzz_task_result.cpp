// Fuzzes the ZRA client's reading of answers (core/client): parse_task_result, make_api_error,
// parse_retry_after, parse_rate_limit_reset and parse_http_instant.
// Input: four parts split at the first three newlines, so seeds read like an answer:
//   line 1 the HTTP status (400 unless it is three digits), line 2 Retry-After,
//   line 3 X-RateLimit-Reset, the rest the body (a missing part is empty).
// Checks, beyond "no crash, no leak, no UB (float-to-int overflow included)":
//  - parse_task_result throws nothing but ResponseFormatError, and a result it returns has one of the
//    four statuses;
//  - make_api_error never throws and its message names the call and the status;
//  - a Retry-After given in seconds is never in the past.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/client/retry_timing.h"
#include "core/client/task_result.h"
#include "core/client/zra_errors.h"
#include "core/http/http_transport.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using zra::fuzz::check;

const zra::Clock::WallTime kNow{std::chrono::seconds(1764000000)};

void fuzz_task_body(const std::string& body) {
  try {
    const zra::TaskResult r = zra::parse_task_result("GET /zra/crm/tasks/t-1", "t-1", body);
    check(r.status == "PENDING" || r.status == "RUNNING" || r.status == "SUCCESS" || r.status == "FAILED",
          "a parsed task has a known status", r.status);
    check(r.is_final() == (r.status == "SUCCESS" || r.status == "FAILED"), "is_final matches the status");
  } catch (const zra::ResponseFormatError& e) {
    check(std::string(e.what()).find("GET /zra/crm/tasks/t-1") != std::string::npos,
          "a format error names the call", e.what());
  }
}

void fuzz_error_body(int status, const std::string& body) {
  zra::HttpResponse response;
  response.status = status;
  response.body = body;
  const zra::ApiError e = zra::make_api_error("POST /zra/crm/accounts", response);
  const std::string what = e.what();
  check(e.status() == status, "the error keeps the status");
  check(what.find("POST /zra/crm/accounts answered " + std::to_string(status)) == 0,
        "the message starts with the call and the status", what);
}

void fuzz_headers(const std::string& retry_after, const std::string& reset) {
  if (auto at = zra::parse_retry_after(retry_after, kNow)) {
    (void)zra::format_utc(*at);
    const bool numeric = !retry_after.empty() && retry_after.find_first_not_of("0123456789. \t") == std::string::npos;
    if (numeric) check(*at >= kNow, "a Retry-After in seconds is not in the past", retry_after);
  }
  if (auto at = zra::parse_rate_limit_reset(reset, kNow)) (void)zra::format_utc(*at);
  if (auto at = zra::parse_http_instant(retry_after)) (void)zra::format_utc(*at);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(bytes), size);
  auto next_line = [&rest]() {
    const size_t nl = rest.find('\n');
    const std::string line(rest.substr(0, nl));
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    return line;
  };
  const std::string status_line = next_line();
  const std::string retry_after = next_line();
  const std::string reset = next_line();
  const std::string body(rest);
  int status = 400;
  if (status_line.size() == 3 && status_line.find_first_not_of("0123456789") == std::string::npos) {
    status = std::max(100, std::stoi(status_line));
  }
  fuzz_task_body(body);
  fuzz_error_body(status, body);
  fuzz_headers(retry_after, reset);
  return 0;
}
