#include "sandbox/http_message.h"

namespace zra::sandbox {

SandboxResponse SandboxResponse::json(int status, const nlohmann::json& body) {
  SandboxResponse r;
  r.status = status;
  // replace: a stored string is valid UTF-8 (bodies are checked on the way in); this only guards the dump.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

SandboxResponse SandboxResponse::error(int status, int code, std::string message) {
  return json(status, {{"code", code}, {"message", std::move(message)}});
}

SandboxResponse SandboxResponse::validation(std::string message, nlohmann::json errors) {
  nlohmann::json body = {{"code", kValidationCode}, {"message", std::move(message)}};
  if (errors.is_array() && !errors.empty()) body["errors"] = std::move(errors);
  return json(400, body);
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

void parse_query_string(std::string_view s, std::map<std::string, std::string>& out) {
  while (!s.empty()) {
    size_t amp = s.find('&');
    std::string_view pair = s.substr(0, amp);
    s = amp == std::string_view::npos ? std::string_view() : s.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key = percent_decode(pair.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true);
    out[std::move(key)] = std::move(value);
  }
}

void parse_target(std::string_view target, SandboxRequest& req) {
  size_t q = target.find('?');
  req.path = percent_decode(target.substr(0, q), false);
  req.query.clear();
  if (q != std::string_view::npos) parse_query_string(target.substr(q + 1), req.query);
}

}  // namespace zra::sandbox
