#include "core/client/task_result.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>

#include "core/client/zra_errors.h"

namespace zra {
namespace {

using nlohmann::json;

// An integer from a JSON number or a numeric string; nullopt for anything else.
std::optional<int64_t> integer_of(const json& v) {
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    // Casting a double outside int64's range is undefined behaviour (found by fuzz_task_result).
    if (std::isfinite(d) && d == std::floor(d) && d >= -0x1p63 && d < 0x1p63) return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.empty() || s.size() > 18) return std::nullopt;
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) return std::nullopt;
    for (size_t k = i; k < s.size(); ++k) {
      if (!std::isdigit(static_cast<unsigned char>(s[k]))) return std::nullopt;
    }
    return std::stoll(s);
  }
  return std::nullopt;
}

// Values nested deeper than this are dropped while parsing: text_of() dumps them, dump() recurses per level,
// and a hostile answer of a few hundred KB of '[' would overflow the stack (found by fuzz_task_result).
constexpr int kMaxJsonDepth = 64;
bool within_depth(int depth, json::parse_event_t, json&) { return depth <= kMaxJsonDepth; }

std::string text_of(const json& v) {
  if (v.is_null()) return {};
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

bool TaskResult::is_final() const { return status == "SUCCESS" || status == "FAILED"; }

TaskResult parse_task_result(const std::string& call, const std::string& requested_id, const std::string& body) {
  const json j = json::parse(body, within_depth, false);
  if (!j.is_object()) throw ResponseFormatError(call, "not a JSON object", body);

  TaskResult result;
  auto status = j.find("task_status");
  if (status == j.end() || !status->is_string()) throw ResponseFormatError(call, "no task_status", body);
  result.status = status->get<std::string>();
  std::transform(result.status.begin(), result.status.end(), result.status.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (result.status != "PENDING" && result.status != "RUNNING" && result.status != "SUCCESS" &&
      result.status != "FAILED") {
    throw ResponseFormatError(call, "unknown task_status '" + status->get<std::string>() + "'", body);
  }

  auto id = j.find("task_id");
  result.task_id = id != j.end() && !id->is_null() ? text_of(*id) : requested_id;
  if (auto type = j.find("task_type"); type != j.end()) result.task_type = text_of(*type);

  const std::pair<const char*, int64_t*> counts[] = {
      {"total_count", &result.total_count}, {"success_count", &result.success_count}, {"failed_count", &result.failed_count}};
  for (const auto& [name, target] : counts) {
    auto it = j.find(name);
    if (it == j.end() || it->is_null()) continue;
    auto value = integer_of(*it);
    if (!value) throw ResponseFormatError(call, std::string(name) + " is not an integer", body);
    *target = *value;
  }

  auto errors = j.find("errors");
  if (errors != j.end() && !errors->is_null()) {
    if (!errors->is_array()) throw ResponseFormatError(call, "errors is not an array", body);
    for (const auto& item : *errors) {
      TaskRecordError e;
      if (!item.is_object()) {
        e.detail = text_of(item);  // keep what ZRA said even in an odd shape
        result.errors.push_back(std::move(e));
        continue;
      }
      if (auto idx = item.find("record_index"); idx != item.end()) e.record_index = integer_of(*idx).value_or(-1);
      if (auto rid = item.find("record_id"); rid != item.end()) e.record_id = text_of(*rid);
      if (auto detail = item.find("detail"); detail != item.end()) e.detail = text_of(*detail);
      result.errors.push_back(std::move(e));
    }
  }
  return result;
}

}  // namespace zra
