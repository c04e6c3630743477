#pragma once
// Sends the REST plugin's HTTP requests at a bounded rate, retrying what a retry can cure: 429 (after
// Retry-After, seconds or a date), 5xx and requests that got no answer (except TLS failures), with
// exponential backoff and jitter, both timed by core/client/retry_timing (shared with the ZRA client).
// Time and randomness are injected so all of it is tested in milliseconds. Not thread-safe: one instance
// serves one plugin instance (one call at a time).
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/client/retry_timing.h"
#include "core/common/clock.h"
#include "core/http/http_transport.h"

namespace zra::rest {

struct RetryPolicy {
  int max_retries = 5;                            // retries after the first attempt
  // Full-jitter exponential backoff (core/client's BackoffPolicy): the n-th retry waits
  // uniform[0,1) * min(backoff_max, backoff_initial * 2^(n-1)).
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30000};
  std::chrono::seconds retry_after_max{300};      // a longer Retry-After is not waited for
};

// Receives one line for the host's log (warnings about retries). Lines are already redacted.
using LogSink = std::function<void(int level, const std::string& message)>;

// How long a Retry-After value asks to wait: delay seconds ("120", "1.5"), an HTTP-date ("Wed, 21 Oct 2015
// 07:28:00 GMT") or an ISO-8601 instant ("2025-11-20T12:00:00Z"), read by core/client's parse_retry_after
// (the ZRA client's own). A date in the past gives 0. nullopt when unparseable or negative.
std::optional<std::chrono::milliseconds> retry_after_delay(std::string_view value, Clock::WallTime now);

class RequestSender {
 public:
  // `redact` is applied to every URL and body excerpt this class logs. requests_per_second 0: no limit.
  RequestSender(HttpTransport& transport, Clock& clock, RandomSource& random, RetryPolicy policy,
                double requests_per_second, LogSink log, std::function<std::string(std::string)> redact);

  // Sends `request` and returns the last HTTP answer, whatever its status: 2xx, a status a retry cannot
  // cure (4xx), or a 429/5xx once max_retries retries are spent or Retry-After exceeds retry_after_max.
  // Throws TransportError when the last attempt got no answer (or at once for a TLS failure).
  HttpResponse send(const HttpRequest& request);

  // Attempts the last send() made (1 = no retry).
  int last_attempts() const { return last_attempts_; }

 private:
  void wait_for_rate_slot();

  HttpTransport& transport_;
  Clock& clock_;
  RandomSource& random_;
  RetryPolicy policy_;
  BackoffPolicy backoff_;
  std::chrono::nanoseconds interval_{0};
  std::optional<Clock::Instant> next_slot_;
  LogSink log_;
  std::function<std::string(std::string)> redact_;
  int last_attempts_ = 0;
};

}  // namespace zra::rest
