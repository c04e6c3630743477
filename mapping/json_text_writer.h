#pragma once
// A small JSON text writer for request bodies: values appended straight to a std::string, formatted
// byte for byte as nlohmann::json::dump() (compact, ensure_ascii off) formats them, so that bodies and
// their payload hashes do not depend on which of the two wrote them. Pure functions; thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

namespace zra {

// Appends `s` as a JSON string literal, quotes included: \" \\ \b \f \n \r \t as such, the other control
// characters (< 0x20) as \u00xx, everything else (including U+007F and non-ASCII) unescaped.
// Returns false when `s` is not well-formed UTF-8 (then `out` holds a partial literal: discard it).
bool append_json_string(std::string& out, std::string_view s);

// Appends a JSON integer: "-42".
void append_json_integer(std::string& out, int64_t value);

// Appends a JSON number as dump() writes a double: the shortest digits that read back the same
// (Grisu2), "1.5", "1e+21", "1000000000000000.0"; "null" when `value` is NaN or infinite.
void append_json_number(std::string& out, double value);

}  // namespace zra
