#pragma once
// Zoom's per-label rate limits (DESIGN.md facts table), in server time: fixed windows (per second for
// LIGHT/MEDIUM/HEAVY, per minute for RESOURCE-INTENSIVE) and a daily cap shared by HEAVY and
// RESOURCE-INTENSIVE. Requests refused with 429 do not count. Thread-safe.
#include <array>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sandbox/sandbox_time.h"

namespace zra::sandbox {

enum class RateLabel { Light = 0, Medium = 1, Heavy = 2, ResourceIntensive = 3 };

std::string_view label_name(RateLabel label);      // "LIGHT", ..., "RESOURCE-INTENSIVE"
std::string_view label_category(RateLabel label);  // header value: "Light", ..., "Resource-intensive"

struct PlanLimits {
  std::array<double, 4> per_window;  // indexed by RateLabel
  double daily;                      // HEAVY + RESOURCE-INTENSIVE per day
};
// "pro" or "business"; throws zra::Error otherwise.
PlanLimits plan_limits(const std::string& plan);
// Window length in server seconds: 60 for RESOURCE-INTENSIVE, else 1.
double window_seconds(RateLabel label);

struct RateDecision {
  bool allowed = true;
  bool daily = false;      // refused by the daily cap (else by the per-window limit)
  std::vector<std::pair<std::string, std::string>> headers;  // for the answer, allowed or not
  std::string message;     // the 429 message when refused
};

// A Retry-After / X-RateLimit-Reset value for a wait of `server_seconds`: whole seconds (at least 1) at
// time_scale 1, like Zoom; with a time scale the real wait, in seconds with millisecond precision.
std::string format_retry_after(const ScaledTime& time, double server_seconds);

class RateLimiter {
 public:
  // `enabled` false: everything is allowed and no headers are added.
  RateLimiter(PlanLimits limits, bool enabled, const ScaledTime& time);
  // Counts one request of `label` if allowed.
  RateDecision acquire(RateLabel label);
  void reset();

 private:
  struct Window {
    long long index = -1;
    double count = 0;
  };
  // Index of the current daily window and the real instant it ends. With time_scale 1 days end at
  // 00:00 UTC like Zoom's; otherwise every 86400 server seconds from start.
  long long day_index(Clock::WallTime now_wall, double elapsed) const;
  Clock::WallTime day_end(Clock::WallTime now_wall, double elapsed) const;

  PlanLimits limits_;
  bool enabled_;
  const ScaledTime& time_;
  std::mutex mu_;
  std::array<Window, 4> windows_{};
  Window day_{};
};

}  // namespace zra::sandbox
