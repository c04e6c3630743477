#pragma once
// What the ZRA client throws. Every message names the call (method and URL without the query) and
// what ZRA said; none contains a secret (messages pass through redact()).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "core/common/errors.h"

namespace zra {

struct HttpResponse;

struct ApiErrorDetail {
  std::string field;
  std::string message;
};

// A 4xx that is not one of the cases below: the HTTP status, Zoom's `code` (0 when absent), its
// `message` and the `errors[]` details. Exit 3.
class ApiError : public Error {
 public:
  ApiError(std::string call, int status, int code, std::string api_message, std::vector<ApiErrorDetail> details);
  const std::string& call() const noexcept { return call_; }
  int status() const noexcept { return status_; }
  int code() const noexcept { return code_; }
  const std::string& api_message() const noexcept { return api_message_; }
  const std::vector<ApiErrorDetail>& details() const noexcept { return details_; }

 private:
  std::string call_;
  int status_;
  int code_;
  std::string api_message_;
  std::vector<ApiErrorDetail> details_;
};

// 409 on POST settings: a CRM is already registered.
class AlreadyRegisteredError : public ApiError {
 public:
  using ApiError::ApiError;
};

// 413 on an import: too many items. Not retried; the caller halves the batch.
class PayloadTooLargeError : public ApiError {
 public:
  using ApiError::ApiError;
};

// 404 on GET tasks/{id}: the task is unknown or expired.
class TaskNotFoundError : public ApiError {
 public:
  using ApiError::ApiError;
};

// 409 on imports / GET-by-id, 404 on GET or DELETE settings: no CRM is registered. Exit 3.
class NotRegisteredError : public FatalError {
 public:
  explicit NotRegisteredError(const std::string& call_and_reason);
};

// The token endpoint refused the credentials, or a call got 401 again after one refresh. Exit 3.
class AuthError : public FatalError {
 public:
  using FatalError::FatalError;
};

// Retries used up on 5xx / transport errors / 429, a 429 asking to wait longer than we wait, or a
// daily cap used up (`daily_limit()`, with the reset instant when known). Exit 3.
class NetworkExhaustedError : public FatalError {
 public:
  explicit NetworkExhaustedError(const std::string& message, bool daily_limit = false,
                                 std::optional<Clock::WallTime> resets_at = std::nullopt)
      : FatalError(message), daily_limit_(daily_limit), resets_at_(resets_at) {}
  bool daily_limit() const noexcept { return daily_limit_; }
  const std::optional<Clock::WallTime>& resets_at() const noexcept { return resets_at_; }

 private:
  bool daily_limit_;
  std::optional<Clock::WallTime> resets_at_;
};

// A call gave up because the run is stopping (SIGINT/SIGTERM) and its grace period is over, or would be
// over before the next attempt could start. Not a transport failure: it ends the run as interrupted
// (exit 130), and what was in flight is left in the journal for the next run.
class RunStoppingError : public Error {
 public:
  explicit RunStoppingError(const std::string& message) : Error(message, kExitInterrupted) {}
};

// The server answered something that is not the JSON we expect. Names the call, what was wrong and
// shows a short, redacted excerpt of the body. Exit 3.
class ResponseFormatError : public Error {
 public:
  ResponseFormatError(const std::string& call, const std::string& problem, std::string_view body);
};

// At most `max_chars` of `body`, redacted, control characters shown as spaces, "..." when cut.
std::string body_excerpt(std::string_view body, size_t max_chars = 160);

// Parses Zoom's error body ({"code","message","errors":[{"field","message"}]}, or OAuth's
// {"reason","error"}); a body that is not JSON becomes the message as an excerpt.
ApiError make_api_error(const std::string& call, const HttpResponse& response);

}  // namespace zra
