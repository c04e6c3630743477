#pragma once
// A small JSON text writer for request bodies: values written straight as text, formatted byte for byte
// as nlohmann::json::dump() (compact, ensure_ascii off) formats them, so that bodies and their payload
// hashes do not depend on which of the two wrote them. Pure functions; thread-safe.
// Two forms: append_* to a std::string, and write_* to raw memory the caller sized with the *_room
// bounds (one buffer per record instead of a string append per token: Mapping::write_json).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace zra {

// Appends `s` as a JSON string literal, quotes included: \" \\ \b \f \n \r \t as such, the other control
// characters (< 0x20) as \u00xx, everything else (including U+007F and non-ASCII) unescaped.
// Returns false, `out` left as it was, when `s` is not well-formed UTF-8.
bool append_json_string(std::string& out, std::string_view s);

// Appends a JSON integer: "-42".
void append_json_integer(std::string& out, int64_t value);

// Appends a JSON number as dump() writes a double: the shortest digits that read back the same
// (Grisu2), "1.5", "1e+21", "1000000000000000.0"; "null" when `value` is NaN or infinite.
void append_json_number(std::string& out, double value);

// The most bytes the write_* functions below write for one value.
// A string: every byte as \u00xx, and the quotes.
inline size_t json_string_room(size_t size) { return 6 * size + 2; }
constexpr size_t kJsonIntegerRoom = 20;  // "-9223372036854775808"
constexpr size_t kJsonNumberRoom = 64;   // as dump()'s own number buffer

// As append_json_string, into `out` with room for json_string_room(s.size()) bytes: returns the end of
// what it wrote, or nullptr when `s` is not well-formed UTF-8 (what it wrote is then garbage).
char* write_json_string(char* out, std::string_view s);

// As append_json_integer, into `out` with room for kJsonIntegerRoom bytes; returns the end.
char* write_json_integer(char* out, int64_t value);

// As append_json_number, into `out` with room for kJsonNumberRoom bytes; returns the end.
char* write_json_number(char* out, double value);

// Copies `bytes` to `out` (room for them) and returns the end: short copies (keys, most values) without
// a library call.
inline char* write_raw(char* out, std::string_view bytes) {
  const char* src = bytes.data();
  const size_t n = bytes.size();
  if (n >= 8 && n <= 16) {  // two overlapping 8-byte moves
    std::memcpy(out, src, 8);
    std::memcpy(out + n - 8, src + n - 8, 8);
  } else if (n >= 4 && n < 8) {
    std::memcpy(out, src, 4);
    std::memcpy(out + n - 4, src + n - 4, 4);
  } else if (n < 4) {
    for (size_t i = 0; i < n; ++i) out[i] = src[i];
  } else {
    std::memcpy(out, src, n);
  }
  return out + n;
}

}  // namespace zra
