#include "mapping/time_format.h"

#include <chrono>
#include <cstdlib>
#include <limits>

#include <date/date.h>

#include "mapping/time_text_input.h"

namespace zra::mapping_detail {
namespace {

using namespace time_text;  // NOLINT: the primitive reads of this file's interpreter

// date 3.0.1's "no value yet" markers: a field read twice must agree, and a value equal to its marker
// counts as not read (e.g. %y of 100 with a width), exactly as in date::from_stream.
constexpr int kNoYear = std::numeric_limits<short>::min();
constexpr int kNo2DigitYear = 100;
constexpr int kNoCentury = kNoYear / 100;
constexpr int kNoMonth = 0;
constexpr int kNoDay = 0;
constexpr int kNoHour = std::numeric_limits<int>::min();
constexpr int kNoHour12 = 0;
constexpr int kNoMinute = kNoHour;
constexpr std::int64_t kNoSecond = std::numeric_limits<std::int64_t>::min();  // milliseconds::min()
constexpr int kNoDayOfYear = -1;
constexpr int kNoWeekday = 8;
constexpr int kNoAmPm = -1;
constexpr std::int64_t kNoOffset = std::numeric_limits<std::int64_t>::min();  // minutes::min()

template <class T>
void checked_set(T& value, T from, T none, Input& in) {
  if (in.fail()) return;
  if (value == none) {
    value = from;
  } else if (value != from) {
    in.set_fail();
  }
}

constexpr std::string_view kWeekdayNames[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
                                              "Friday", "Saturday", "Sun", "Mon", "Tue",
                                              "Wed", "Thu", "Fri", "Sat"};
constexpr std::string_view kMonthNames[] = {"January", "February", "March", "April", "May", "June",
                                            "July", "August", "September", "October", "November", "December",
                                            "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::string_view kAmPmNames[] = {"AM", "PM"};

// Seconds as date keeps them for a milliseconds time_point: rounded to nearest, ties to even. Values
// this large are out of range anyway (date would overflow converting them).
std::int64_t seconds_to_ms(long double seconds) {
  if (seconds > 1e12L) return std::numeric_limits<std::int64_t>::max();
  return date::round<std::chrono::milliseconds>(std::chrono::duration<long double>{seconds}).count();
}

// The fields of one read, named as in date::from_stream.
struct Fields {
  int Y = kNoYear, y = kNo2DigitYear, C = kNoCentury, m = kNoMonth, d = kNoDay, j = kNoDayOfYear;
  int wd = kNoWeekday, H = kNoHour, I = kNoHour12, p = kNoAmPm, M = kNoMinute;
  std::int64_t s = kNoSecond;
  std::int64_t offset = kNoOffset;
};

// The checks and conversions date::from_stream makes after reading, and those of its local_time
// overload (a valid date, a time of day in range). False: date would fail the stream.
bool combine(Fields f, ParsedFields& out) {
  std::int64_t Y = f.Y;
  if (f.y != kNo2DigitYear) {  // %y and an optional %C make the year
    if (!(0 <= f.y && f.y <= 99)) return false;
    std::int64_t C = f.C;
    if (C == kNoCentury) {
      if (Y == kNoYear) {
        C = f.y >= 69 ? 19 : 20;
      } else {
        C = (Y >= 0 ? Y : Y - 100) / 100;
      }
    }
    std::int64_t from_y = C >= 0 ? 100 * C + f.y : 100 * (C + 1) - (f.y == 0 ? 100 : f.y);
    if (Y != kNoYear && Y != from_y) return false;
    Y = from_y;
  }
  if (Y < static_cast<int>(date::year::min()) || Y > static_cast<int>(date::year::max())) Y = kNoYear;
  if (Y == kNoYear) return false;  // date's year{not_a_year} is never ok
  const date::year year{static_cast<int>(Y)};
  if (f.j != kNoDayOfYear) {
    // date counts from January 1st without a bound: 0 is December 31st before, 366 of a common year is
    // January 1st (of the same year: only month and day are taken). Beyond +-2e9 date's int overflows.
    if (f.j > 2000000000 || f.j < -2000000000) return false;
    date::year_month_day trial{date::local_days(year / 1 / 1) + date::days{f.j - 1}};
    if (f.m == kNoMonth) {
      f.m = static_cast<int>(static_cast<unsigned>(trial.month()));
    } else if (date::month(static_cast<unsigned>(f.m)) != trial.month()) {
      return false;
    }
    if (f.d == kNoDay) {
      f.d = static_cast<int>(static_cast<unsigned>(trial.day()));
    } else if (date::day(static_cast<unsigned>(f.d)) != trial.day()) {
      return false;
    }
  }
  const date::year_month_day ymd = year / f.m / f.d;  // date's operators: month and day as unsigned char
  if (!ymd.ok()) return false;
  if (f.wd != kNoWeekday) {
    const int weekday = static_cast<int>((date::weekday(date::sys_days(ymd)) - date::Sunday).count());
    if (f.wd != weekday) return false;
  }
  if (f.I != kNoHour12) {  // %I with %p (or with %H to agree with) makes the hour
    if (!(1 <= f.I && f.I <= 12)) return false;
    if (f.p != kNoAmPm) {
      int p = f.p;
      if (f.I == 12) --p;
      int hour = f.I + p * 12;
      if (f.H == kNoHour) {
        f.H = hour;
      } else if (hour != f.H) {
        return false;
      }
    } else if (f.H != kNoHour) {
      if (f.I == 12 ? (f.H != 0 && f.H != 12) : !(f.I == f.H || f.I == std::int64_t{f.H} + 12)) return false;
    } else {
      return false;  // AM or PM?
    }
  }
  // date's hh_mm_ss: hours from %H (negative: out of range), then minutes and seconds set as read.
  std::int64_t hours = 0, minutes = 0, ms = 0;
  if (f.H != kNoHour) {
    if (f.H < 0) return false;
    hours = f.H;
  }
  if (f.M != kNoMinute) minutes = f.M;  // date only bounds it above: a wrapped negative passes
  if (f.s != kNoSecond) ms = f.s;
  if (hours >= 24 || minutes >= 60 || ms / 1000 >= 60) return false;
  out.local_ms = static_cast<std::int64_t>(date::local_days(ymd).time_since_epoch().count()) * 86400000 +
                 hours * 3600000 + minutes * 60000 + ms;
  out.has_offset = f.offset != kNoOffset;
  out.offset_minutes = out.has_offset ? static_cast<int>(f.offset) : 0;
  return true;
}

// date's fallback for a conversion it does not honour: the text must spell it ("%", width, modifier,
// letter). Only reached at the end of the text (see %t), where it fails like date.
void read_literal_conversion(Input& in, int width, char modifier, char c) {
  read_char(in, '%');
  if (in.good() && width != -1) {
    char digits[12];
    size_t n = 0;
    for (unsigned w = static_cast<unsigned>(width); n == 0 || w > 0; w /= 10) {
      digits[n++] = static_cast<char>('0' + w % 10);
    }
    while (n > 0 && in.good()) read_char(in, digits[--n]);
  }
  if (!in.good()) return;
  if (modifier != '\0') read_char(in, modifier);
  if (!in.fail() && c != '\0') read_char(in, c);
}

// The modifiers date honours on a conversion (C locale): E on %C %y %Y %z, O on %C %y %d %e %H %M %m %S %z.
// With any other, date reads the conversion as literal text.
bool takes_modifier(char c, char modifier) {
  const std::string_view takes = modifier == 'E' ? std::string_view("CyYz") : std::string_view("CydeHMmSz");
  return takes.find(c) != std::string_view::npos;
}

}  // namespace

bool TimeFormat::read(std::string_view text, ParsedFields& out) const {
  const int fast = read_digits_only(text, out);
  if (fast >= 0) return fast == 1;
  return read_fields(text, out, nullptr);
}

bool TimeFormat::read(std::string_view text, ParsedFields& out, DateParserDefects& defects) const {
  defects = DateParserDefects{};
  // A text the fast path reads meets no failing read, hence none of date's defects.
  const int fast = read_digits_only(text, out);
  if (fast >= 0) return fast == 1;
  return read_fields(text, out, &defects);
}

// What read_fields does on such a text, step by step: a literal is read_char, white space is skip_space
// (the stream still good, as the text has not ended), a number is read_signed / read_unsigned /
// read_long_double on plain digits (the same greedy count, the same value: digits alone carry no sign,
// no '.', no wrap-around), then checked_set into a field not set before (a plain assignment: it still holds its marker). The
// same combine() follows.
int TimeFormat::read_digits_only(std::string_view text, ParsedFields& out) const {
  if (digit_steps_.empty()) return -1;
  Fields f;
  const char* p = text.data();
  const char* const end = p + text.size();
  for (const DigitStep& step : digit_steps_) {
    if (p == end) return -1;  // date's eof and fail bits decide from here
    switch (step.kind) {
      case DigitStep::Kind::Literal:
        if (*p != step.literal) return -1;
        ++p;
        break;
      case DigitStep::Kind::Space:
        while (p != end && is_c_space(static_cast<unsigned char>(*p))) ++p;
        break;
      case DigitStep::Kind::Number: {
        if (!is_digit(static_cast<unsigned char>(*p))) return -1;
        int value = 0;
        unsigned count = 0;
        while (p != end && count < step.max_digits && is_digit(static_cast<unsigned char>(*p))) {
          value = 10 * value + (*p - '0');
          ++p;
          ++count;
        }
        switch (step.field) {
          case DigitStep::Field::Y: f.Y = value; break;
          case DigitStep::Field::y: f.y = value; break;
          case DigitStep::Field::m: f.m = value; break;
          case DigitStep::Field::d: f.d = value; break;
          case DigitStep::Field::H: f.H = value; break;
          case DigitStep::Field::M: f.M = value; break;
          case DigitStep::Field::S:
            if (count < step.max_digits && p != end && *p == '.') return -1;  // a fraction: read_long_double
            f.s = std::int64_t{value} * 1000;
            break;
        }
        break;
      }
    }
  }
  if (p != end) return -1;
  return combine(f, out) ? 1 : 0;
}

// date::from_stream's loop over the format, conversion by conversion, on the C-locale branches, with
// the same state (command, width, modifier). It interprets the format at read time because date's own
// reading of the format depends on the text: at the end of the text %t leaves its '%' pending, so the
// next character of the format is read as a conversion.
bool TimeFormat::read_fields(std::string_view text, ParsedFields& out, DateParserDefects* defects) const {
  Input in(text);
  Fields f;
  bool command = false;
  char modified = '\0';
  int width = -1;
  auto digits_or = [&width](unsigned standard) { return width == -1 ? standard : static_cast<unsigned>(width); };
  auto note_bad_seconds = [&in, defects] {
    if (in.fail() && defects != nullptr) defects->bad_seconds = true;
  };
  // "hh:mm:ss" of %T and %r into `hour` (%H or %I), minutes and seconds; the hour unsigned, unchecked.
  auto read_clock = [&](int& hour_field, int no_hour) {
    int hour = static_cast<int>(read_unsigned(in, 1, 2));
    if (!in.fail()) read_char(in, ':');
    int minute = in.fail() ? 0 : static_cast<int>(read_unsigned(in, 1, 2));
    if (!in.fail()) read_char(in, ':');
    long double seconds = in.fail() ? 0 : read_long_double(in, 1, 6);
    note_bad_seconds();
    checked_set(hour_field, hour, no_hour, in);
    checked_set(f.M, minute, kNoMinute, in);
    if (!in.fail()) checked_set(f.s, seconds_to_ms(seconds), kNoSecond, in);
  };
  for (const char* fmt = format_.c_str(); *fmt != '\0' && !in.fail(); ++fmt) {
    char c = *fmt;
    if (!command) {
      if (c == '%') {
        command = true;
      } else if (is_c_space(static_cast<unsigned char>(c))) {
        if (in.good()) skip_space(in);  // white space in the format: any amount, none included
      } else {
        read_char(in, c);
      }
      continue;
    }
    bool done = true;  // the conversion is complete (command, width and modifier reset)
    if (modified != '\0' && !takes_modifier(c, modified)) {
      read_literal_conversion(in, width, modified, c);  // date reads "%Od" and the like as their own text
      c = '\0';  // handled: nothing below matches
    }
    switch (c) {
      case '\0':
        break;
      case 'a':
      case 'A': {
        size_t k = scan_keyword(in, kWeekdayNames, std::size(kWeekdayNames));
        if (!in.fail()) checked_set(f.wd, static_cast<int>(k % 7), kNoWeekday, in);
        break;
      }
      case 'b':
      case 'B':
      case 'h': {
        size_t k = scan_keyword(in, kMonthNames, std::size(kMonthNames));
        checked_set(f.m, static_cast<int>(k % 12 + 1), kNoMonth, in);
        break;
      }
      case 'C': {
        int century = read_signed(in, 1, digits_or(2));
        checked_set(f.C, century, kNoCentury, in);
        break;
      }
      case 'D': {
        int month = static_cast<int>(read_unsigned(in, 1, 2));
        if (!in.fail()) read_char(in, '/');
        int day = in.fail() ? 0 : static_cast<int>(read_unsigned(in, 1, 2));
        if (!in.fail()) read_char(in, '/');
        int year = in.fail() ? 0 : read_signed(in, 1, 2);
        checked_set(f.y, year, kNo2DigitYear, in);
        checked_set(f.m, month, kNoMonth, in);
        checked_set(f.d, day, kNoDay, in);
        break;
      }
      case 'F': {
        int year = read_signed(in, 1, digits_or(4));
        if (!in.fail()) read_char(in, '-');
        int month = in.fail() ? 0 : static_cast<int>(read_unsigned(in, 1, 2));
        if (!in.fail()) read_char(in, '-');
        int day = in.fail() ? 0 : static_cast<int>(read_unsigned(in, 1, 2));
        checked_set(f.Y, year, kNoYear, in);
        checked_set(f.m, month, kNoMonth, in);
        checked_set(f.d, day, kNoDay, in);
        break;
      }
      case 'd':
      case 'e': {
        int day = read_signed(in, 1, digits_or(2));
        checked_set(f.d, day, kNoDay, in);
        break;
      }
      case 'H': {
        int hour = static_cast<int>(read_unsigned(in, 1, digits_or(2)));
        checked_set(f.H, hour, kNoHour, in);
        break;
      }
      case 'I': {
        int hour = read_signed(in, 1, digits_or(2));
        if (in.fail()) hour = kNoHour12;
        if (!(1 <= hour && hour <= 12)) in.set_fail();
        checked_set(f.I, hour, kNoHour12, in);
        break;
      }
      case 'j': {
        int day_of_year = static_cast<int>(read_unsigned(in, 1, digits_or(3)));
        checked_set(f.j, day_of_year, kNoDayOfYear, in);
        break;
      }
      case 'M': {
        int minute = static_cast<int>(read_unsigned(in, 1, digits_or(2)));
        checked_set(f.M, minute, kNoMinute, in);
        break;
      }
      case 'm': {
        int month = read_signed(in, 1, digits_or(2));
        checked_set(f.m, month, kNoMonth, in);
        break;
      }
      case 'n':
      case 't': {
        int next = in.peek();
        if (next == Input::kEnd) {
          if (c == 'n') in.set_fail();
          done = false;  // date leaves the conversion pending here (its `break` skips the reset)
        } else if (is_c_space(next)) {
          in.skip();
        } else if (c == 'n') {
          in.set_fail();
        }
        break;
      }
      case 'p': {
        int k = static_cast<int>(scan_keyword(in, kAmPmNames, std::size(kAmPmNames)));
        checked_set(f.p, k, kNoAmPm, in);
        break;
      }
      case 'r': {
        // %I:%M:%S %p, the hour read without a sign or range check
        read_clock(f.I, kNoHour12);
        skip_space_or_fail(in);
        int k = static_cast<int>(scan_keyword(in, kAmPmNames, std::size(kAmPmNames)));
        checked_set(f.p, k, kNoAmPm, in);
        break;
      }
      case 'R': {
        int hour = static_cast<int>(read_unsigned(in, 1, 2));
        if (!in.fail()) read_char(in, ':');
        int minute = in.fail() ? 0 : static_cast<int>(read_unsigned(in, 1, 2));
        checked_set(f.H, hour, kNoHour, in);
        checked_set(f.M, minute, kNoMinute, in);
        break;
      }
      case 'S': {
        // for milliseconds date reads up to 6 characters: "59.999", "5.1234"
        long double seconds = read_long_double(in, 1, digits_or(6));
        note_bad_seconds();
        if (!in.fail()) checked_set(f.s, seconds_to_ms(seconds), kNoSecond, in);
        break;
      }
      case 'T':
        read_clock(f.H, kNoHour);
        break;
      case 'Y': {
        int year = read_signed(in, 1, digits_or(4));
        checked_set(f.Y, year, kNoYear, in);
        break;
      }
      case 'y': {
        int year = static_cast<int>(read_unsigned(in, 1, digits_or(2)));
        checked_set(f.y, year, kNo2DigitYear, in);
        break;
      }
      case 'E':
      case 'O':
        modified = c;
        done = false;
        break;
      case '%': {
        read_char(in, '%');
        break;
      }
      case 'z': {
        // +hh[mm] (with E or O: +h[h][:mm]); the sign is optional; date reads '-' before the hours.
        const bool negative = in.peek() == '-';
        std::int64_t offset = kNoOffset;
        int hours = read_signed(in, modified == '\0' ? 2 : 1, 2);
        if (!in.fail()) offset = std::abs(hours) * 60;
        if (in.good()) {
          int next = in.peek();
          if (modified == '\0' ? is_digit(next) : next == ':') {
            if (modified != '\0') in.skip();
            int minutes = static_cast<int>(read_unsigned(in, 2, 2));
            if (!in.fail()) offset += minutes;
          }
        }
        if (negative) {
          if (offset == kNoOffset) {
            if (defects != nullptr) defects->offset_minus_no_digits = true;
          } else {
            offset = -offset;
          }
        }
        checked_set(f.offset, offset, kNoOffset, in);
        break;
      }
      case 'c': case 'x': case 'X': case 'u': case 'w': case 'U': case 'V': case 'W': case 'g': case 'G':
      case 'Z':
        // Refused by compile; reached only as the conversion %t leaves pending at the end of the text,
        // where date fails them all (each needs text).
        in.set_fail();
        break;
      default:
        if (width == -1 && modified == '\0' && is_digit(c)) {
          width = c - '0';
          while (is_digit(fmt[1])) width = 10 * width + (*++fmt - '0');  // compile bounds it to 2 digits
          done = false;
        } else {
          read_literal_conversion(in, width, modified, c);
        }
        break;
    }
    if (done) {
      command = false;
      width = -1;
      modified = '\0';
    }
  }
  if (in.good() && command) read_literal_conversion(in, width, modified, '\0');  // a '%' left at the end
  if (in.fail() || !in.at_end()) return false;  // the mapping wants the whole text
  return combine(f, out);
}

}  // namespace zra::mapping_detail
