#pragma once
// ODBC connection strings: parsing into attributes, building one from dsn/user/password, masking the
// password for messages, and the driver-specific defaults the plugin adds.
#include <string>
#include <utility>
#include <vector>

namespace zra::odbc {

struct ConnectionAttribute {
  std::string key;    // as written ("PWD", "Driver")
  std::string value;  // braces removed, "}}" unescaped
};

// Splits "A=1;B={x;y}" into attributes. Never throws: text it cannot parse stays in a value.
std::vector<ConnectionAttribute> parse_connection_string(const std::string& text);

// Value of the first attribute named `key` (case-insensitive), or "" when absent.
std::string find_attribute(const std::vector<ConnectionAttribute>& attributes, const std::string& key);

// Quotes a value for a connection string: braces when it holds ; { } or leading/trailing spaces.
std::string quote_attribute_value(const std::string& value);

// "DSN=<dsn>;UID=<user>;PWD=<password>" (UID/PWD omitted when empty), values quoted.
std::string build_dsn_connection_string(const std::string& dsn, const std::string& user,
                                        const std::string& password);

// The connection string with every PWD / Password value replaced by "***": safe for messages.
std::string mask_connection_string(const std::string& text);

// The password values a connection string carries (PWD, Password), for redaction.
std::vector<std::string> connection_string_secrets(const std::string& text);

// psqlODBC and the SQLite ODBC driver keep a whole result set in client memory unless told to
// stream it. When the connection string's Driver names one of them and does not set the option,
// returns it with ";UseDeclareFetch=1;Fetch=<fetch_rows>" (PostgreSQL) or ";StepAPI=1" (SQLite)
// appended; otherwise returns it unchanged.
std::string with_driver_defaults(const std::string& text, int fetch_rows);

}  // namespace zra::odbc
