#pragma once
// JSON parsing that keeps every number exactly as the server wrote it. nlohmann::json stores a
// non-integer number as a double ("1.10" -> 1.1, "12345678901234567890.5" -> 1.2345678901234567e19);
// here such a number is kept as its source text (a binary value with subtype kRawNumberSubtype, which
// JSON text can never produce), so flattened columns carry the server's digits unchanged.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace zra::rest {

using Json = nlohmann::ordered_json;  // keeps the server's key order, so columns do too

inline constexpr std::uint8_t kRawNumberSubtype = 0x52;  // 'R'

class JsonSyntaxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses `text`. Throws JsonSyntaxError (with the byte position) when it is not one JSON value.
Json parse_json_exact(std::string_view text);

// True for a number kept as text by parse_json_exact.
bool is_raw_number(const Json& value);

// The text of a scalar: a string as is, a number as written, a boolean "true"/"false".
// Throws std::invalid_argument for null, objects and arrays.
std::string scalar_text(const Json& value);

// Compact JSON text of any value, with raw numbers written as their original text.
std::string compact_json(const Json& value);

}  // namespace zra::rest
