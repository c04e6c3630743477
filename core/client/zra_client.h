#pragma once
// The typed client of ZRA's Custom CRM API: OAuth, client-side rate limits, retries, and the mapping of
// HTTP answers to the errors in core/client/zra_errors.h.
//
// Every call: takes a slot from its label's limiter, gets a token, sends, then
//  - 2xx: done;
//  - 401: drops the token, fetches a new one and sends once more; a second 401 is AuthError;
//  - 429: daily limit (X-RateLimit-Type: Daily-limit, or "daily rate limit" in the body) is
//    NetworkExhaustedError at once; otherwise the label is paused until Retry-After, else
//    X-RateLimit-Reset, else a backoff delay, and the call is retried;
//  - 5xx and transport errors (not TLS ones): full-jitter backoff, retried;
//  - 413: PayloadTooLargeError, 409/404 as documented per call, other 4xx: ApiError; never retried.
// 429, 5xx and transport errors together are tried at most max_attempts times per call, then
// NetworkExhaustedError names the call and the last failure.
//
// A stopping run (stop_after): every wait of a call (retry backoff, 429 pause, rate-limit slot, OAuth
// retry) ends by the stop's grace deadline; a call that would have to wait past it gives up with
// RunStoppingError instead, so a SIGTERMed run ends within --grace even while ZRA is unreachable.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/client/oauth_token_source.h"
#include "core/client/rate_limiter.h"
#include "core/client/rate_limits.h"
#include "core/client/retry_timing.h"
#include "core/client/stop_bounded_clock.h"
#include "core/client/task_result.h"
#include "core/client/zra_errors.h"
#include "core/common/clock.h"
#include "core/http/http_transport.h"
#include "core/schema/object_types.h"

namespace zra {

struct ClientOptions {
  std::string base_url;  // ".../v2"; https:// or loopback http://
  std::string token_url, account_id, client_id, client_secret;
  RateLimits limits = RateLimits::for_plan("business");
  int max_attempts = 8;  // per call, for 5xx/transport/429
  std::chrono::milliseconds backoff_initial{500}, backoff_max{60000};
  std::chrono::milliseconds request_timeout{60000};
  // A 429 asking to wait longer than this is NetworkExhaustedError rather than a wait.
  std::chrono::seconds max_rate_limit_wait{900};
  // ids per GET-by-id call (DESIGN.md facts table).
  size_t max_ids_per_get = 100;
  // After stop_after(): how often a wait looks at the stop flag (how late a stop may be noticed).
  std::chrono::milliseconds stop_check_interval{200};
};

struct ClientStats {
  std::map<std::string, int64_t> calls_by_label;  // requests sent per to_string(RateLabel), retries included
  int64_t import_calls = 0;                        // import requests sent, retries included
  int64_t retries = 0;                             // requests sent again after a 429/5xx/transport error/401
  int64_t rate_limited = 0;                        // 429 answers
  int64_t token_requests = 0;                      // requests to the OAuth token endpoint
};

class ZraClient {  // thread-safe: imports and task polls may come from different threads at once
 public:
  // Throws FatalError when base_url or token_url is neither https:// nor loopback http://, and Error
  // (exit 2) when max_attempts < 1 or max_ids_per_get < 1. Registers the client secret with add_secret().
  ZraClient(ClientOptions options, HttpTransport& transport, Clock& clock, RandomSource& random);

  // GET settings (LIGHT). NotRegisteredError on 404.
  nlohmann::json get_registration();
  // POST settings (HEAVY). Returns the stored registration. AlreadyRegisteredError on 409, ApiError
  // (with Zoom's errors[] details) on 400.
  nlohmann::json register_crm(const nlohmann::json& body);
  // DELETE settings[?remove_all=true] (HEAVY). NotRegisteredError on 404.
  void unregister(bool remove_all);
  // POST /zra/crm/{plural} with `body_json` = {"data":[...]} already serialized (RESOURCE-INTENSIVE).
  // Returns the task id of the 202. PayloadTooLargeError on 413, NotRegisteredError on 409.
  std::string import(ObjectType type, const std::string& body_json);
  // GET tasks/{id} (LIGHT). TaskNotFoundError on 404 (unknown or expired).
  TaskResult get_task(const std::string& task_id);
  // GET-by-id in chunks of at most max_ids_per_get ids (MEDIUM), results concatenated in answer order.
  // No call for an empty list. NotRegisteredError on 409.
  std::vector<nlohmann::json> get_records(ObjectType type, const std::vector<std::string>& ids);

  // Binds every wait of every call to a stopping run: once `stop` is seen set (by a wait, by a call
  // starting, or by stop_deadline()), the grace deadline is that moment + `grace`. Before it, calls go on
  // normally (tasks in flight may still be polled), but a wait never extends past it and a request's
  // timeout is cut to the grace left. A call that would have to wait past it, or would start after it,
  // throws RunStoppingError naming the call and its last failure. `stop` must outlive the client.
  // Thread-safe; without it the client never looks at a stop.
  void stop_after(const std::atomic<bool>& stop, std::chrono::nanoseconds grace);
  // The grace deadline when stop_after() was called and the stop is set (fixing it if this is the first
  // sight), else nullopt. Thread-safe.
  std::optional<Clock::Instant> stop_deadline();

  ClientStats stats() const;
  RateLimiter& limiter();
  const ClientOptions& options() const { return options_; }

 private:
  enum class Endpoint { GetSettings, PostSettings, DeleteSettings, Import, GetTask, GetRecords };
  struct Call {
    Endpoint endpoint;
    RateLabel label;
    std::string method;
    std::string path;   // after base_url, e.g. "/zra/crm/settings"
    std::string query;  // without '?'
    std::string body;
  };

  struct CallProgress {
    int sent = 0;              // requests sent so far for the call
    std::string last_failure;  // what the last one got, for a RunStoppingError
  };

  // Sends `call` with limits, auth and retries; returns a 2xx answer or throws the mapped error.
  HttpResponse execute(const Call& call);
  HttpResponse execute_attempts(const Call& call, const std::string& name, CallProgress& progress);
  // Waits for, or refuses, the 429; returns normally when the call should be retried.
  void handle_rate_limited(const Call& call, const std::string& name, const HttpResponse& response, int attempt);
  [[noreturn]] void throw_for_status(const Call& call, const std::string& name, const HttpResponse& response) const;
  nlohmann::json parse_json_object(const std::string& name, const HttpResponse& response) const;
  void count_sent(RateLabel label, bool import, bool retry);

  ClientOptions options_;
  HttpTransport& transport_;
  StopBoundedClock clock_;  // before limiter_ and tokens_, which wait through it
  RandomSource& random_;
  BackoffPolicy backoff_;
  RateLimiter limiter_;
  OAuthTokenSource tokens_;
  mutable std::mutex stats_mu_;
  ClientStats stats_;
};

}  // namespace zra
