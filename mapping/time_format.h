#pragma once
// The reader of a mapping's `format:` ("%m/%d/%Y %I:%M %p"). It reads exactly what date::from_stream of
// Howard Hinnant's date 3.0.1 (Debian 12, built with ONLY_C_LOCALE) reads into a
// date::local_time<milliseconds>: same texts accepted, same values, including its quirks (%y pivot 69,
// %j wrapping into the next year, fields read twice having to agree). It supports a documented subset of
// the conversions (TimeFormat::supported()) and refuses the others when the mapping is compiled. Unlike
// date::from_stream it uses no iostream or locale, allocates nothing per text, and has no undefined
// behaviour on malformed values (docs/fuzzing.md findings 13, 16, 17).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zra::mapping_detail {

// What one text gave.
struct ParsedFields {
  std::int64_t local_ms = 0;  // the local date-time as milliseconds since 1970-01-01T00:00 (no zone)
  bool has_offset = false;    // the format has %z and the text gave an offset
  int offset_minutes = 0;     // with has_offset: the text's offset east of UTC ("-0530" is -330)
};

// The known defects of date 3.0.1's parser that date::from_stream would have met on a text. Only the
// differential test needs this: it never hands such texts to date::from_stream.
struct DateParserDefects {
  bool bad_seconds = false;             // finding 13: a %S, %T or %r read failed (uninitialised long double)
  bool offset_minus_no_digits = false;  // finding 16: %z met '-' not followed by hours (negates minutes::min())
};

class TimeFormat {
 public:
  // The reader of `format`, or nullopt with `problem` set to what is wrong, naming the conversion and
  // the format: an unknown or unsupported conversion, a modifier or width date would not honour, a
  // width of more than 2 digits or of 0, an incomplete conversion at the end, a NUL character. Whether
  // the format names a full date is the caller's check (check_time_format).
  static std::optional<TimeFormat> compile(std::string_view format, std::string& problem);

  // True when the whole of `text` matches the format and names a valid local date-time (with %z: also
  // an offset); `out` then holds it. Thread-safe (const, no shared state); allocates nothing.
  bool read(std::string_view text, ParsedFields& out) const;
  // The same, also telling which date 3.0.1 defects date::from_stream would have met on `text`.
  bool read(std::string_view text, ParsedFields& out, DateParserDefects& defects) const;

  const std::string& format() const { return format_; }

  // The supported conversions, as listed in messages and docs/mapping.md.
  static const char* supported();

  // One step of the digits-only reading of a plain format (see read_digits_only). Internal.
  struct DigitStep {
    enum class Kind : unsigned char { Literal, Space, Number };
    enum class Field : unsigned char { Y, y, m, d, H, M, S };
    Kind kind = Kind::Literal;
    char literal = '\0';           // Literal
    Field field = Field::Y;        // Number
    unsigned char max_digits = 0;  // Number
  };

 private:
  explicit TimeFormat(std::string format);
  bool read_fields(std::string_view text, ParsedFields& out, DateParserDefects* defects) const;
  // The common case on a fast path: a format of only literals, white space and %Y %y %m %d %e %H %M %S
  // (no width, no modifier, no field twice), and a text of plain digits where it has numbers. Returns 1
  // or 0 (read_fields's answer, which it is by construction), or -1 when the text needs read_fields
  // (a sign, a '.', a mismatch, the end of the text met early: whatever date's own reads treat specially).
  int read_digits_only(std::string_view text, ParsedFields& out) const;

  std::string format_;  // validated by compile: only supported conversions, no NUL
  std::vector<DigitStep> digit_steps_;  // empty: the format is not plain enough for read_digits_only
};

}  // namespace zra::mapping_detail
