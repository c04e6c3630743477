#pragma once
// The request and answer as the sandbox's routes see them: plain data, no Beast types, so routes are
// independent of the socket layer (http_server.cpp converts).
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace zra::sandbox {

struct SandboxRequest {
  std::string method;   // "GET", "POST", ...
  std::string target;   // as sent: "/v2/zra/crm/accounts?crm_account_ids=a,b"
  std::string path;     // percent-decoded path without the query
  std::map<std::string, std::string> query;  // percent-decoded; the last of repeated keys wins
  std::string authorization;                 // the Authorization header, "" when absent
  bool has_content_type = false;
  std::string content_type;                  // as sent
  std::string body;
};

struct SandboxResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type = "application/json";
  std::string body;
  bool drop = false;                           // close the connection without answering
  std::chrono::nanoseconds delay{0};           // wait this long (real time) before answering

  // A JSON answer.
  static SandboxResponse json(int status, const nlohmann::json& body);
  // The Zoom error shape {"code": code, "message": message}.
  static SandboxResponse error(int status, int code, std::string message);
  // 400 {"code":300,"message":message,"errors":[{field,message}...]}: Zoom's validation failure.
  static SandboxResponse validation(std::string message, nlohmann::json errors);
  void add_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

// Zoom's error code for a 400 validation failure.
inline constexpr int kValidationCode = 300;

// Splits "path?query" and percent-decodes both parts into `req.path` and `req.query`.
void parse_target(std::string_view target, SandboxRequest& req);
// Percent-decodes; '+' stays '+' in paths and becomes ' ' in query components when `plus_is_space`.
std::string percent_decode(std::string_view s, bool plus_is_space);
// Parses "a=1&b=2" (query strings and form bodies) into `out`.
void parse_query_string(std::string_view s, std::map<std::string, std::string>& out);

}  // namespace zra::sandbox
