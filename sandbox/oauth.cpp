#include "sandbox/oauth.h"

#include <cctype>
#include <cmath>
#include <iterator>

#include "core/common/log.h"

namespace zra::sandbox {

namespace {
constexpr size_t kMaxTokens = 10000;  // bound memory against a client that asks for a token per call
constexpr uint64_t kTokenSeedSalt = 0xC2B2AE3D27D4EB4FULL;

SandboxResponse oauth_error(int status, std::string reason, std::string error) {
  return SandboxResponse::json(status, {{"reason", std::move(reason)}, {"error", std::move(error)}});
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}
}  // namespace

bool base64_decode(std::string_view in, std::string& out) {
  out.clear();
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') break;
    else return false;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return true;
}

std::string sandbox_token_scope() {
  return "zra:read:crm_account:admin zra:read:crm_contact:admin zra:read:crm_deal:admin "
         "zra:read:crm_lead:admin zra:read:crm_registration:admin zra:read:crm_task:admin "
         "zra:write:crm_accounts:admin zra:write:crm_contact:admin zra:write:crm_deal:admin "
         "zra:write:crm_lead:admin zra:write:crm_registration:admin zra:delete:crm_registration:admin";
}

TokenIssuer::TokenIssuer(OAuthSettings settings, const ScaledTime& time, uint64_t seed)
    : settings_(std::move(settings)), time_(time), gen_(seed ^ kTokenSeedSalt) {
  add_secret(settings_.client_secret);
}

std::string TokenIssuer::new_token() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string t = "sbx_";
  for (int i = 0; i < 48; ++i) t.push_back(kAlphabet[gen_() % 64]);
  return t;
}

void TokenIssuer::purge_expired_locked() {
  auto now = time_.now();
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    it = it->second <= now ? tokens_.erase(it) : std::next(it);
  }
  while (tokens_.size() >= kMaxTokens) {
    auto oldest = tokens_.begin();
    for (auto it = tokens_.begin(); it != tokens_.end(); ++it) {
      if (it->second < oldest->second) oldest = it;
    }
    tokens_.erase(oldest);
  }
}

SandboxResponse TokenIssuer::issue(const SandboxRequest& req) {
  if (req.method != "POST") {
    SandboxResponse r = oauth_error(405, "Method not allowed: use POST", "invalid_request");
    r.add_header("Allow", "POST");
    return r;
  }
  // Zoom reads the parameters from the query; a form body is accepted too, as RFC 6749 clients send it.
  std::map<std::string, std::string> params = req.query;
  if (req.has_content_type && req.content_type.find("application/x-www-form-urlencoded") != std::string::npos) {
    std::map<std::string, std::string> form;
    parse_query_string(req.body, form);
    for (auto& [k, v] : form) params.emplace(k, v);
  }
  std::string_view auth = req.authorization;
  if (!iequals_prefix(auth, "Basic ")) {
    return oauth_error(401, "Invalid client_id or client_secret", "invalid_client");
  }
  std::string decoded;
  std::string_view b64 = auth.substr(6);
  while (!b64.empty() && b64.front() == ' ') b64.remove_prefix(1);
  if (!base64_decode(b64, decoded) || decoded.find(':') == std::string::npos) {
    return oauth_error(401, "Invalid client_id or client_secret", "invalid_client");
  }
  size_t colon = decoded.find(':');
  if (decoded.substr(0, colon) != settings_.client_id || decoded.substr(colon + 1) != settings_.client_secret) {
    return oauth_error(401, "Invalid client_id or client_secret", "invalid_client");
  }
  auto grant = params.find("grant_type");
  if (grant == params.end() || grant->second.empty()) {
    return oauth_error(400, "Missing grant type", "invalid_request");
  }
  if (grant->second != "account_credentials") {
    return oauth_error(400, "Unsupported grant type", "unsupported_grant_type");
  }
  auto account = params.find("account_id");
  if (account == params.end() || account->second.empty()) {
    return oauth_error(400, "Missing account_id", "invalid_request");
  }
  if (account->second != settings_.account_id) {
    return oauth_error(400, "Invalid account_id", "invalid_request");
  }
  std::string token;
  {
    std::lock_guard<std::mutex> lock(mu_);
    purge_expired_locked();
    token = new_token();
    tokens_[token] = time_.now() + time_.real(settings_.token_ttl_s);
  }
  // expires_in is in real seconds, so a client that refreshes ahead of expiry keeps working at any time scale.
  auto expires_in = static_cast<long long>(std::floor(time_.real_seconds(settings_.token_ttl_s)));
  return SandboxResponse::json(200, {{"access_token", token},
                                     {"token_type", "bearer"},
                                     {"expires_in", expires_in},
                                     {"scope", sandbox_token_scope()}});
}

bool TokenIssuer::is_valid(std::string_view authorization) {
  if (!iequals_prefix(authorization, "Bearer ")) return false;
  std::string_view token = authorization.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tokens_.find(std::string(token));
  if (it == tokens_.end()) return false;
  if (it->second <= time_.now()) {
    tokens_.erase(it);
    return false;
  }
  return true;
}

}  // namespace zra::sandbox
