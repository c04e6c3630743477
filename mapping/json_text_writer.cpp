#include "mapping/json_text_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include <nlohmann/json.hpp>

#include "core/common/utf8.h"

namespace zra {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

// True when a byte of `x` is below 0x20, is '"' or '\\', or is non-ASCII: bytes that need a look of their
// own. (hasless/haszero of the well-known bit tricks: exact as to whether any byte matches.)
bool needs_look(uint64_t x) {
  const uint64_t control = (x - kOnes * 0x20) & ~x;
  const uint64_t quote = x ^ (kOnes * '"');
  const uint64_t backslash = x ^ (kOnes * '\\');
  const uint64_t quote_zero = (quote - kOnes) & ~quote;
  const uint64_t backslash_zero = (backslash - kOnes) & ~backslash;
  return ((control | quote_zero | backslash_zero | x) & kHighBits) != 0;
}

// From `i`, past the whole 8-byte words of `s` that are plain ASCII needing no escape: most text is.
size_t skip_plain_words(std::string_view s, size_t i) {
  while (s.size() - i >= 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    if (needs_look(word)) break;
    i += 8;
  }
  return i;
}

}  // namespace

char* write_json_string(char* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out++ = '"';
  size_t run = 0;  // start of the bytes not yet copied: plain bytes are copied in runs
  size_t i = 0;
  while (i < s.size()) {
    i = skip_plain_words(s, i);
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t n = utf8_sequence_length(s, i);
      if (n == 0) return nullptr;
      i += n;
      continue;
    }
    out = write_raw(out, s.substr(run, i - run));
    *out++ = '\\';
    switch (c) {
      case '"': *out++ = '"'; break;
      case '\\': *out++ = '\\'; break;
      case '\b': *out++ = 'b'; break;
      case '\f': *out++ = 'f'; break;
      case '\n': *out++ = 'n'; break;
      case '\r': *out++ = 'r'; break;
      case '\t': *out++ = 't'; break;
      default: {
        const char escaped[5] = {'u', '0', '0', kHex[c >> 4], kHex[c & 0x0F]};
        out = write_raw(out, std::string_view(escaped, 5));
      }
    }
    run = ++i;
  }
  out = write_raw(out, s.substr(run));
  *out++ = '"';
  return out;
}

bool append_json_string(std::string& out, std::string_view s) {
  const size_t old_size = out.size();
  out.resize(old_size + json_string_room(s.size()));
  char* end = write_json_string(&out[old_size], s);
  if (end == nullptr) {
    out.resize(old_size);
    return false;
  }
  out.resize(static_cast<size_t>(end - out.data()));
  return true;
}

char* write_json_integer(char* out, int64_t value) {
  return std::to_chars(out, out + kJsonIntegerRoom, value).ptr;
}

char* write_json_number(char* out, double value) {
  if (!std::isfinite(value)) return write_raw(out, "null");
  // nlohmann's own formatter (what dump() calls), so the digits are the same in every case.
  return nlohmann::detail::to_chars(out, out + kJsonNumberRoom, value);
}

void append_json_integer(std::string& out, int64_t value) {
  char buf[kJsonIntegerRoom];
  out.append(buf, static_cast<size_t>(write_json_integer(buf, value) - buf));
}

void append_json_number(std::string& out, double value) {
  char buf[kJsonNumberRoom];
  out.append(buf, static_cast<size_t>(write_json_number(buf, value) - buf));
}

}  // namespace zra
