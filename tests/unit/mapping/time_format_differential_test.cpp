// TimeFormat must read exactly what date::from_stream (date 3.0.1, into a local_time<milliseconds>, as
// the mapping used it) reads: for formats covering every supported conversion, deterministic generated
// texts (valid values, near misses, junk, varied white space and case) get the same accept/reject, the
// same local time and the same offset from both. Texts on which date 3.0.1 itself misbehaves
// (docs/fuzzing.md findings 13 and 16) are never handed to it: they are counted and must stay few.
#include "mapping/time_format.h"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <date/date.h>

namespace zra::mapping_detail {
namespace {

using LocalMs = date::local_time<std::chrono::milliseconds>;

struct Answer {
  bool ok = false;
  std::int64_t local_ms = 0;
  bool has_offset = false;
  std::int64_t offset_minutes = 0;

  bool operator==(const Answer& o) const {
    return ok == o.ok && (!ok || (local_ms == o.local_ms && has_offset == o.has_offset &&
                                  (!has_offset || offset_minutes == o.offset_minutes)));
  }
};

std::ostream& operator<<(std::ostream& os, const Answer& a) {
  if (!a.ok) return os << "rejected";
  os << date::format("%F %T", LocalMs{std::chrono::milliseconds{a.local_ms}});
  if (a.has_offset) os << " offset " << a.offset_minutes << " min";
  return os;
}

// What the mapping did before TimeFormat (time_conversion.cpp's parse_with_format).
Answer with_date(const std::string& format, const std::string& text) {
  std::istringstream in(text);
  LocalMs t{};
  std::chrono::minutes offset = std::chrono::minutes::min();
  date::from_stream(in, format.c_str(), t, static_cast<std::string*>(nullptr), &offset);
  Answer a;
  a.ok = !in.fail() && in.peek() == std::char_traits<char>::eof();
  if (!a.ok) return a;
  a.local_ms = t.time_since_epoch().count();
  a.has_offset = offset != std::chrono::minutes::min();
  a.offset_minutes = a.has_offset ? offset.count() : 0;
  return a;
}

// `format` without what date::format cannot write (widths, %OC), as the mapping's read-back check does.
std::string writable(const std::string& format) {
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    out += format[i];
    if (format[i] != '%') continue;
    while (format[i + 1] >= '0' && format[i + 1] <= '9') ++i;
    if (format[i + 1] == 'O' && format[i + 2] == 'C') ++i;
    out += format[++i];
  }
  return out;
}

// Texts for one format: each conversion gets a plausible token (often valid, often slightly off), then
// some texts are mutated by a character or turned to junk.
class TextGenerator {
 public:
  explicit TextGenerator(unsigned seed) : rng_(seed) {}

  std::string text_for(const std::string& format) {
    if (chance(8)) return junk();
    std::string out;
    if (chance(3)) {  // what date writes for a random instant: valid (names agree), then maybe mutated
      auto day = date::sys_days{date::year{1900 + below(200)} / 1 / 1} + date::days{below(366)};
      auto instant = day + std::chrono::milliseconds{static_cast<std::int64_t>(rng_() % 86400000u)};
      out = date::format(writable(format).c_str(), instant);
      if (chance(3)) mutate(out);
      return out;
    }
    for (size_t i = 0; i < format.size(); ++i) {
      char c = format[i];
      if (c != '%') {
        out += c == ' ' ? spaces() : (chance(30) ? any_char() : std::string(1, c));
        continue;
      }
      size_t j = i + 1;
      int width = 0;
      while (format[j] >= '0' && format[j] <= '9') width = 10 * width + (format[j++] - '0');
      if (format[j] == 'E' || format[j] == 'O') ++j;
      out += width > 0 && chance(2) ? digits(width) : token(format[j]);
      i = j;
    }
    if (chance(4)) mutate(out);
    return out;
  }

 private:
  int below(int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); }
  bool chance(int one_in) { return below(one_in) == 0; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<size_t>(below(static_cast<int>(v.size())))]; }

  std::string any_char() {
    static const std::string chars = "0123456789 -+:./,TZaAmMpP\tx%\n\xe9";
    return std::string(1, chars[static_cast<size_t>(below(static_cast<int>(chars.size())))]);
  }
  std::string spaces() { return pick<std::string>({"", " ", " ", " ", "  ", "\t", " \n", "   "}); }
  std::string junk() {
    std::string s;
    int n = below(14);
    for (int k = 0; k < n; ++k) s += any_char();
    return s;
  }
  void mutate(std::string& s) {
    size_t at = s.empty() ? 0 : static_cast<size_t>(below(static_cast<int>(s.size())));
    switch (below(5)) {
      case 0: if (!s.empty()) s.erase(at, 1); break;
      case 1: s.insert(at, any_char()); break;
      case 2: if (!s.empty()) s[at] = any_char()[0]; break;
      case 3: s += pick<std::string>({" ", "x", "0", "\t"}); break;
      default: s.insert(0, pick<std::string>({" ", "0", "+"})); break;
    }
  }
  // A number in [lo, hi], written with no padding, zero padding to `pad`, an extra zero, or a sign.
  std::string number(int lo, int hi, int pad) {
    int v = lo + below(hi - lo + 1);
    std::string digits = std::to_string(v < 0 ? -v : v);
    switch (below(8)) {
      case 0: break;
      case 1: digits = "0" + digits; break;
      case 2: digits = (v < 0 ? "-" : "+") + digits; return digits;
      default:
        while (static_cast<int>(digits.size()) < pad) digits = "0" + digits;
    }
    return (v < 0 ? "-" : "") + digits;
  }
  // 1 to `width` digits, for a conversion with a width.
  std::string digits(int width) {
    std::string s;
    for (int k = 1 + below(width); k > 0; --k) s += static_cast<char>('0' + below(10));
    return s;
  }
  std::string cased(std::string s) {
    int how = below(4);
    for (char& ch : s) {
      if (how == 1) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (how == 2) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    if (how == 3 && s.size() > 2) s.resize(s.size() - 1 - static_cast<size_t>(below(2)));  // a prefix
    return s;
  }
  std::string seconds() {
    std::string s = number(0, 61, 2);
    switch (below(6)) {
      case 0: s += "." + std::to_string(below(1000)); break;
      case 1: s += "." + std::to_string(below(10)); break;
      case 2: s += ".5"; break;
      case 3: s += "."; break;
      default: break;
    }
    return s;
  }
  std::string offset(bool modified) {
    std::string sign = pick<std::string>({"+", "-", "+", "-", ""});
    std::string h = number(0, 14, 2);
    if (h[0] == '+' || h[0] == '-') h = h.substr(1);
    std::string m = pick<std::string>({"00", "30", "45", "5", ""});
    if (modified && !m.empty() && chance(2)) m = ":" + m;
    return sign + h + m;
  }
  std::string token(char c) {
    static const std::vector<std::string> months = {"January", "Feb", "March", "Apr", "May", "June", "Jul",
                                                    "August", "Sep", "October", "Nov", "December", "Sept", "Ma"};
    static const std::vector<std::string> weekdays = {"Sunday", "Mon", "Tuesday", "Wed", "Thursday", "Fri",
                                                      "Saturday", "Thu", "Thurs", "Su"};
    switch (c) {
      case 'Y': return number(chance(20) ? -50 : 1890, 2105, 4);
      case 'y': return number(0, 105, 2);
      case 'C': return number(17, 22, 2);
      case 'm': return number(0, 13, 2);
      case 'd': case 'e': return number(0, 32, 2);
      case 'H': return number(0, 25, 2);
      case 'I': return number(0, 13, 2);
      case 'M': return number(0, 61, 2);
      case 'S': return seconds();
      case 'j': return number(0, 367, 3);
      case 'p': return cased(pick<std::string>({"AM", "PM", "am", "pm", "Pm", "A", "PMX"}));
      case 'b': case 'B': case 'h': return cased(pick(months));
      case 'a': case 'A': return cased(pick(weekdays));
      case 'z': return chance(50) ? pick<std::string>({"-", "+", "Z", "-x"}) : offset(chance(2));
      case 'F': return number(1890, 2105, 4) + "-" + number(0, 13, 2) + "-" + number(0, 32, 2);
      case 'T': return number(0, 25, 2) + ":" + number(0, 61, 2) + ":" + seconds();
      case 'R': return number(0, 25, 2) + ":" + number(0, 61, 2);
      case 'D': return number(0, 13, 2) + "/" + number(0, 32, 2) + "/" + number(0, 105, 2);
      case 'r': return number(0, 13, 2) + ":" + number(0, 61, 2) + ":" + seconds() + spaces() +
                       pick<std::string>({"AM", "PM", "pm", "P"});
      case 'n': case 't': return pick<std::string>({"", " ", "\t", "  ", "x"});
      case '%': return chance(10) ? "" : "%";
      default: return "?";
    }
  }

  std::mt19937 rng_;
};

// Every supported conversion, modifier and width, the composites, and date's quirks (%t at the end).
const std::vector<std::string> kFormats = {
    "%Y-%m-%d",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%F %T",
    "%FT%T%z",
    "%Y%m%d%H%M%S",
    "%m/%d/%Y %I:%M %p",
    "%D %r",
    "%d %b %Y",
    "%A, %B %e, %Y %R",
    "%a %h %d %T %Y",
    "%Y-%j",
    "%Y %j %m %d",
    "%y%m%d",
    "%d/%m/%y %H.%M",
    "%C%y-%m-%d",
    "%Y-%m-%dT%H:%M:%S%Ez",
    "%Y-%m-%d %H:%M %Oz",
    "%EY/%Om/%Od %OH:%OM:%OS",
    "%OC%Ey-%Om-%Oe",
    "%4Y%2m%2d %2H%2M%6S",
    "%F %H:%M:%4S",
    "%1d.%1m.%3Y",
    "%Y-%m-%d%n%H:%M",
    "%Y-%m-%d%t%H:%M",
    "%Y-%m-%d %H:%M%t",
    "%Y%%%m%%%d",
    "%Y-%m-%d %H %I %p",
    "%Y-%m-%d %I:%M %H",
    "%B %d, %Y at %I:%M:%S %p %z",
    "%Y-%m-%d %S",
    "%d-%b-%y %T",
    "%Y-%m-%d %M",
    "%Y-%m-%d%t5",
    "%Y-%m-%d %a",
    "%e %B %Y",
    "%Y %y %m %d",
    "%3j %Y",
};

TEST(TimeFormatDifferential, AgreesWithDateFromStream) {
  constexpr int kTextsPerFormat = 3000;
  int compared = 0, accepted = 0, skipped = 0, mismatches = 0;
  TextGenerator generate(20251120);
  for (const std::string& format : kFormats) {
    std::string problem;
    auto reader = TimeFormat::compile(format, problem);
    ASSERT_TRUE(reader) << problem;
    int accepted_here = 0;
    for (int k = 0; k < kTextsPerFormat; ++k) {
      const std::string text = generate.text_for(format);
      ParsedFields fields;
      DateParserDefects defects;
      Answer mine;
      mine.ok = reader->read(text, fields, defects);
      if (defects.bad_seconds || defects.offset_minus_no_digits) {
        EXPECT_FALSE(mine.ok) << format << " / '" << text << "'";
        ++skipped;
        continue;
      }
      mine.local_ms = fields.local_ms;
      mine.has_offset = fields.has_offset;
      mine.offset_minutes = fields.offset_minutes;
      const Answer theirs = with_date(format, text);
      ++compared;
      if (mine.ok) ++accepted_here;
      if (!(mine == theirs) && ++mismatches <= 20) {
        ADD_FAILURE() << "format '" << format << "', text '" << text << "': TimeFormat " << mine
                      << ", date::from_stream " << theirs;
      }
    }
    // Each format must have been exercised on valid texts too, not only on rejections.
    EXPECT_GE(accepted_here, kTextsPerFormat / 20) << format;
    accepted += accepted_here;
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GE(compared, static_cast<int>(kFormats.size()) * kTextsPerFormat * 9 / 10);
  EXPECT_LE(skipped, static_cast<int>(kFormats.size()) * kTextsPerFormat / 20);  // few: at most 5 %
  std::cout << "[          ] compared " << compared << " texts (" << accepted << " accepted), skipped " << skipped
            << " that date 3.0.1 would misread\n";
}

}  // namespace
}  // namespace zra::mapping_detail
