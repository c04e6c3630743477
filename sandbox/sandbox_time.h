#pragma once
// Server-side time of the sandbox. Every configured duration (task delay, expiry, token TTL, rate-limit
// windows, slow answers) is "server time"; with time_scale X it passes X times faster than real time.
#include <chrono>
#include <string>

#include "core/common/clock.h"

namespace zra::sandbox {

class ScaledTime {
 public:
  // `scale` > 0. The clock must outlive this object.
  ScaledTime(Clock& clock, double scale);

  // The real duration that `server_seconds` of server time take.
  std::chrono::nanoseconds real(double server_seconds) const;
  // Real seconds that `server_seconds` of server time take.
  double real_seconds(double server_seconds) const { return server_seconds / scale_; }
  // Server seconds passed since construction.
  double elapsed() const;
  Clock::Instant now() const { return clock_.now(); }
  Clock::WallTime wall_now() const { return clock_.wall_now(); }
  double scale() const { return scale_; }
  Clock& clock() const { return clock_; }

 private:
  Clock& clock_;
  double scale_;
  Clock::Instant start_;
};

// "2025-11-20T12:00:00Z" (seconds precision, as the reference's examples).
std::string format_utc(Clock::WallTime t);
// "2025-11-20T12:00:00.125Z" (milliseconds), for instants that need to be finer than a second.
std::string format_utc_millis(Clock::WallTime t);

}  // namespace zra::sandbox
