#pragma once
// When to try again: the instants a 429 names (Retry-After, X-RateLimit-Reset) and exponential
// backoff with full jitter for everything else.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/clock.h"

namespace zra {

// An instant written as ISO-8601 (2025-11-20T12:00:00Z, fractions and +hh:mm offsets allowed) or as an
// HTTP-date (Sun, 06 Nov 1994 08:49:37 GMT). nullopt when it is neither.
std::optional<Clock::WallTime> parse_http_instant(std::string_view text);

// Retry-After: delay-seconds (decimals tolerated) or an instant. nullopt when unreadable or negative.
std::optional<Clock::WallTime> parse_retry_after(std::string_view value, Clock::WallTime now);

// X-RateLimit-Reset: epoch seconds, or an instant. A number below 10^9 cannot be a current epoch time
// and is read as seconds from now (some gateways send that). nullopt when unreadable.
std::optional<Clock::WallTime> parse_rate_limit_reset(std::string_view value, Clock::WallTime now);

// 2025-11-20T12:00:00Z (whole seconds, UTC).
std::string format_utc(Clock::WallTime t);

// A wait as logs and errors show it: "1.250 s" (milliseconds, truncated).
std::string seconds_text(std::chrono::nanoseconds d);

// Full-jitter exponential backoff: the n-th retry (1-based) waits
// uniform[0,1) * min(max, initial * 2^(n-1)).
struct BackoffPolicy {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{60000};
  std::chrono::nanoseconds delay(int retry, RandomSource& random) const;
};

}  // namespace zra
