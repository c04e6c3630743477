#include "plugins/rest/request_sender.h"

#include <algorithm>
#include <cmath>

#include <zra_sync/plugin.h>

#include "core/client/retry_timing.h"

namespace zra::rest {
namespace {

using std::chrono::milliseconds;

bool retryable_status(int status) { return status == 429 || (status >= 500 && status <= 599); }

}  // namespace

std::optional<milliseconds> retry_after_delay(std::string_view value, Clock::WallTime now) {
  // core/client's parser (also the ZRA client's): seconds, HTTP-date or ISO-8601, clamped so the
  // difference below cannot overflow.
  std::optional<Clock::WallTime> at = zra::parse_retry_after(value, now);
  if (!at) return std::nullopt;
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(*at - now));
}

RequestSender::RequestSender(HttpTransport& transport, Clock& clock, RandomSource& random, RetryPolicy policy,
                             double requests_per_second, LogSink log, std::function<std::string(std::string)> redact)
    : transport_(transport), clock_(clock), random_(random), policy_(policy),
      backoff_{policy.backoff_initial, policy.backoff_max}, log_(std::move(log)), redact_(std::move(redact)) {
  if (requests_per_second > 0) {
    interval_ = std::chrono::nanoseconds(static_cast<long long>(std::llround(1e9 / requests_per_second)));
  }
}

void RequestSender::wait_for_rate_slot() {
  if (interval_.count() == 0) return;
  Clock::Instant now = clock_.now();
  if (next_slot_ && now < *next_slot_) {
    clock_.sleep_for(*next_slot_ - now);
    now = *next_slot_;
  }
  next_slot_ = now + interval_;
}

HttpResponse RequestSender::send(const HttpRequest& request) {
  const std::string what = request.method + " " + redact_(request.url);
  for (int attempt = 1;; ++attempt) {
    last_attempts_ = attempt;
    const bool last = attempt > policy_.max_retries;
    wait_for_rate_slot();
    std::optional<HttpResponse> response;
    std::string failure;
    try {
      response = transport_.send(request);
    } catch (const TransportError& e) {
      if (last || e.tls()) throw;
      failure = redact_(e.what());
    }
    milliseconds delay{0};
    if (response) {
      if (!retryable_status(response->status) || last) return std::move(*response);
      failure = "HTTP " + std::to_string(response->status);
      std::optional<std::string> header = response->header("Retry-After");
      std::optional<milliseconds> retry_after =
          (response->status == 429 && header) ? retry_after_delay(*header, clock_.wall_now()) : std::nullopt;
      if (retry_after && *retry_after > policy_.retry_after_max) {
        if (log_) {
          log_(ZRA_LOG_WARN, what + " answered HTTP 429 with Retry-After: " + *header + ", longer than " +
                                 std::to_string(policy_.retry_after_max.count()) + " s; not waiting");
        }
        return std::move(*response);
      }
      delay = retry_after ? *retry_after : std::chrono::duration_cast<milliseconds>(backoff_.delay(attempt, random_));
    } else {
      delay = std::chrono::duration_cast<milliseconds>(backoff_.delay(attempt, random_));
    }
    if (log_) {
      log_(ZRA_LOG_WARN, what + ": " + failure + "; retry " + std::to_string(attempt) + "/" +
                             std::to_string(policy_.max_retries) + " in " + std::to_string(delay.count()) + " ms");
    }
    clock_.sleep_for(delay);
  }
}

}  // namespace zra::rest
