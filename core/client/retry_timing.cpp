#include "core/client/retry_timing.h"

#include <date/date.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sstream>

namespace zra {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// A plain non-negative decimal number ("120", "1.5"); nullopt for anything else.
std::optional<double> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 32) return std::nullopt;
  bool dot = false;
  for (char c : s) {
    if (c == '.' && !dot) {
      dot = true;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
  }
  return std::strtod(std::string(s).c_str(), nullptr);
}

// Waits are clamped to 100 years: more would overflow the clock's int64 nanoseconds (undefined behaviour,
// found by fuzz_task_result), and any such wait is longer than we ever wait anyway.
constexpr double kMaxWaitSeconds = 100.0 * 365 * 86400;

Clock::WallTime add_seconds(Clock::WallTime now, double seconds) {
  return now + std::chrono::duration_cast<Clock::WallTime::duration>(
                   std::chrono::duration<double>(std::min(seconds, kMaxWaitSeconds)));
}

template <class Duration>
bool try_parse(const std::string& text, const char* format, std::chrono::time_point<std::chrono::system_clock, Duration>& out,
               std::chrono::minutes* offset = nullptr) {
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  if (offset != nullptr) {
    in >> date::parse(format, out, *offset);
  } else {
    in >> date::parse(format, out);
  }
  return !in.fail() && in.peek() == std::char_traits<char>::eof();
}

// Debian 12's date 3.0.1 parse has undefined behaviour on some malformed text (it reads an uninitialised
// seconds value, and negates minutes::min() for a bad "-" offset; found by fuzz_task_result): only text of
// the two documented shapes reaches it.
bool has_instant_shape(const std::string& text) {
  static const std::regex iso(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:?\d{2}))");
  static const std::regex http(R"([A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} (GMT|UTC))");
  return std::regex_match(text, iso) || std::regex_match(text, http);
}

}  // namespace

std::optional<Clock::WallTime> parse_http_instant(std::string_view raw) {
  const std::string text(trim(raw));
  if (text.empty() || !has_instant_shape(text)) return std::nullopt;
  date::sys_time<std::chrono::microseconds> tp;
  // date::parse's %z applies the offset (local - offset = UTC).
  if (try_parse(text, "%FT%TZ", tp) || try_parse(text, "%FT%Tz", tp) || try_parse(text, "%FT%T%Ez", tp) ||
      try_parse(text, "%FT%T%z", tp) || try_parse(text, "%a, %d %b %Y %T GMT", tp) ||
      try_parse(text, "%a, %d %b %Y %T UTC", tp)) {
    // The clock's int64 nanoseconds span 1677..2262: clamp before the cast overflows (found by
    // fuzz_task_result). A past instant means "now" anyway, a far one "longer than we wait".
    const date::sys_time<std::chrono::microseconds> earliest = date::sys_days{date::year{1970} / 1 / 1};
    const date::sys_time<std::chrono::microseconds> latest = date::sys_days{date::year{2200} / 1 / 1};
    return std::chrono::time_point_cast<Clock::WallTime::duration>(std::clamp(tp, earliest, latest));
  }
  return std::nullopt;
}

std::optional<Clock::WallTime> parse_retry_after(std::string_view value, Clock::WallTime now) {
  const std::string_view v = trim(value);
  if (auto seconds = parse_number(v)) return add_seconds(now, *seconds);
  return parse_http_instant(v);
}

std::optional<Clock::WallTime> parse_rate_limit_reset(std::string_view value, Clock::WallTime now) {
  const std::string_view v = trim(value);
  if (auto number = parse_number(v)) {
    if (*number < 1e9) return add_seconds(now, *number);
    return add_seconds(Clock::WallTime{}, *number);  // epoch seconds
  }
  return parse_http_instant(v);
}

std::string format_utc(Clock::WallTime t) {
  return date::format("%FT%TZ", std::chrono::time_point_cast<std::chrono::seconds>(t));
}

std::chrono::nanoseconds BackoffPolicy::delay(int retry, RandomSource& random) const {
  const double base_ns = static_cast<double>(std::chrono::nanoseconds(initial).count());
  const double cap_ns = static_cast<double>(std::chrono::nanoseconds(max).count());
  const double exp = std::min(cap_ns, base_ns * std::pow(2.0, std::max(0, retry - 1)));
  return std::chrono::nanoseconds(static_cast<int64_t>(random.uniform() * exp));
}

std::string seconds_text(std::chrono::nanoseconds d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld s", static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
  return buf;
}

}  // namespace zra
