#pragma once
// Time is injected everywhere it decides something (backoff, rate limits, polling, token expiry,
// retry_rejected_after), so that logic is tested in milliseconds and deterministically.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

namespace zra {

class Clock {
 public:
  using WallTime = std::chrono::system_clock::time_point;
  using Instant = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  // Wall-clock time, for timestamps, Retry-After instants and token expiry.
  virtual WallTime wall_now() = 0;
  // Monotonic time, for intervals.
  virtual Instant now() = 0;
  // Blocks the caller for `d` (a ManualClock only advances its time).
  virtual void sleep_for(std::chrono::nanoseconds d) = 0;
};

// The real clocks. Thread-safe.
Clock& system_clock();

// A clock for tests: time moves only when sleep_for() or advance() is called. Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(WallTime start = WallTime(std::chrono::seconds(1764000000)));
  WallTime wall_now() override;
  Instant now() override;
  void sleep_for(std::chrono::nanoseconds d) override;
  void advance(std::chrono::nanoseconds d);
  // Total time passed in sleep_for(), to check how long a retry sequence would have waited.
  std::chrono::nanoseconds slept() const;

 private:
  mutable std::mutex mu_;
  WallTime wall_;
  Instant mono_;
  std::chrono::nanoseconds slept_{0};
};

// A source of randomness for jitter and fault injection: seeded, so runs are reproducible.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Uniform in [0, 1).
  virtual double uniform() = 0;
};

// A seeded Mersenne Twister. Thread-safe.
std::unique_ptr<RandomSource> make_random_source(uint64_t seed);

}  // namespace zra
