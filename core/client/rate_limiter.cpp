#include "core/client/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "core/client/retry_timing.h"
#include "core/client/zra_errors.h"

namespace zra {
namespace {
using std::chrono::nanoseconds;
}

RateLimiter::SlidingWindow::SlidingWindow(const RateSpec& spec) {
  const double count = spec.count > 0 ? spec.count : 1;
  const double per = spec.per_seconds > 0 ? spec.per_seconds : 1;
  capacity_ = static_cast<size_t>(std::max(1.0, std::floor(count)));
  // Keep the rate when the count is fractional: capacity calls per (per * capacity / count) seconds.
  window_ = nanoseconds(static_cast<int64_t>(std::llround(per * static_cast<double>(capacity_) / count * 1e9)));
}

nanoseconds RateLimiter::SlidingWindow::wait(Clock::Instant now) {
  while (!stamps_.empty() && stamps_.front() + window_ <= now) stamps_.pop_front();
  if (stamps_.size() < capacity_) return nanoseconds(0);
  // The call that frees a slot is the one `capacity_` calls back.
  return stamps_[stamps_.size() - capacity_] + window_ - now;
}

RateLimiter::RateLimiter(RateLimits limits, Clock& clock)
    : limits_(limits),
      clock_(clock),
      windows_{SlidingWindow(limits.of(RateLabel::Light)), SlidingWindow(limits.of(RateLabel::Medium)),
               SlidingWindow(limits.of(RateLabel::Heavy)), SlidingWindow(limits.of(RateLabel::ResourceIntensive))},
      daily_(limits.daily) {}

nanoseconds RateLimiter::wait_locked(RateLabel label, Clock::Instant now, bool* daily_bound) const {
  const auto index = static_cast<size_t>(label);
  nanoseconds wait = windows_[index].wait(now);
  if (paused_until_[index] > now) wait = std::max<nanoseconds>(wait, paused_until_[index] - now);
  *daily_bound = false;
  if (RateLimits::counts_toward_daily(label)) {
    const nanoseconds daily_wait = daily_.wait(now);
    if (daily_wait > nanoseconds(0)) {
      *daily_bound = true;
      wait = std::max(wait, daily_wait);
    }
  }
  return wait;
}

void RateLimiter::acquire(RateLabel label) {
  for (;;) {
    nanoseconds wait;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const Clock::Instant now = clock_.now();
      bool daily_bound = false;
      wait = wait_locked(label, now, &daily_bound);
      if (daily_bound) {
        const auto resume = clock_.wall_now() + std::chrono::duration_cast<Clock::WallTime::duration>(wait);
        throw NetworkExhaustedError(
            "the daily cap of " + std::to_string(static_cast<int64_t>(limits_.daily.count)) +
                " HEAVY + RESOURCE-INTENSIVE calls (zra.rate_limits.daily) is used up; the next " +
                std::string(to_string(label)) + " call would be allowed at " + format_utc(resume),
            true, resume);
      }
      if (wait <= nanoseconds(0)) {
        windows_[static_cast<size_t>(label)].record(now);
        if (RateLimits::counts_toward_daily(label)) daily_.record(now);
        return;
      }
    }
    // Sleep outside the lock, then look again: another thread may have taken the slot meanwhile.
    clock_.sleep_for(wait);
  }
}

nanoseconds RateLimiter::time_until_available(RateLabel label) const {
  std::lock_guard<std::mutex> lock(mu_);
  bool daily_bound = false;
  const nanoseconds wait = wait_locked(label, clock_.now(), &daily_bound);
  return std::max(wait, nanoseconds(0));
}

void RateLimiter::pause_until(RateLabel label, Clock::Instant until) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& current = paused_until_[static_cast<size_t>(label)];
  current = std::max(current, until);
}

}  // namespace zra
