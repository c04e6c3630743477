#pragma once
// Zoom Server-to-Server OAuth: POST token_url?grant_type=account_credentials&account_id=ID with HTTP
// Basic client_id:client_secret. The token is cached and fetched again shortly before it expires.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/client/retry_timing.h"
#include "core/common/clock.h"
#include "core/http/http_transport.h"

namespace zra {

struct OAuthCredentials {
  std::string token_url;  // https:// or loopback http:// (checked by the caller)
  std::string account_id;
  std::string client_id;
  std::string client_secret;
};

struct OAuthRetry {
  int max_attempts = 8;  // for transport errors, 5xx and 429 of the token endpoint
  BackoffPolicy backoff;
  std::chrono::milliseconds timeout{60000};
};

class OAuthTokenSource {
 public:
  // Registers the client secret (and the Basic credential built from it) with add_secret().
  OAuthTokenSource(OAuthCredentials credentials, OAuthRetry retry, HttpTransport& transport, Clock& clock,
                   RandomSource& random);

  // A valid access token: the cached one until `refresh margin` before `expires_in` ends (the margin is
  // 5 minutes, or half the lifetime for tokens living under 10 minutes), else a new one. Every new token
  // is registered with add_secret(). Throws AuthError naming the token URL and Zoom's reason when the
  // endpoint refuses; NetworkExhaustedError when it cannot be reached within max_attempts;
  // ResponseFormatError when its answer has no access_token. Thread-safe: concurrent callers share one
  // fetch.
  std::string token();
  // Forgets `token` if it is still the cached one (after a 401), so the next token() fetches anew.
  void invalidate(const std::string& token);
  // Token requests sent so far (including retried ones).
  int64_t requests() const;

 private:
  std::string fetch_locked();
  std::string request_url() const;

  OAuthCredentials credentials_;
  OAuthRetry retry_;
  HttpTransport& transport_;
  Clock& clock_;
  RandomSource& random_;
  std::string basic_credential_;
  mutable std::mutex mu_;
  std::string token_;
  Clock::Instant refresh_at_{};
  int64_t requests_ = 0;
};

// RFC 4648 base64 (with padding), for the Basic credential.
std::string base64_encode(std::string_view bytes);

}  // namespace zra
