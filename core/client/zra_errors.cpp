#include "core/client/zra_errors.h"

#include <nlohmann/json.hpp>

#include "core/common/log.h"
#include "core/http/http_transport.h"

namespace zra {
namespace {

std::string format_api_error(const std::string& call, int status, int code, const std::string& message,
                             const std::vector<ApiErrorDetail>& details) {
  std::string out = call + " answered " + std::to_string(status);
  if (code != 0 && code != status) out += " (code " + std::to_string(code) + ")";
  out += ": " + (message.empty() ? std::string("no message") : message);
  for (const auto& d : details) {
    out += "; " + (d.field.empty() ? std::string() : d.field + ": ") + d.message;
  }
  return redact(out);
}

// Values nested deeper than this are dropped while parsing: string_of() dumps them, dump() recurses per
// level, and a hostile answer of a few hundred KB of '[' would overflow the stack (found by fuzz_task_result).
constexpr int kMaxJsonDepth = 64;
bool within_depth(int depth, nlohmann::json::parse_event_t, nlohmann::json&) { return depth <= kMaxJsonDepth; }

std::string string_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

ApiError::ApiError(std::string call, int status, int code, std::string api_message,
                   std::vector<ApiErrorDetail> details)
    : Error(format_api_error(call, status, code, api_message, details), kExitFatal),
      call_(std::move(call)),
      status_(status),
      code_(code),
      api_message_(std::move(api_message)),
      details_(std::move(details)) {}

NotRegisteredError::NotRegisteredError(const std::string& call_and_reason)
    : FatalError(redact("CRM is not registered with ZRA: run `zra-sync crm register -c <config>` (" +
                        call_and_reason + ")")) {}

ResponseFormatError::ResponseFormatError(const std::string& call, const std::string& problem, std::string_view body)
    : Error(redact(call + " answered with an unexpected body (" + problem + "): '" + body_excerpt(body) + "'"),
            kExitFatal) {}

std::string body_excerpt(std::string_view body, size_t max_chars) {
  std::string out(body.substr(0, max_chars));
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  out = redact(out);
  if (body.size() > max_chars) out += "...";
  return out;
}

ApiError make_api_error(const std::string& call, const HttpResponse& response) {
  int code = 0;
  std::string message;
  std::vector<ApiErrorDetail> details;
  const nlohmann::json j = nlohmann::json::parse(response.body, within_depth, false);
  if (j.is_object()) {
    if (auto it = j.find("code"); it != j.end() && it->is_number_integer()) code = it->get<int>();
    message = string_of(j, "message");
    if (message.empty()) message = string_of(j, "reason");  // the OAuth endpoint's shape
    if (const std::string e = string_of(j, "error"); !e.empty()) {
      message = message.empty() ? e : message + " (" + e + ")";
    }
    if (auto it = j.find("errors"); it != j.end() && it->is_array()) {
      for (const auto& item : *it) {
        if (item.is_object()) {
          details.push_back({string_of(item, "field"), string_of(item, "message")});
        } else if (!item.is_null()) {
          details.push_back({"", item.is_string() ? item.get<std::string>() : item.dump()});
        }
      }
    }
  }
  if (message.empty() && details.empty() && !response.body.empty()) {
    message = "'" + body_excerpt(response.body) + "'";
  }
  return ApiError(call, response.status, code, message, details);
}

}  // namespace zra
