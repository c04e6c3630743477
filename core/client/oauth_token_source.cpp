#include "core/client/oauth_token_source.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/client/zra_errors.h"
#include "core/common/log.h"

namespace zra {
namespace {
using std::chrono::seconds;
}

std::string base64_encode(std::string_view bytes) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], kAlphabet[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    const uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {kAlphabet[(n >> 18) & 63], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

OAuthTokenSource::OAuthTokenSource(OAuthCredentials credentials, OAuthRetry retry, HttpTransport& transport,
                                   Clock& clock, RandomSource& random)
    : credentials_(std::move(credentials)),
      retry_(retry),
      transport_(transport),
      clock_(clock),
      random_(random),
      basic_credential_(base64_encode(credentials_.client_id + ":" + credentials_.client_secret)) {
  add_secret(credentials_.client_secret);
  add_secret(basic_credential_);
}

std::string OAuthTokenSource::request_url() const {
  const char sep = credentials_.token_url.find('?') == std::string::npos ? '?' : '&';
  return credentials_.token_url + sep + "grant_type=account_credentials&account_id=" +
         url_encode(credentials_.account_id);
}

std::string OAuthTokenSource::token() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!token_.empty() && clock_.now() < refresh_at_) return token_;
  return fetch_locked();
}

void OAuthTokenSource::invalidate(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (token_ == token) token_.clear();
}

int64_t OAuthTokenSource::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::string OAuthTokenSource::fetch_locked() {
  const std::string call = "POST " + credentials_.token_url;
  HttpRequest request;
  request.method = "POST";
  request.url = request_url();
  request.headers = {{"Authorization", "Basic " + basic_credential_},
                     {"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.timeout = retry_.timeout;

  HttpResponse response;
  for (int attempt = 1;; ++attempt) {
    std::string failure;
    try {
      ++requests_;
      response = transport_.send(request);
      if (response.status >= 200 && response.status < 300) break;
      if (response.status != 429 && response.status < 500) {
        const ApiError refused = make_api_error(call, response);
        throw AuthError("the OAuth token endpoint refused the credentials of client_id '" + credentials_.client_id +
                        "' for account_id '" + credentials_.account_id + "': " + refused.what());
      }
      failure = "answered " + std::to_string(response.status);
    } catch (const TransportError& e) {
      if (e.tls()) throw;
      failure = e.what();
    }
    if (attempt >= retry_.max_attempts) {
      throw NetworkExhaustedError(redact("could not get an OAuth token from " + credentials_.token_url + " after " +
                                         std::to_string(attempt) + " attempts; last: " + failure));
    }
    const auto wait = retry_.backoff.delay(attempt, random_);
    log_warn("oauth.retry", redact(call + " failed (" + failure + "); retrying"),
             {{"attempt", attempt}, {"wait_ms", std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()}});
    clock_.sleep_for(wait);
  }

  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) throw ResponseFormatError(call, "not a JSON object", response.body);
  auto it = body.find("access_token");
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw ResponseFormatError(call, "no access_token", response.body);
  }
  token_ = it->get<std::string>();
  add_secret(token_);
  int64_t expires_in = 3600;
  if (auto e = body.find("expires_in"); e != body.end() && e->is_number() && e->get<double>() > 0) {
    expires_in = static_cast<int64_t>(e->get<double>());
  }
  const seconds lifetime(expires_in);
  const seconds margin = std::min<seconds>(seconds(300), lifetime / 2);
  refresh_at_ = clock_.now() + lifetime - margin;
  log_debug("oauth.token", "obtained an access token", {{"expires_in", expires_in}});
  return token_;
}

}  // namespace zra
