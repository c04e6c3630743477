#pragma once
// Adds a source's credentials to each request: bearer token, HTTP Basic, an API key in a header or the
// query, or an OAuth2 client-credentials token (fetched, cached, refreshed shortly before it expires and
// once more when the API answers 401). Every credential is registered with the SecretMask.
// Not thread-safe (one plugin instance, one call at a time).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/clock.h"
#include "core/http/http_transport.h"
#include "plugins/rest/request_sender.h"
#include "plugins/rest/rest_settings.h"
#include "plugins/rest/secret_mask.h"

namespace zra::rest {

// Standard base64 (RFC 4648, with padding).
std::string base64_encode(std::string_view data);

class Authenticator {
 public:
  Authenticator(AuthSpec spec, RequestSender& sender, Clock& clock, SecretMask& mask,
                std::chrono::milliseconds timeout);

  // Adds the credentials to `request` (a header, or a query parameter replacing any of that name).
  // OAuth2: fetches a token first when none is cached or the cached one is about to expire.
  // Throws StreamError when the token endpoint refuses (ZRA_ERROR) or cannot be reached (ZRA_ERROR_IO).
  void apply(HttpRequest& request);

  // True when a 401 may be cured by a new token (OAuth2 client credentials).
  bool can_refresh() const { return spec_.type == AuthType::OAuth2ClientCredentials; }
  // Forgets the cached token; the next apply() fetches a new one.
  void invalidate() { token_.reset(); }
  // Number of tokens fetched so far (for tests and the debug log).
  int tokens_fetched() const { return tokens_fetched_; }

 private:
  void fetch_token();

  AuthSpec spec_;
  RequestSender& sender_;
  Clock& clock_;
  SecretMask& mask_;
  std::chrono::milliseconds timeout_;
  std::string basic_header_;  // "Basic base64(user:password)" for basic auth and the OAuth2 client
  std::optional<std::string> token_;
  Clock::WallTime refresh_at_{};
  int tokens_fetched_ = 0;
};

}  // namespace zra::rest
