#pragma once
// The process-wide logger: text on a terminal, or one JSON object per line (--log-format json).
// Every line passes through redaction: values registered with add_secret() never reach the output.
#include <iosfwd>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace zra {

enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3 };
enum class LogFormat { Text, Json };

struct LogOptions {
  LogFormat format = LogFormat::Text;
  LogLevel level = LogLevel::Info;
};

// Configures the logger (default: text, info, to stderr). Not thread-safe against concurrent log().
void configure_logging(const LogOptions& options, std::ostream* out = nullptr);
// While a live status line (the progress line) is drawn on the log's terminal, each log line first clears
// it ("\r" + clear to end of line), so the two never run together; the status line's next redraw restores it.
void set_status_line_active(bool active);
// Parses "text"/"json" and "debug"/"info"/"warn"/"error"; throws UsageError otherwise.
LogFormat parse_log_format(std::string_view s);
LogLevel parse_log_level(std::string_view s);

// Registers a secret (token, password, client secret): it is replaced by "***" in every log line, and
// redact() applies the same to any text bound for a report or an error message. Empty/short values ignored.
void add_secret(const std::string& value);
std::string redact(std::string text);

// Writes one line. `event` is a short machine-readable name ("import.submitted"); `fields` are extra
// key/values (run_id, type, task_id, counts). Thread-safe.
void log(LogLevel level, std::string_view event, std::string_view message, const nlohmann::json& fields = {});
inline void log_debug(std::string_view e, std::string_view m, const nlohmann::json& f = {}) { log(LogLevel::Debug, e, m, f); }
inline void log_info(std::string_view e, std::string_view m, const nlohmann::json& f = {}) { log(LogLevel::Info, e, m, f); }
inline void log_warn(std::string_view e, std::string_view m, const nlohmann::json& f = {}) { log(LogLevel::Warn, e, m, f); }
inline void log_error(std::string_view e, std::string_view m, const nlohmann::json& f = {}) { log(LogLevel::Error, e, m, f); }

// Fields added to every line from now on (e.g. run_id). Thread-safe.
void set_log_context(const std::string& key, const nlohmann::json& value);

}  // namespace zra
