#include "plugins/rest/request_sender.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>

#include <zra_sync/plugin.h>


namespace zra::rest {
namespace {

using std::chrono::milliseconds;

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Parses `text` with a strftime-style format in the C locale; the rest of the text is returned in `rest`.
bool parse_tm(const std::string& text, const char* format, std::tm& tm, std::string& rest) {
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  tm = std::tm{};
  in >> std::get_time(&tm, format);
  if (in.fail()) return false;
  std::getline(in, rest, '\0');
  return true;
}

std::optional<Clock::WallTime> parse_http_date(const std::string& text) {
  std::tm tm{};
  std::string rest;
  if (!parse_tm(text, "%a, %d %b %Y %H:%M:%S", tm, rest) || trim(rest) != "GMT") return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::optional<Clock::WallTime> parse_iso_instant(const std::string& text) {
  std::tm tm{};
  std::string rest;
  if (!parse_tm(text, "%Y-%m-%dT%H:%M:%S", tm, rest)) return std::nullopt;
  size_t i = 0;
  if (i < rest.size() && rest[i] == '.') {
    ++i;
    while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) ++i;  // sub-second: ignored
  }
  long offset_s = 0;
  std::string zone = rest.substr(i);
  if (zone == "Z" || zone == "z") {
    offset_s = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
             std::isdigit(static_cast<unsigned char>(zone[1])) && std::isdigit(static_cast<unsigned char>(zone[2])) &&
             std::isdigit(static_cast<unsigned char>(zone[4])) && std::isdigit(static_cast<unsigned char>(zone[5]))) {
    offset_s = (std::stol(zone.substr(1, 2)) * 3600 + std::stol(zone.substr(4, 2)) * 60) * (zone[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm) - offset_s);
}

bool retryable_status(int status) { return status == 429 || (status >= 500 && status <= 599); }

}  // namespace

std::optional<milliseconds> parse_retry_after(std::string_view value, Clock::WallTime now) {
  std::string text = trim(value);
  if (text.empty()) return std::nullopt;
  if (std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    if (text.size() > 9) return milliseconds(999999999L * 1000);  // absurdly long: treated as "too long"
    return milliseconds(std::stol(text) * 1000);
  }
  std::optional<Clock::WallTime> when = parse_http_date(text);
  if (!when) when = parse_iso_instant(text);
  if (!when) return std::nullopt;
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(*when - now));
}

RequestSender::RequestSender(HttpTransport& transport, Clock& clock, RandomSource& random, RetryPolicy policy,
                             double requests_per_second, LogSink log, std::function<std::string(std::string)> redact)
    : transport_(transport), clock_(clock), random_(random), policy_(policy), log_(std::move(log)),
      redact_(std::move(redact)) {
  if (requests_per_second > 0) {
    interval_ = std::chrono::nanoseconds(static_cast<long long>(std::llround(1e9 / requests_per_second)));
  }
}

void RequestSender::wait_for_rate_slot() {
  if (interval_.count() == 0) return;
  Clock::Instant now = clock_.now();
  if (next_slot_ && now < *next_slot_) {
    clock_.sleep_for(*next_slot_ - now);
    now = *next_slot_;
  }
  next_slot_ = now + interval_;
}

milliseconds RequestSender::backoff(int retry) {
  double base = static_cast<double>(policy_.backoff_initial.count()) * std::pow(2.0, retry - 1);
  base = std::min(base, static_cast<double>(policy_.backoff_max.count()));
  // "Equal jitter": half fixed, half random, so retries of many clients spread out.
  return milliseconds(static_cast<long long>(base * (0.5 + 0.5 * random_.uniform())));
}

HttpResponse RequestSender::send(const HttpRequest& request) {
  const std::string what = request.method + " " + redact_(request.url);
  for (int attempt = 1;; ++attempt) {
    last_attempts_ = attempt;
    const bool last = attempt > policy_.max_retries;
    wait_for_rate_slot();
    std::optional<HttpResponse> response;
    std::string failure;
    try {
      response = transport_.send(request);
    } catch (const TransportError& e) {
      if (last || e.tls()) throw;
      failure = redact_(e.what());
    }
    milliseconds delay{0};
    if (response) {
      if (!retryable_status(response->status) || last) return std::move(*response);
      failure = "HTTP " + std::to_string(response->status);
      std::optional<std::string> header = response->header("Retry-After");
      std::optional<milliseconds> retry_after =
          (response->status == 429 && header) ? parse_retry_after(*header, clock_.wall_now()) : std::nullopt;
      if (retry_after && *retry_after > policy_.retry_after_max) {
        if (log_) {
          log_(ZRA_LOG_WARN, what + " answered HTTP 429 with Retry-After: " + *header + ", longer than " +
                                 std::to_string(policy_.retry_after_max.count()) + " s; not waiting");
        }
        return std::move(*response);
      }
      delay = retry_after ? *retry_after : backoff(attempt);
    } else {
      delay = backoff(attempt);
    }
    if (log_) {
      log_(ZRA_LOG_WARN, what + ": " + failure + "; retry " + std::to_string(attempt) + "/" +
                             std::to_string(policy_.max_retries) + " in " + std::to_string(delay.count()) + " ms");
    }
    clock_.sleep_for(delay);
  }
}

}  // namespace zra::rest
