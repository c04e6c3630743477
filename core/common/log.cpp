#include "core/common/log.h"

#include <chrono>
#include <ctime>
#include <iostream>
#include <mutex>
#include <vector>

#include "core/common/errors.h"

namespace zra {
namespace {

struct LoggerState {
  std::mutex mu;
  LogOptions options;
  std::ostream* out = &std::cerr;
  std::vector<std::string> secrets;
  nlohmann::json context = nlohmann::json::object();
  bool status_line_active = false;
};

LoggerState& state() {
  static LoggerState s;
  return s;
}

const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
  }
  return "info";
}

std::string redact_locked(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    for (size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + 3)) {
      text.replace(pos, s.size(), "***");
    }
  }
  return text;
}

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

}  // namespace

void configure_logging(const LogOptions& options, std::ostream* out) {
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  s.options = options;
  if (out != nullptr) s.out = out;
}

LogFormat parse_log_format(std::string_view v) {
  if (v == "text") return LogFormat::Text;
  if (v == "json") return LogFormat::Json;
  throw UsageError("--log-format must be text or json, not '" + std::string(v) + "'");
}

LogLevel parse_log_level(std::string_view v) {
  if (v == "debug") return LogLevel::Debug;
  if (v == "info") return LogLevel::Info;
  if (v == "warn" || v == "warning") return LogLevel::Warn;
  if (v == "error") return LogLevel::Error;
  throw UsageError("--log-level must be debug, info, warn or error, not '" + std::string(v) + "'");
}

void add_secret(const std::string& value) {
  if (value.size() < 4) return;  // too short to redact without mangling ordinary text
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  for (const auto& existing : s.secrets) {
    if (existing == value) return;
  }
  s.secrets.push_back(value);
}

std::string redact(std::string text) {
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  return redact_locked(std::move(text), s.secrets);
}

void set_status_line_active(bool active) {
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  s.status_line_active = active;
}

void set_log_context(const std::string& key, const nlohmann::json& value) {
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  s.context[key] = value;
}

void log(LogLevel level, std::string_view event, std::string_view message, const nlohmann::json& fields) {
  auto& s = state();
  std::lock_guard<std::mutex> lock(s.mu);
  if (level < s.options.level) return;
  std::string line;
  if (s.options.format == LogFormat::Json) {
    nlohmann::json j = {{"time", utc_now()}, {"level", level_name(level)}, {"event", event}, {"message", message}};
    for (auto it = s.context.begin(); it != s.context.end(); ++it) j[it.key()] = it.value();
    if (fields.is_object()) {
      for (auto it = fields.begin(); it != fields.end(); ++it) j[it.key()] = it.value();
    }
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = utc_now() + " " + level_name(level) + " " + std::string(message);
    if (fields.is_object() && !fields.empty()) {
      for (auto it = fields.begin(); it != fields.end(); ++it) {
        line += " " + it.key() + "=" + (it->is_string() ? it->get<std::string>() : it->dump());
      }
    }
  }
  if (s.status_line_active) (*s.out) << "\r\x1b[K";
  (*s.out) << redact_locked(std::move(line), s.secrets) << '\n';
  s.out->flush();
}

}  // namespace zra
