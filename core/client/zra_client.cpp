#include "core/client/zra_client.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "core/client/retry_timing.h"
#include "core/common/log.h"

namespace zra {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

std::string strip_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

bool contains_ci(std::string text, std::string_view needle) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text.find(needle) != std::string::npos;
}

int64_t to_ms(nanoseconds d) { return std::chrono::duration_cast<milliseconds>(d).count(); }

}  // namespace

ZraClient::ZraClient(ClientOptions options, HttpTransport& transport, Clock& clock, RandomSource& random)
    : options_(std::move(options)),
      transport_(transport),
      clock_(clock, options_.stop_check_interval),
      random_(random),
      backoff_{options_.backoff_initial, options_.backoff_max},
      limiter_(options_.limits, clock_),
      tokens_(OAuthCredentials{options_.token_url, options_.account_id, options_.client_id,
                               options_.client_secret},
              OAuthRetry{options_.max_attempts, backoff_, options_.request_timeout}, transport, clock_,
              random) {
  require_secure_url(options_.base_url, "zra.base_url");
  require_secure_url(options_.token_url, "zra.auth.token_url");
  if (options_.max_attempts < 1) {
    throw Error("zra.max_retries: at least one attempt per call is needed (got " +
                    std::to_string(options_.max_attempts) + ")",
                kExitUsage);
  }
  if (options_.max_ids_per_get < 1) throw Error("max_ids_per_get must be at least 1", kExitUsage);
  if (options_.stop_check_interval <= milliseconds(0)) {
    throw Error("stop_check_interval must be positive (got " +
                    std::to_string(options_.stop_check_interval.count()) + " ms)",
                kExitUsage);
  }
  options_.base_url = strip_trailing_slashes(options_.base_url);
}

nlohmann::json ZraClient::get_registration() {
  const Call call{Endpoint::GetSettings, RateLabel::Light, "GET", "/zra/crm/settings", "", ""};
  return parse_json_object(call.method + " " + options_.base_url + call.path, execute(call));
}

nlohmann::json ZraClient::register_crm(const nlohmann::json& body) {
  const Call call{Endpoint::PostSettings, RateLabel::Heavy, "POST", "/zra/crm/settings", "", body.dump()};
  const HttpResponse response = execute(call);
  if (response.body.empty()) return nlohmann::json::object();
  return parse_json_object(call.method + " " + options_.base_url + call.path, response);
}

void ZraClient::unregister(bool remove_all) {
  const Call call{Endpoint::DeleteSettings, RateLabel::Heavy, "DELETE", "/zra/crm/settings",
                  remove_all ? "remove_all=true" : "", ""};
  execute(call);
}

std::string ZraClient::import(ObjectType type, const std::string& body_json) {
  const Call call{Endpoint::Import, RateLabel::ResourceIntensive, "POST",
                  "/zra/crm/" + std::string(object_spec(type).plural), "", body_json};
  const std::string name = call.method + " " + options_.base_url + call.path;
  const nlohmann::json body = parse_json_object(name, execute(call));
  auto it = body.find("task_id");
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw ResponseFormatError(name, "no task_id", body.dump());
  }
  return it->get<std::string>();
}

TaskResult ZraClient::get_task(const std::string& task_id) {
  const Call call{Endpoint::GetTask, RateLabel::Light, "GET", "/zra/crm/tasks/" + url_encode(task_id), "", ""};
  const HttpResponse response = execute(call);
  return parse_task_result(call.method + " " + options_.base_url + call.path, task_id, response.body);
}

std::vector<nlohmann::json> ZraClient::get_records(ObjectType type, const std::vector<std::string>& ids) {
  const ObjectTypeSpec& spec = object_spec(type);
  std::vector<nlohmann::json> records;
  for (size_t start = 0; start < ids.size(); start += options_.max_ids_per_get) {
    const size_t end = std::min(ids.size(), start + options_.max_ids_per_get);
    std::string query = std::string(spec.ids_param) + "=";
    for (size_t i = start; i < end; ++i) {
      if (i > start) query += ",";
      query += url_encode(ids[i]);
    }
    const Call call{Endpoint::GetRecords, RateLabel::Medium, "GET", "/zra/crm/" + std::string(spec.plural), query, ""};
    const std::string name = call.method + " " + options_.base_url + call.path;
    const nlohmann::json body = parse_json_object(name, execute(call));
    auto data = body.find("data");
    if (data == body.end() || data->is_null()) continue;  // nothing stored for these ids
    if (!data->is_array()) throw ResponseFormatError(name, "data is not an array", body.dump());
    for (const auto& record : *data) records.push_back(record);
  }
  return records;
}

ClientStats ZraClient::stats() const {
  ClientStats out;
  {
    std::lock_guard<std::mutex> lock(stats_mu_);
    out = stats_;
  }
  out.token_requests = tokens_.requests();
  return out;
}

RateLimiter& ZraClient::limiter() { return limiter_; }

void ZraClient::stop_after(const std::atomic<bool>& stop, nanoseconds grace) {
  clock_.bind(stop, grace);
}

std::optional<Clock::Instant> ZraClient::stop_deadline() {
  return clock_.deadline();
}

void ZraClient::count_sent(RateLabel label, bool import, bool retry) {
  std::lock_guard<std::mutex> lock(stats_mu_);
  ++stats_.calls_by_label[std::string(to_string(label))];
  if (import) ++stats_.import_calls;
  if (retry) ++stats_.retries;
}

HttpResponse ZraClient::execute(const Call& call) {
  const std::string name = call.method + " " + options_.base_url + call.path;
  CallProgress progress;
  try {
    return execute_attempts(call, name, progress);
  } catch (const RunStoppingError& e) {
    // A wait (backoff, 429 pause, rate-limit slot, OAuth retry) or the start of a new attempt hit the
    // stop's grace deadline: name the call and what it had seen, not "failed N times".
    throw RunStoppingError(
        redact(name + " given up: the run is stopping and " + e.what() + "; " +
               (progress.sent == 0
                    ? std::string("it was not sent")
                    : "sent " + std::to_string(progress.sent) + " time(s)" +
                          (progress.last_failure.empty() ? "" : ", last: " + progress.last_failure))));
  }
}

HttpResponse ZraClient::execute_attempts(const Call& call, const std::string& name, CallProgress& progress) {
  HttpRequest request;
  request.method = call.method;
  request.url = options_.base_url + call.path + (call.query.empty() ? "" : "?" + call.query);
  request.body = call.body;

  bool refreshed_after_401 = false;
  for (int attempt = 1;; ++attempt) {
    limiter_.acquire(call.label);
    const std::string token = tokens_.token();
    request.timeout = options_.request_timeout;
    if (const std::optional<Clock::Instant> stop_at = clock_.deadline()) {
      // A request starting after a stop may use only the grace that is left.
      const nanoseconds left = *stop_at - clock_.now();
      if (left <= nanoseconds(0))
        throw RunStoppingError("its grace period of " + seconds_text(clock_.grace()) + " is over");
      request.timeout = std::min<milliseconds>(
          request.timeout, std::max(milliseconds(1), std::chrono::duration_cast<milliseconds>(left)));
    }
    request.headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
    if (!call.body.empty() || call.method == "POST") request.headers.emplace_back("Content-Type", "application/json");
    count_sent(call.label, call.endpoint == Endpoint::Import, progress.sent > 0);
    ++progress.sent;

    std::string failure;
    try {
      const HttpResponse response = transport_.send(request);
      if (response.status >= 200 && response.status < 300) return response;
      if (response.status == 401) {
        if (refreshed_after_401) {
          throw AuthError(std::string(make_api_error(name, response).what()) +
                          " (again after a fresh OAuth token: check the app's scopes and that it is activated)");
        }
        log_warn("zra.unauthorized", name + " answered 401; fetching a new OAuth token and trying once more");
        tokens_.invalidate(token);
        refreshed_after_401 = true;
        progress.last_failure = "answered 401";
        --attempt;  // the one retry after a refresh is not one of max_attempts
        continue;
      }
      if (response.status == 429) {
        progress.last_failure = "answered 429";
        handle_rate_limited(call, name, response, attempt);
        continue;
      }
      if (response.status < 500) throw_for_status(call, name, response);
      failure = "answered " + std::to_string(response.status);
      if (!response.body.empty()) failure += " '" + body_excerpt(response.body, 80) + "'";
    } catch (const TransportError& e) {
      if (e.tls()) throw;  // a certificate problem does not go away by retrying
      failure = e.what();
    }
    progress.last_failure = failure;
    if (attempt >= options_.max_attempts) {
      throw NetworkExhaustedError(redact(name + " failed " + std::to_string(attempt) +
                                         " times (zra.max_retries); last: " + failure));
    }
    const nanoseconds wait = backoff_.delay(attempt, random_);
    log_warn("zra.retry", redact(name + " " + failure + "; retrying in " + seconds_text(wait)),
             {{"attempt", attempt}, {"max_attempts", options_.max_attempts}, {"wait_ms", to_ms(wait)}});
    clock_.sleep_for(wait);
  }
}

void ZraClient::handle_rate_limited(const Call& call, const std::string& name, const HttpResponse& response,
                                    int attempt) {
  {
    std::lock_guard<std::mutex> lock(stats_mu_);
    ++stats_.rate_limited;
  }
  const Clock::WallTime wall_now = clock_.wall_now();
  std::optional<Clock::WallTime> retry_at;
  std::string source;
  if (auto v = response.header("Retry-After")) {
    retry_at = parse_retry_after(*v, wall_now);
    source = "Retry-After";
  }
  if (!retry_at) {
    if (auto v = response.header("X-RateLimit-Reset")) {
      retry_at = parse_rate_limit_reset(*v, wall_now);
      source = "X-RateLimit-Reset";
    }
  }

  const bool daily = contains_ci(response.header("X-RateLimit-Type").value_or(""), "daily") ||
                     contains_ci(response.body, "daily rate limit");
  if (daily) {
    throw NetworkExhaustedError(
        redact(name + " answered 429: ZRA's daily rate limit is used up; " +
               (retry_at ? "it resets at " + format_utc(*retry_at) + " (" + source + ")"
                         : std::string("ZRA did not say when it resets")) +
               ". Run again after that; confirmed records will not be sent again."),
        true, retry_at);
  }
  const nanoseconds wait = retry_at ? std::max(nanoseconds(0), nanoseconds(*retry_at - wall_now))
                                    : backoff_.delay(attempt, random_);
  if (attempt >= options_.max_attempts) {
    throw NetworkExhaustedError(redact(name + " was rate limited (429) " + std::to_string(attempt) +
                                       " times in a row (zra.max_retries)"));
  }
  if (wait > options_.max_rate_limit_wait) {
    const Clock::WallTime resume = wall_now + std::chrono::duration_cast<Clock::WallTime::duration>(wait);
    throw NetworkExhaustedError(redact(name + " answered 429 asking to wait " + seconds_text(wait) + " (" +
                                       (source.empty() ? std::string("backoff") : source) + "), longer than the " +
                                       std::to_string(options_.max_rate_limit_wait.count()) +
                                       " s we wait for a rate limit; it resets at " + format_utc(resume)),
                                false, resume);
  }
  // Pause the whole label, so the other threads don't spend their calls on more 429s meanwhile.
  limiter_.pause_until(call.label, clock_.now() + wait);
  log_warn("zra.rate_limited",
           name + " answered 429; " + std::string(to_string(call.label)) + " calls paused for " + seconds_text(wait) +
               (source.empty() ? " (backoff)" : " (" + source + ")"),
           {{"label", std::string(to_string(call.label))}, {"wait_ms", to_ms(wait)}, {"attempt", attempt},
            {"limit_type", response.header("X-RateLimit-Type").value_or("")}});
}

void ZraClient::throw_for_status(const Call& call, const std::string& name, const HttpResponse& response) const {
  ApiError error = make_api_error(name, response);
  const std::string reason = name + " answered " + std::to_string(response.status) +
                             (error.api_message().empty() ? "" : ": " + error.api_message());
  switch (response.status) {
    case 409:
      if (call.endpoint == Endpoint::PostSettings) {
        throw AlreadyRegisteredError(error.call(), error.status(), error.code(), error.api_message(), error.details());
      }
      if (call.endpoint == Endpoint::Import || call.endpoint == Endpoint::GetRecords ||
          call.endpoint == Endpoint::GetTask) {
        throw NotRegisteredError(reason);
      }
      break;
    case 404:
      if (call.endpoint == Endpoint::GetSettings || call.endpoint == Endpoint::DeleteSettings) {
        throw NotRegisteredError(reason);
      }
      if (call.endpoint == Endpoint::GetTask) {
        throw TaskNotFoundError(error.call(), error.status(), error.code(), error.api_message(), error.details());
      }
      break;
    case 413:
      throw PayloadTooLargeError(error.call(), error.status(), error.code(), error.api_message(), error.details());
    default:
      break;
  }
  throw error;
}

nlohmann::json ZraClient::parse_json_object(const std::string& name, const HttpResponse& response) const {
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) {
    throw ResponseFormatError(name, response.body.empty() ? "empty body" : "not a JSON object", response.body);
  }
  return body;
}

}  // namespace zra
