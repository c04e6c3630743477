#pragma once
// A fast reader for the common all-numeric date formats ("%m/%d/%Y %H:%M", "%d.%m.%Y", "%F %T"), so
// that formatted dates cost about what ISO-8601 ones do. It only ever answers "matched" with the value
// date::parse would give; anything else (other conversions, a sign, a leap second, a mismatch) is
// left to date::parse, which stays the authority on errors.
#include <optional>
#include <string_view>
#include <vector>

namespace zra::mapping_detail {

struct LocalFields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millisecond = 0;
};

class NumericTimeFormat {
 public:
  // The reader for `format` when it uses only %Y %m %d %H %M %S %F %T %R %% and literal text;
  // otherwise nullopt.
  static std::optional<NumericTimeFormat> compile(std::string_view format);

  // True when the whole of `text` matches and every field is in range (the date exists). Thread-safe.
  bool read(std::string_view text, LocalFields& out) const;

 private:
  enum class Op : char { Year, Month, Day, Hour, Minute, Second, Space, Literal };
  struct Step {
    Op op;
    char literal;  // Literal
  };
  std::vector<Step> steps_;
};

}  // namespace zra::mapping_detail
