#include "sandbox/rate_limits.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/common/errors.h"

namespace zra::sandbox {

std::string_view label_name(RateLabel label) {
  switch (label) {
    case RateLabel::Light: return "LIGHT";
    case RateLabel::Medium: return "MEDIUM";
    case RateLabel::Heavy: return "HEAVY";
    case RateLabel::ResourceIntensive: return "RESOURCE-INTENSIVE";
  }
  return "?";
}

std::string_view label_category(RateLabel label) {
  switch (label) {
    case RateLabel::Light: return "Light";
    case RateLabel::Medium: return "Medium";
    case RateLabel::Heavy: return "Heavy";
    case RateLabel::ResourceIntensive: return "Resource-intensive";
  }
  return "?";
}

PlanLimits plan_limits(const std::string& plan) {
  if (plan == "pro") return PlanLimits{{30, 20, 10, 10}, 30000};
  if (plan == "business") return PlanLimits{{80, 60, 40, 20}, 60000};
  throw Error("sandbox: plan must be 'pro' or 'business', not '" + plan + "'", kExitUsage);
}

double window_seconds(RateLabel label) { return label == RateLabel::ResourceIntensive ? 60.0 : 1.0; }

namespace {
constexpr double kDay = 86400;

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}
}  // namespace

RateLimiter::RateLimiter(PlanLimits limits, bool enabled, const ScaledTime& time)
    : limits_(limits), enabled_(enabled), time_(time) {}

long long RateLimiter::day_index(Clock::WallTime now_wall, double elapsed) const {
  if (time_.scale() == 1.0) {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(now_wall.time_since_epoch()).count();
    return static_cast<long long>(secs / static_cast<long long>(kDay));
  }
  return static_cast<long long>(std::floor(elapsed / kDay));
}

Clock::WallTime RateLimiter::day_end(Clock::WallTime now_wall, double elapsed) const {
  if (time_.scale() == 1.0) {
    long long next = (day_index(now_wall, elapsed) + 1) * static_cast<long long>(kDay);
    return Clock::WallTime(std::chrono::seconds(next));
  }
  double left = (std::floor(elapsed / kDay) + 1) * kDay - elapsed;
  return now_wall + std::chrono::duration_cast<Clock::WallTime::duration>(time_.real(left));
}

// Whole seconds at time_scale 1 (what Zoom sends); with a time scale the real wait is usually below a
// second, so it is sent with millisecond precision ("0.060") instead of rounding up to 1.
std::string format_retry_after(const ScaledTime& time, double server_seconds) {
  double real = time.real_seconds(server_seconds);
  if (time.scale() == 1.0) return number(std::max(1.0, std::ceil(real)));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", std::ceil(real * 1000) / 1000);
  return buf;
}

RateDecision RateLimiter::acquire(RateLabel label) {
  RateDecision d;
  if (!enabled_) return d;
  std::lock_guard<std::mutex> lock(mu_);
  double elapsed = time_.elapsed();
  Clock::WallTime wall = time_.wall_now();
  size_t i = static_cast<size_t>(label);
  double window = window_seconds(label);
  long long index = static_cast<long long>(std::floor(elapsed / window));
  Window& w = windows_[i];
  if (w.index != index) w = Window{index, 0};
  long long today = day_index(wall, elapsed);
  if (day_.index != today) day_ = Window{today, 0};
  bool counts_daily = label == RateLabel::Heavy || label == RateLabel::ResourceIntensive;
  double limit = limits_.per_window[i];
  double window_left = (static_cast<double>(index) + 1) * window - elapsed;
  std::string category(label_category(label));

  if (counts_daily && day_.count >= limits_.daily) {
    Clock::WallTime end = day_end(wall, elapsed);
    d.allowed = false;
    d.daily = true;
    d.message = "You have exceeded the daily rate limit (" + number(limits_.daily) +
                ") of API requests permitted for this account. You may resume these requests at " +
                (time_.scale() == 1.0 ? std::string("GMT 00:00:00.") : format_utc_millis(end) + ".");
    d.headers = {{"X-RateLimit-Category", category},
                 {"X-RateLimit-Type", "Daily-limit"},
                 {"X-RateLimit-Limit", number(limits_.daily)},
                 {"X-RateLimit-Remaining", "0"},
                 {"X-RateLimit-Reset", time_.scale() == 1.0 ? format_utc(end) : format_utc_millis(end)},
                 {"Retry-After", time_.scale() == 1.0 ? format_utc(end) : format_utc_millis(end)}};
    return d;
  }
  if (w.count >= limit) {
    d.allowed = false;
    d.message = label == RateLabel::ResourceIntensive
                    ? "You have reached the maximum per-minute rate limit for this API. Try again later."
                    : "You have reached the maximum per-second rate limit for this API. Try again later.";
    std::string wait = format_retry_after(time_, window_left);
    d.headers = {{"X-RateLimit-Category", category},
                 {"X-RateLimit-Type", "QPS"},
                 {"X-RateLimit-Limit", number(limit)},
                 {"X-RateLimit-Remaining", "0"},
                 {"X-RateLimit-Reset", wait},
                 {"Retry-After", wait}};
    return d;
  }
  w.count += 1;
  if (counts_daily) day_.count += 1;
  d.headers = {{"X-RateLimit-Category", category},
               {"X-RateLimit-Limit", number(limit)},
               {"X-RateLimit-Remaining", number(limit - w.count)}};
  return d;
}

void RateLimiter::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  windows_ = {};
  day_ = {};
}

}  // namespace zra::sandbox
