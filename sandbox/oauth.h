#pragma once
// Zoom's Server-to-Server OAuth token endpoint (grant_type=account_credentials) and bearer-token checks.
// Thread-safe.
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sandbox/http_message.h"
#include "sandbox/sandbox_time.h"

namespace zra::sandbox {

struct OAuthSettings {
  std::string account_id;
  std::string client_id;
  std::string client_secret;
  double token_ttl_s = 3600;  // server seconds
};

class TokenIssuer {
 public:
  TokenIssuer(OAuthSettings settings, const ScaledTime& time, uint64_t seed);
  // Answers POST /oauth/token: 200 with a token, 400/401 with Zoom's {reason, error} otherwise.
  SandboxResponse issue(const SandboxRequest& req);
  // True when `authorization` is "Bearer <token>" for a token issued here and not expired.
  bool is_valid(std::string_view authorization);

 private:
  std::string new_token();
  void purge_expired_locked();

  OAuthSettings settings_;
  const ScaledTime& time_;
  std::mutex mu_;
  std::mt19937_64 gen_;
  std::unordered_map<std::string, Clock::Instant> tokens_;  // token -> real expiry
};

// Decodes standard base64 (padding optional); false on a character outside the alphabet.
bool base64_decode(std::string_view in, std::string& out);
// The scopes a sandbox token carries (the reference's granular scopes).
std::string sandbox_token_scope();

}  // namespace zra::sandbox
