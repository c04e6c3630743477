#include "plugins/rest/rest_source.h"

#include <cctype>

#include "plugins/rest/link_header.h"
#include "plugins/rest/rest_errors.h"

namespace zra::rest {
namespace {

std::string http_failure(const HttpResponse& resp) {
  std::string hint;
  if (resp.status == 401) hint = " (the credentials were refused)";
  if (resp.status == 403) hint = " (the credentials lack permission)";
  if (resp.status == 404) hint = " (check base_url and path)";
  if (resp.status == 429) hint = " (rate limited; lower requests_per_second)";
  return "HTTP " + std::to_string(resp.status) + hint + ": " + body_excerpt(resp.body);
}

std::optional<std::string> joined_header(const HttpResponse& resp, std::string_view name) {
  std::optional<std::string> out;
  for (const auto& [key, value] : resp.headers) {
    if (key.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < key.size() && same; ++i) same = std::tolower(static_cast<unsigned char>(key[i])) ==
                                                           std::tolower(static_cast<unsigned char>(name[i]));
    if (same) out = out ? *out + ", " + value : value;
  }
  return out;
}

}  // namespace

RestSource::RestSource(RestSourceSettings settings, std::unique_ptr<HttpTransport> transport, Clock& clock,
                       std::unique_ptr<RandomSource> random, LogSink log)
    : settings_(std::move(settings)), transport_(std::move(transport)), random_(std::move(random)) {
  RetryPolicy policy;
  policy.max_retries = settings_.max_retries;
  policy.backoff_initial = settings_.backoff_initial;
  for (const auto& header : settings_.headers) {
    // Custom headers often carry keys ("X-Api-Key"); mask the ones that look like credentials.
    std::string lower;
    for (char c : header.first) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* word : {"auth", "key", "token", "secret", "password", "cookie"}) {
      if (lower.find(word) != std::string::npos) {
        mask_.add(header.second);
        break;
      }
    }
  }
  sender_ = std::make_unique<RequestSender>(*transport_, clock, *random_, policy, settings_.requests_per_second,
                                            std::move(log), [this](std::string s) { return mask_.apply(std::move(s)); });
  auth_ = std::make_unique<Authenticator>(settings_.auth, *sender_, clock, mask_, settings_.timeout);
}

std::unique_ptr<RestStream> RestSource::open(const nlohmann::json& stream_json) {
  return std::make_unique<RestStream>(*this, parse_stream_settings(stream_json));
}

void RestSource::check() {
  HttpRequest req;
  req.url = settings_.base_url;
  req.timeout = settings_.timeout;
  req.headers = settings_.headers;
  auth_->apply(req);
  HttpResponse resp;
  try {
    resp = sender_->send(req);
  } catch (const TransportError& e) {
    throw StreamError(redact("GET " + settings_.base_url + " got no answer: " + e.what()), ZRA_ERROR_IO);
  }
  // Any answer proves the server is reachable; only refused credentials and server errors are failures
  // (base_url itself often answers 404).
  if (resp.status == 401 || resp.status == 403 || resp.status >= 500) {
    throw StreamError(redact("GET " + settings_.base_url + " failed: " + http_failure(resp)));
  }
}

RestStream::RestStream(RestSource& source, RestStreamSettings settings)
    : source_(source),
      settings_(std::move(settings)),
      paginator_(settings_.pagination, append_query(join_url(source.settings().base_url, settings_.path), settings_.params),
                 source.settings().max_pages) {}

HttpResponse RestStream::fetch(const std::string& url) {
  const std::string where = "GET " + url + " (page " + std::to_string(paginator_.page_number()) + ")";
  for (int attempt = 0;; ++attempt) {
    HttpRequest req;
    req.url = url;
    req.timeout = source_.settings().timeout;
    req.headers = source_.settings().headers;
    req.headers.emplace_back("Accept", "application/json");
    source_.authenticator().apply(req);
    HttpResponse resp;
    try {
      resp = source_.sender().send(req);
    } catch (const TransportError& e) {
      throw StreamError(source_.redact(where + " got no answer after " +
                                       std::to_string(source_.sender().last_attempts()) + " attempt(s): " + e.what()),
                        ZRA_ERROR_IO);
    }
    if (resp.status >= 200 && resp.status <= 299) return resp;
    // An OAuth2 token may be revoked before its announced expiry: fetch a new one, once.
    if (resp.status == 401 && attempt == 0 && source_.authenticator().can_refresh()) {
      source_.authenticator().invalidate();
      continue;
    }
    std::string attempts = source_.sender().last_attempts() > 1
                               ? " after " + std::to_string(source_.sender().last_attempts()) + " attempts"
                               : "";
    throw StreamError(source_.redact(where + " failed" + attempts + ": " + http_failure(resp)),
                      resp.status >= 500 || resp.status == 429 ? ZRA_ERROR_IO : ZRA_ERROR);
  }
}

bool RestStream::next(RestPage& page) {
  std::optional<std::string> url;
  try {
    url = paginator_.next_url();
  } catch (const PaginationError& e) {
    throw StreamError(source_.redact(std::string("stream ") + settings_.path + ": " + e.what()));
  }
  if (!url) return false;
  const long number = paginator_.page_number();
  const std::string where = "page " + std::to_string(number) + " (GET " + *url + ")";

  HttpResponse resp = fetch(*url);
  Json document;
  try {
    document = parse_json_exact(resp.body);
  } catch (const JsonSyntaxError& e) {
    throw StreamError(source_.redact(where + ": the response is not JSON: " + e.what() + "; it starts with: " +
                                     body_excerpt(resp.body, 80)));
  }
  const Json* records = &document;
  if (!settings_.records.empty()) {
    Json::json_pointer pointer(settings_.records);
    if (!document.contains(pointer)) {
      throw StreamError(source_.redact(where + ": the response has nothing at records pointer \"" +
                                       settings_.records + "\"; it starts with: " + body_excerpt(resp.body, 80)));
    }
    records = &document.at(pointer);
  }
  if (!records->is_array()) {
    throw StreamError(source_.redact(where + ": expected an array of records at \"" +
                                     (settings_.records.empty() ? std::string("(the whole body)") : settings_.records) +
                                     "\", found " + (is_raw_number(*records) ? "number" : records->type_name()) +
                                     (settings_.records.empty() ? " (set `records` to the pointer of the array)" : "")));
  }

  std::optional<std::string> link = joined_header(resp, "Link");
  paginator_.on_page(PageResult{*url, resp.body, document, records->size(), link});
  if (records->empty()) return false;

  PageTableBuilder builder;
  for (const Json& record : *records) builder.add(record);
  page.number = number;
  page.table = builder.take();
  page.locators.clear();
  page.locators.reserve(records->size());
  const std::string prefix = "GET " + settings_.path + " page " + std::to_string(number) + " item ";
  for (size_t i = 0; i < records->size(); ++i) page.locators.push_back(prefix + std::to_string(i + 1));
  return true;
}

}  // namespace zra::rest
