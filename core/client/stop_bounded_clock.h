#pragma once
// The Clock a ZraClient's waits go through, so a stopping run's grace period bounds them all (retry
// backoff, 429 pauses, rate-limit slots, OAuth retries): the caller is blocked inside the wait and
// nothing else could end it.
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

#include "core/common/clock.h"

namespace zra {

// The Clock the client's waits go through (its own backoff, the rate limiter, the OAuth source). Until
// bind() it only passes through. Once bound and the stop flag is seen set, the grace deadline is fixed
// (first sight + grace) and sleep_for() never sleeps past it. Thread-safe.
class StopBoundedClock : public Clock {
 public:
  StopBoundedClock(Clock& inner, std::chrono::nanoseconds check_interval);
  // `stop` must outlive this clock. A later bind() replaces the earlier one (and forgets its deadline).
  void bind(const std::atomic<bool>& stop, std::chrono::nanoseconds grace);
  // nullopt when not bound or the flag is not set; else the end of the grace, fixed at first sight.
  std::optional<Instant> deadline();
  std::chrono::nanoseconds grace() const;

  WallTime wall_now() override { return inner_.wall_now(); }
  Instant now() override { return inner_.now(); }
  // Not bound: inner.sleep_for(d), one call. Bound: sleeps in slices of at most check_interval (and
  // never past the deadline), looking at the flag before each; throws RunStoppingError as soon as the
  // stop is seen and `d` would end after the deadline (at once when it already passed), so a doomed
  // wait ends early instead of running out the grace.
  void sleep_for(std::chrono::nanoseconds d) override;

 private:
  Clock& inner_;
  const std::chrono::nanoseconds check_interval_;
  mutable std::mutex mu_;
  const std::atomic<bool>* stop_ = nullptr;
  std::chrono::nanoseconds grace_{0};
  std::optional<Instant> deadline_;
};

}  // namespace zra
