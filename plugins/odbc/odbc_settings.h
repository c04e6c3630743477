#pragma once
// The ODBC plugin's settings, parsed from the JSON the host passes to create() and open().
// Parsing throws OdbcFailure(ZRA_ERROR_SETTINGS) with a message naming the key.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace zra::odbc {

constexpr int kDefaultFetchRows = 1000;
constexpr int kMaxFetchRows = 100000;

struct SourceSettings {
  std::string connection_string;        // as configured, or built from dsn/user/password
  std::optional<int> login_timeout_s;
  std::optional<int> query_timeout_s;
  std::vector<std::string> secrets;     // password, PWD values, the whole connection string
};

// Keys: connection_string | dsn (exactly one), user, password (appended as UID/PWD), login_timeout_s,
// query_timeout_s (integers >= 0). Unknown keys are left to the host, which rejects them.
SourceSettings parse_source_settings(const std::string& json);

// A value for a named query parameter, from the stream's `params` object.
struct ParameterValue {
  enum class Kind { kNull, kText, kInteger, kReal, kBoolean };
  Kind kind = Kind::kNull;
  std::string text;     // kText
  int64_t integer = 0;  // kInteger, and kBoolean as 1/0
  double real = 0;      // kReal
};

struct StreamSettings {
  std::string name;
  std::string query;
  std::optional<std::string> key;                           // column whose value names a row in locators
  std::vector<std::pair<std::string, ParameterValue>> params;  // from `params`, sorted by name
  int fetch_rows = kDefaultFetchRows;                       // rows per SQLFetch block
  size_t batch_rows = kDefaultFetchRows;                    // rows per batch handed to the host
  std::optional<std::string> since;                         // "YYYY-MM-DD HH:MM:SS[.f]" UTC, from "since"
};

// Keys: name (required), query (required), key, params (object of scalars; "since" is reserved),
// fetch_rows (1..100000), since (ISO-8601), batch_rows (host hint; defaults to fetch_rows).
StreamSettings parse_stream_settings(const std::string& json);

// "2025-11-20T12:00:00Z", "2025-11-20T14:00:00.5+02:00", "2025-11-20 12:00:00" -> UTC in the form
// "2025-11-20 12:00:00[.5]" (the form SQLite's datetime() writes and PostgreSQL reads as a timestamp).
// Throws OdbcFailure(ZRA_ERROR_SETTINGS) naming the value when it is not such a timestamp.
std::string normalize_since(const std::string& iso);

}  // namespace zra::odbc
