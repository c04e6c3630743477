#include "core/client/stop_bounded_clock.h"

#include <algorithm>
#include <string>

#include "core/client/retry_timing.h"
#include "core/client/zra_errors.h"

namespace zra {

using std::chrono::nanoseconds;

StopBoundedClock::StopBoundedClock(Clock& inner, nanoseconds check_interval)
    : inner_(inner), check_interval_(check_interval) {}

void StopBoundedClock::bind(const std::atomic<bool>& stop, nanoseconds grace) {
  std::lock_guard<std::mutex> lock(mu_);
  stop_ = &stop;
  grace_ = std::max(nanoseconds(0), grace);
  deadline_.reset();
}

std::optional<Clock::Instant> StopBoundedClock::deadline() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!deadline_ && stop_ != nullptr && stop_->load()) deadline_ = inner_.now() + grace_;
  return deadline_;
}

nanoseconds StopBoundedClock::grace() const {
  std::lock_guard<std::mutex> lock(mu_);
  return grace_;
}

void StopBoundedClock::sleep_for(nanoseconds d) {
  bool bound;
  {
    std::lock_guard<std::mutex> lock(mu_);
    bound = stop_ != nullptr;
  }
  if (!bound) {
    inner_.sleep_for(d);
    return;
  }
  // Slices, because the caller (and the scheduler waiting on it) cannot be woken otherwise.
  const Instant end = inner_.now() + d;
  for (;;) {
    const std::optional<Instant> stop_at = deadline();
    const Instant now = inner_.now();
    if (stop_at && end > *stop_at) {
      throw RunStoppingError(now >= *stop_at
                                 ? "its grace period of " + seconds_text(grace()) + " is over"
                                 : "waiting " + seconds_text(end - now) + " more would pass the end of its " +
                                       seconds_text(grace()) + " grace period");
    }
    if (now >= end) return;
    inner_.sleep_for(std::min<nanoseconds>(end - now, check_interval_));
  }
}

}  // namespace zra
