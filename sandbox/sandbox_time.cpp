#include "sandbox/sandbox_time.h"

#include <cstdio>
#include <ctime>

namespace zra::sandbox {

ScaledTime::ScaledTime(Clock& clock, double scale) : clock_(clock), scale_(scale), start_(clock.now()) {}

std::chrono::nanoseconds ScaledTime::real(double server_seconds) const {
  if (server_seconds <= 0) return std::chrono::nanoseconds(0);
  return std::chrono::nanoseconds(static_cast<long long>(server_seconds / scale_ * 1e9));
}

double ScaledTime::elapsed() const {
  std::chrono::duration<double> real_elapsed = clock_.now() - start_;
  return real_elapsed.count() * scale_;
}

namespace {
std::string format(Clock::WallTime t, bool millis) {
  auto since = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(since / 1000);
  int ms = static_cast<int>(since % 1000);
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  if (millis) {
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, ms);
  } else {
    std::snprintf(out, sizeof out, "%sZ", buf);
  }
  return out;
}
}  // namespace

std::string format_utc(Clock::WallTime t) { return format(t, false); }
std::string format_utc_millis(Clock::WallTime t) { return format(t, true); }

}  // namespace zra::sandbox
