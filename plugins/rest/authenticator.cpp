#include "plugins/rest/authenticator.h"

#include <algorithm>

#include "plugins/rest/exact_json.h"
#include "plugins/rest/rest_errors.h"
#include "plugins/rest/url_builder.h"

namespace zra::rest {

std::string base64_encode(std::string_view data) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(n >> shift) & 63];
  }
  if (i < data.size()) {
    uint32_t n = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Authenticator::Authenticator(AuthSpec spec, RequestSender& sender, Clock& clock, SecretMask& mask,
                             std::chrono::milliseconds timeout)
    : spec_(std::move(spec)), sender_(sender), clock_(clock), mask_(mask), timeout_(timeout) {
  for (const std::string* secret : {&spec_.token, &spec_.password, &spec_.value, &spec_.client_secret}) {
    mask_.add(*secret);
  }
  if (spec_.type == AuthType::ApiKey) mask_.add_query_param(spec_.query);
  if (spec_.type == AuthType::Basic) basic_header_ = "Basic " + base64_encode(spec_.username + ":" + spec_.password);
  if (spec_.type == AuthType::OAuth2ClientCredentials) {
    basic_header_ = "Basic " + base64_encode(spec_.client_id + ":" + spec_.client_secret);
  }
  if (!basic_header_.empty()) mask_.add(basic_header_.substr(6));
}

void Authenticator::apply(HttpRequest& request) {
  switch (spec_.type) {
    case AuthType::None:
      return;
    case AuthType::Bearer:
      request.headers.emplace_back("Authorization", "Bearer " + spec_.token);
      return;
    case AuthType::Basic:
      request.headers.emplace_back("Authorization", basic_header_);
      return;
    case AuthType::ApiKey:
      if (!spec_.header.empty()) {
        request.headers.emplace_back(spec_.header, spec_.value);
      } else {
        request.url = set_query_param(request.url, spec_.query, spec_.value);
      }
      return;
    case AuthType::OAuth2ClientCredentials:
      if (!token_ || clock_.wall_now() >= refresh_at_) fetch_token();
      request.headers.emplace_back("Authorization", "Bearer " + *token_);
      return;
  }
}

void Authenticator::fetch_token() {
  token_.reset();
  HttpRequest req;
  req.method = "POST";
  req.url = spec_.token_url;
  req.timeout = timeout_;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
  req.body = "grant_type=client_credentials";
  if (!spec_.scope.empty()) req.body += "&scope=" + url_encode(spec_.scope);
  if (spec_.client_auth_basic) {
    req.headers.emplace_back("Authorization", basic_header_);
  } else {
    req.body += "&client_id=" + url_encode(spec_.client_id) + "&client_secret=" + url_encode(spec_.client_secret);
  }
  const std::string where = "OAuth2 token request to " + mask_.apply(spec_.token_url);
  HttpResponse resp;
  try {
    resp = sender_.send(req);
  } catch (const TransportError& e) {
    throw StreamError(where + " got no answer: " + mask_.apply(e.what()), ZRA_ERROR_IO);
  }
  if (resp.status < 200 || resp.status > 299) {
    throw StreamError(where + " failed: HTTP " + std::to_string(resp.status) +
                      (resp.status == 400 || resp.status == 401 ? " (check client_id, client_secret and scope)" : "") +
                      ": " + mask_.apply(body_excerpt(resp.body)));
  }
  Json body;
  try {
    body = parse_json_exact(resp.body);
  } catch (const JsonSyntaxError& e) {
    throw StreamError(where + ": the answer is not JSON (" + e.what() + ")");
  }
  if (!body.is_object() || !body.contains("access_token") || !body["access_token"].is_string() ||
      body["access_token"].get<std::string>().empty()) {
    throw StreamError(where + ": the answer has no \"access_token\"");
  }
  std::string token = body["access_token"].get<std::string>();
  mask_.add(token);
  // expires_in may be a number or a numeric string; without one, assume the common hour.
  long lifetime_s = 3600;
  if (body.contains("expires_in")) {
    try {
      lifetime_s = std::stol(scalar_text(body["expires_in"]));
    } catch (const std::exception&) {
      throw StreamError(where + ": \"expires_in\" is not a number of seconds");
    }
  }
  // Refresh a little before expiry (a minute, or a tenth of a short lifetime).
  auto lifetime = std::chrono::seconds(std::max(0L, lifetime_s));
  auto margin = std::min<std::chrono::milliseconds>(std::chrono::seconds(60), lifetime / 10);
  refresh_at_ = clock_.wall_now() + lifetime - margin;
  token_ = std::move(token);
  ++tokens_fetched_;
}

}  // namespace zra::rest
