#pragma once
// Text -> number, integer and boolean, as mapping files promise (docs/mapping.md, "Types").
// Each returns false and writes a user-facing reason into `error` when the text does not convert.
// Pure functions; thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

namespace zra::mapping_detail {

// "1,250,000.50", "1 250 000", "-3.5", "+2", ".5", "1e3". Grouping separators (',' or a space, also
// U+00A0 and U+202F) must group the integer part by threes. Non-finite and out-of-range are errors.
bool parse_number(std::string_view text, double& out, std::string& error);

// Like parse_number, but the value must be a whole number within int64 ("30", "1,200", "3.0", "1e3").
bool parse_integer(std::string_view text, int64_t& out, std::string& error);

// 1/0, true/false, yes/no, y/n, t/f in any case.
bool parse_bool(std::string_view text, bool& out, std::string& error);

}  // namespace zra::mapping_detail
