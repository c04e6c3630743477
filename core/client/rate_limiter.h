#pragma once
// Client-side rate limiting, so zra-sync stays under ZRA's published limits instead of learning them
// from 429s (each of which costs wall-clock time, and on imports a whole minute's slot).
//
// Model (a sliding-window log per label): at most `count` calls start in any window of `per_seconds`.
// With 20/min the first 20 acquires return at once and the 21st waits until the first is 60 s old
// (60 s of Clock time). This never exceeds the limit in any window, whether the server counts with
// fixed windows, sliding windows or a token bucket of the same rate; a bucket with 20 tokens refilled
// at 1 per 3 s would let 39 calls start within the first minute. A fractional count (0.5/s) becomes 1
// call per (per_seconds / count). The daily cap (HEAVY + RESOURCE-INTENSIVE) is a second window
// shared by those two labels; when it is full, acquire() throws instead of blocking for hours.
#include <array>
#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>

#include "core/client/rate_limits.h"
#include "core/common/clock.h"

namespace zra {

class RateLimiter {
 public:
  RateLimiter(RateLimits limits, Clock& clock);

  // Blocks (clock.sleep_for) until the label may send, then records the call. Throws
  // NetworkExhaustedError (core/client/zra_errors.h) when the daily cap is used up, naming when the
  // next call would be allowed. Thread-safe.
  void acquire(RateLabel label);
  // 0 when a call of `label` may start now; otherwise how long until one may (including a pause and,
  // for HEAVY/RESOURCE-INTENSIVE, the daily cap). Thread-safe.
  std::chrono::nanoseconds time_until_available(RateLabel label) const;
  // After a 429: no call of `label` starts before `until` (a later pause wins). Thread-safe.
  void pause_until(RateLabel label, Clock::Instant until);

  const RateLimits& limits() const { return limits_; }

 private:
  class SlidingWindow {
   public:
    explicit SlidingWindow(const RateSpec& spec);
    std::chrono::nanoseconds wait(Clock::Instant now);  // evicts expired stamps
    void record(Clock::Instant now) { stamps_.push_back(now); }

   private:
    size_t capacity_;
    std::chrono::nanoseconds window_;
    std::deque<Clock::Instant> stamps_;
  };

  std::chrono::nanoseconds wait_locked(RateLabel label, Clock::Instant now, bool* daily_bound) const;

  RateLimits limits_;
  Clock& clock_;
  mutable std::mutex mu_;
  mutable std::array<SlidingWindow, 4> windows_;
  mutable SlidingWindow daily_;
  std::array<Clock::Instant, 4> paused_until_{};
};

}  // namespace zra
