// TimeFormat, conversion by conversion: what each accepts (with the exact value), what it rejects, and
// the formats refused when a mapping is compiled. time_format_differential_test.cpp checks the same
// against date::from_stream on generated texts.
#include "mapping/time_format.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <utility>
#include <string>
#include <vector>

#include <date/date.h>

namespace zra::mapping_detail {
namespace {

// "2025-11-20 13:45:56.000", with " +0530" when the text gave an offset; "rejected" when it did not read.
std::string read_as_text(const std::string& format, const std::string& text) {
  std::string problem;
  auto reader = TimeFormat::compile(format, problem);
  if (!reader) return "format refused: " + problem;
  ParsedFields f;
  if (!reader->read(text, f)) return "rejected";
  std::string out =
      date::format("%F %T", date::local_time<std::chrono::milliseconds>{std::chrono::milliseconds{f.local_ms}});
  if (f.has_offset) {
    int m = f.offset_minutes < 0 ? -f.offset_minutes : f.offset_minutes;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%c%02d%02d", f.offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
    out += std::string(" ") + buf;
  }
  return out;
}

struct Case {
  const char* format;
  const char* text;
  const char* expected;  // read_as_text's answer
};

void expect_all(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(read_as_text(c.format, c.text), c.expected) << "format '" << c.format << "', text '" << c.text << "'";
  }
}

constexpr const char* kRejected = "rejected";

TEST(TimeFormat, YearMonthDayDigits) {
  expect_all({
      {"%Y-%m-%d", "2025-11-20", "2025-11-20 00:00:00.000"},
      {"%Y-%m-%d", "2025-1-2", "2025-01-02 00:00:00.000"},
      {"%Y-%m-%d", "25-1-2", "0025-01-02 00:00:00.000"},        // %Y: 1 to 4 digits
      {"%Y-%m-%d", "+2025-01-02", "2025-01-02 00:00:00.000"},   // %Y, %m, %d take a sign
      {"%Y-%m-%d", "20255-01-02", kRejected},                  // 4 digits, then '5' is not '-'
      {"%Y-%m-%d", "2025-13-01", kRejected},
      {"%Y-%m-%d", "2025-00-01", kRejected},
      {"%Y-%m-%d", "2025-02-29", kRejected},
      {"%Y-%m-%d", "2024-02-29", "2024-02-29 00:00:00.000"},
      {"%Y-%m-%d", "2025-04-31", kRejected},
      {"%Y-%m-%d", "2025-11-20 ", kRejected},                  // the whole text must match
      {"%Y-%m-%d", " 2025-11-20", kRejected},                  // no leading white space either
      {"%Y-%m-%d", "2025-011-20", kRejected},
      {"%d.%m.%Y", "20.11.2025", "2025-11-20 00:00:00.000"},
      {"%e.%m.%Y", "5.11.2025", "2025-11-05 00:00:00.000"},
      {"%e.%m.%Y", " 5.11.2025", kRejected},                   // %e reads like %d: no leading space
      {"%Y%m%d", "20251120", "2025-11-20 00:00:00.000"},
      {"%Y%m%d", "2025112", "2025-11-02 00:00:00.000"},
  });
}

TEST(TimeFormat, TwoDigitYearAndCentury) {
  expect_all({
      {"%y-%m-%d", "68-01-02", "2068-01-02 00:00:00.000"},     // pivot: 00-68 -> 20xx, 69-99 -> 19xx
      {"%y-%m-%d", "69-01-02", "1969-01-02 00:00:00.000"},
      {"%y-%m-%d", "5-01-02", "2005-01-02 00:00:00.000"},
      {"%y-%m-%d", "-5-01-02", kRejected},                     // %y takes no sign
      {"%C%y-%m-%d", "1905-01-02", "1905-01-02 00:00:00.000"},
      {"%C%y-%m-%d", "2169-01-02", "2169-01-02 00:00:00.000"},
      {"%Y %y-%m-%d", "2025 25-01-02", "2025-01-02 00:00:00.000"},
      {"%Y %y-%m-%d", "2025 24-01-02", kRejected},             // must agree
      {"%3y-%m-%d", "100-01-02", kRejected},                   // date's "no %y" marker: no year at all
      {"%3y-%m-%d", "101-01-02", kRejected},
  });
}

TEST(TimeFormat, HoursMinutesSecondsAndMilliseconds) {
  expect_all({
      {"%F %H:%M", "2025-11-20 7:05", "2025-11-20 07:05:00.000"},
      {"%F %H:%M", "2025-11-20 24:00", kRejected},
      {"%F %H:%M", "2025-11-20 23:60", kRejected},
      {"%F %H:%M", "2025-11-20 -1:00", kRejected},
      {"%F %T", "2025-11-20 13:45:56", "2025-11-20 13:45:56.000"},
      {"%F %T", "2025-11-20 13:45:60", kRejected},              // no leap second
      {"%F %T", "2025-11-20 13:45:56.5", "2025-11-20 13:45:56.500"},
      {"%F %T", "2025-11-20 13:45:56.123", "2025-11-20 13:45:56.123"},
      {"%F %T", "2025-11-20 13:45:5.1236", "2025-11-20 13:45:05.124"},   // 6 characters, rounded
      {"%F %T", "2025-11-20 13:45:5.1235", "2025-11-20 13:45:05.124"},   // to even on a tie
      {"%F %T", "2025-11-20 13:45:56.1234", kRejected},         // 7 characters: '4' left over
      {"%F %T", "2025-11-20 13:45:56.", "2025-11-20 13:45:56.000"},
      {"%F %T", "2025-11-20 13:45:.5", "2025-11-20 13:45:00.500"},
      {"%F %H:%M:%7S", "2025-11-20 13:45:59.9999", kRejected},  // rounds to 60 s
      {"%F %H:%M:%7S", "2025-11-20 13:45:59.9994", "2025-11-20 13:45:59.999"},
      {"%F %R", "2025-11-20 13:45", "2025-11-20 13:45:00.000"},
      {"%F %R", "2025-11-20 13:45:00", kRejected},
      {"%F %S", "2025-11-20 7", "2025-11-20 00:00:07.000"},
      {"%F %M", "2025-11-20 7", "2025-11-20 00:07:00.000"},
      {"%F %H", "2025-11-20 7", "2025-11-20 07:00:00.000"},
      {"%F %H %H", "2025-11-20 7 07", "2025-11-20 07:00:00.000"},
      {"%F %H %H", "2025-11-20 7 08", kRejected},
  });
}

TEST(TimeFormat, TwelveHourClock) {
  expect_all({
      {"%m/%d/%Y %I:%M %p", "11/20/2025 01:45 PM", "2025-11-20 13:45:00.000"},
      {"%m/%d/%Y %I:%M %p", "11/20/2025 12:05 am", "2025-11-20 00:05:00.000"},
      {"%m/%d/%Y %I:%M %p", "11/20/2025 12:05 pM", "2025-11-20 12:05:00.000"},
      {"%m/%d/%Y %I:%M %p", "11/20/2025 13:05 PM", kRejected},
      {"%m/%d/%Y %I:%M %p", "11/20/2025 00:05 AM", kRejected},
      {"%m/%d/%Y %I:%M %p", "11/20/2025 1:05 P", kRejected},
      {"%m/%d/%Y %I:%M %p", "11/20/2025 1:05 PMX", kRejected},
      {"%m/%d/%Y %I:%M%p", "11/20/2025 1:05pm", "2025-11-20 13:05:00.000"},
      {"%F %I:%M", "2025-11-20 1:05", kRejected},               // AM or PM?
      {"%F %H %I", "2025-11-20 1 1", "2025-11-20 01:00:00.000"},
      {"%F %H %I", "2025-11-20 12 12", "2025-11-20 12:00:00.000"},
      {"%F %H %I", "2025-11-20 13 1", kRejected},               // date's check: I == H or I == H + 12
      {"%F %r", "2025-11-20 01:45:56 PM", "2025-11-20 13:45:56.000"},
      {"%F %r", "2025-11-20 01:45:56PM", "2025-11-20 13:45:56.000"},
      {"%F %r", "2025-11-20 00:45:56 PM", "2025-11-20 00:45:56.000"},  // date: hour 0 counts as none
  });
}

TEST(TimeFormat, MonthAndWeekdayNames) {
  expect_all({
      {"%d %b %Y", "20 Nov 2025", "2025-11-20 00:00:00.000"},
      {"%d %b %Y", "20 november 2025", "2025-11-20 00:00:00.000"},
      {"%d %B %Y", "20 NOV 2025", "2025-11-20 00:00:00.000"},
      {"%d %h %Y", "1 May 2025", "2025-05-01 00:00:00.000"},
      {"%d %b %Y", "1 Marc 2025", kRejected},
      {"%d %b %Y", "1 Sept 2025", kRejected},
      {"%d %b%Y", "1 Mar2025", "2025-03-01 00:00:00.000"},
      {"%a %d %b %Y", "Thu 20 Nov 2025", "2025-11-20 00:00:00.000"},
      {"%A %d %b %Y", "thursday 20 Nov 2025", "2025-11-20 00:00:00.000"},
      {"%a %d %b %Y", "Fri 20 Nov 2025", kRejected},            // the weekday must agree
      {"%a %d %b %Y", "Thurs 20 Nov 2025", kRejected},
  });
}

TEST(TimeFormat, DayOfYear) {
  expect_all({
      {"%Y-%j", "2025-324", "2025-11-20 00:00:00.000"},
      {"%Y-%j", "2024-60", "2024-02-29 00:00:00.000"},
      {"%Y-%j", "2025-366", "2025-01-01 00:00:00.000"},  // date: next January 1st, in the same year
      {"%Y-%j", "2025-000", "2025-12-31 00:00:00.000"},  // and day 0: December 31st
      {"%Y-%j %m/%d", "2025-324 11/20", "2025-11-20 00:00:00.000"},
      {"%Y-%j %m/%d", "2025-324 11/21", kRejected},      // must agree
  });
}

TEST(TimeFormat, Offsets) {
  expect_all({
      {"%F %T %z", "2025-11-20 13:45:56 +0530", "2025-11-20 13:45:56.000 +0530"},
      {"%F %T %z", "2025-11-20 13:45:56 -05", "2025-11-20 13:45:56.000 -0500"},
      {"%F %T %z", "2025-11-20 13:45:56 0100", "2025-11-20 13:45:56.000 +0100"},
      {"%F %T %z", "2025-11-20 13:45:56 +5", kRejected},
      {"%F %T %z", "2025-11-20 13:45:56 +053", kRejected},
      {"%F %T %z", "2025-11-20 13:45:56 +05:30", kRejected},
      {"%F %T %z", "2025-11-20 13:45:56 -", kRejected},   // finding 16's text: rejected, no UB
      {"%F %T %z", "2025-11-20 13:45:56 Z", kRejected},
      {"%F %T %Ez", "2025-11-20 13:45:56 +05:30", "2025-11-20 13:45:56.000 +0530"},
      {"%F %T %Ez", "2025-11-20 13:45:56 -5", "2025-11-20 13:45:56.000 -0500"},
      {"%F %T %Oz", "2025-11-20 13:45:56 +0530", kRejected},
      {"%F %T %z %z", "2025-11-20 13:45:56 +01 +0100", "2025-11-20 13:45:56.000 +0100"},
  });
}

TEST(TimeFormat, CompositesWhiteSpaceAndLiterals) {
  expect_all({
      {"%D", "11/20/25", "2025-11-20 00:00:00.000"},
      {"%D %R", "1/2/99 3:04", "1999-01-02 03:04:00.000"},
      {"%F", "2025-11-20", "2025-11-20 00:00:00.000"},
      {"%Y-%m-%d %H:%M", "2025-11-20    13:45", "2025-11-20 13:45:00.000"},  // a space: any white space
      {"%Y-%m-%d %H:%M", "2025-11-2013:45", "2025-11-20 13:45:00.000"},  // ...or none (%d reads 2 digits)
      {"%Y-%m-%d %H:%M", "2025-11-20\t13:45", "2025-11-20 13:45:00.000"},
      {"%Y-%m-%d%n%H:%M", "2025-11-20\n13:45", "2025-11-20 13:45:00.000"},
      {"%Y-%m-%d%n%H:%M", "2025-11-2013:45", kRejected},  // %n: exactly one white space character
      {"%Y-%m-%d%n%H:%M", "2025-11-20  13:45", kRejected},
      {"%Y-%m-%d%t%H:%M", "2025-11-2013:45", "2025-11-20 13:45:00.000"},  // %t: none or one
      {"%Y-%m-%d%t%H:%M", "2025-11-20  13:45", kRejected},
      {"%Y-%m-%d%t%H:%M", "2025-11-20 13:45", "2025-11-20 13:45:00.000"},
      {"%Y%%%m%%%d", "2025%11%20", "2025-11-20 00:00:00.000"},
      {"%Y-%m-%dT%H", "2025-11-20t13", kRejected},        // literals are case-sensitive
      {"%Y-%m-%d%t5", "2025-11-20", "2025-11-20 00:00:00.000"},  // date's %t at the end of the text
      {"%Y-%m-%d%t5", "2025-11-20 5", "2025-11-20 00:00:00.000"},
  });
}

TEST(TimeFormat, ModifiersAndWidths) {
  expect_all({
      {"%EY-%Om-%Od %OH:%OM:%OS", "2025-11-20 13:45:56", "2025-11-20 13:45:56.000"},
      {"%OC%Ey-%m-%e", "2025-11-20", "2025-11-20 00:00:00.000"},
      {"%2d%2m%4Y", "20112025", "2025-11-20 00:00:00.000"},
      {"%1d.%1m.%3Y", "2.3.999", "0999-03-02 00:00:00.000"},
      {"%1d.%1m.%3Y", "20.3.999", kRejected},
      {"%6Y-%m-%d", "002025-11-20", "2025-11-20 00:00:00.000"},
      {"%F %H:%M:%2S", "2025-11-20 13:45:5.5", kRejected},   // 2 characters: "5." then "5" left over
      {"%F %H:%M:%9S", "2025-11-20 13:45:5.12345", "2025-11-20 13:45:05.123"},
      {"%5F", "02025-11-20", "2025-11-20 00:00:00.000"},
      {"%2j %Y", "60 2024", "2024-02-29 00:00:00.000"},
  });
}

TEST(TimeFormat, ThreadSafeAndReusable) {
  std::string problem;
  auto reader = TimeFormat::compile("%m/%d/%Y %I:%M %p", problem);
  ASSERT_TRUE(reader) << problem;
  ParsedFields a, b;
  ASSERT_TRUE(reader->read("11/20/2025 01:45 PM", a));
  ASSERT_FALSE(reader->read("11/20/2025 01:45", b));
  ASSERT_TRUE(reader->read("11/20/2025 01:45 AM", b));
  EXPECT_EQ(a.local_ms - b.local_ms, 12 * 3600 * 1000);
  EXPECT_FALSE(a.has_offset);
}

// Plain formats (digits, literals, white space) are read on a fast path; a width equal to the standard
// one means the same to date but sends the format through the general reader. Both must agree on every
// text: digits of every length, signs, fractions, extra or missing white space, text that ends early.
TEST(TimeFormat, PlainFormatFastPathAgreesWithTheGeneralReader) {
  const std::vector<std::pair<std::string, std::string>> formats = {
      {"%m/%d/%Y %H:%M", "%2m/%2d/%4Y %2H:%2M"},
      {"%Y-%m-%d %H:%M:%S", "%4Y-%2m-%2d %2H:%2M:%6S"},
      {"%Y%m%d%H%M%S", "%4Y%2m%2d%2H%2M%6S"},
      {"%d.%m.%y", "%2d.%2m.%2y"},
      {"%e %m %Y ", "%2e %2m %4Y "},
  };
  const std::string alphabet = "0123456789012345678901234567890123456789/-.: :+-\tx";
  std::mt19937 rng(7);
  int compared = 0, accepted = 0;
  for (const auto& [fast, general] : formats) {
    std::string problem;
    auto fast_reader = TimeFormat::compile(fast, problem);
    auto general_reader = TimeFormat::compile(general, problem);
    ASSERT_TRUE(fast_reader && general_reader) << problem;
    for (int k = 0; k < 4000; ++k) {
      // Half the texts are what the format writes with one character changed, half random.
      std::string text;
      if (k % 2 == 0) {
        text = date::format(fast.c_str(), date::sys_seconds{std::chrono::seconds{rng() % 4000000000u}});
        if (k % 4 == 0) text[rng() % text.size()] = alphabet[rng() % alphabet.size()];
        if (k % 8 == 2) text.erase(rng() % text.size(), 1);
        if (k % 16 == 6) text.insert(rng() % (text.size() + 1), 1, alphabet[rng() % alphabet.size()]);
      } else {
        for (size_t n = rng() % 24; n > 0; --n) text += alphabet[rng() % alphabet.size()];
      }
      ParsedFields a, b;
      const bool a_ok = fast_reader->read(text, a);
      const bool b_ok = general_reader->read(text, b);
      ASSERT_EQ(a_ok, b_ok) << "'" << fast << "' vs '" << general << "' on '" << text << "'";
      if (a_ok) {
        ASSERT_EQ(a.local_ms, b.local_ms) << "'" << fast << "' on '" << text << "'";
        ASSERT_EQ(a.has_offset, b.has_offset);
        ++accepted;
      }
      ++compared;
    }
  }
  EXPECT_GE(accepted, compared / 5);  // valid texts are exercised, not only rejections
  expect_all({
      {"%m/%d/%Y %H:%M", "+3/4/2025 9:05", "2025-03-04 09:05:00.000"},   // a sign: date's read_signed takes it
      {"%m/%d/%Y %H:%M", "3/4/2025    9:05", "2025-03-04 09:05:00.000"},
      {"%m/%d/%Y %H:%M", "3/4/2025 9:05 ", kRejected},
      {"%m/%d/%Y %H:%M", "3/4/20251 9:05", kRejected},
      {"%m/%d/%Y %H:%M", "00/10/2025 10:00", kRejected},
      {"%m/%d/%Y %H:%M", "2/29/2025 10:00", kRejected},
      {"%m/%d/%Y %H:%M", "12/31/2025 24:00", kRejected},
      {"%Y-%m-%d %H:%M:%S", "2025-01-02 03:04:05.5", "2025-01-02 03:04:05.500"},
      {"%Y-%m-%d %H:%M:%S", "2025-01-02 03:04:60", kRejected},
      {"%Y-%m-%d ", "2025-01-02", "2025-01-02 00:00:00.000"},  // trailing format space at the text's end
      {"%Y%m%d%H%M%S", "20251120134556", "2025-11-20 13:45:56.000"},
  });
}

TEST(TimeFormat, DefectsDateWouldMeetAreReported) {
  std::string problem;
  auto seconds = TimeFormat::compile("%F %T", problem);
  auto offset = TimeFormat::compile("%F %z", problem);
  ASSERT_TRUE(seconds && offset);
  ParsedFields f;
  DateParserDefects defects;
  EXPECT_FALSE(seconds->read("0001-01-01 00:00:0a", f, defects));  // finding 13's text (0a is read as 0)
  EXPECT_FALSE(defects.bad_seconds);
  EXPECT_FALSE(seconds->read("0001-01-01 00:00:a", f, defects));
  EXPECT_TRUE(defects.bad_seconds);
  EXPECT_FALSE(seconds->read("0001-01-01 00:x", f, defects));
  EXPECT_TRUE(defects.bad_seconds);
  EXPECT_FALSE(offset->read("2025-11-20 -", f, defects));
  EXPECT_TRUE(defects.offset_minus_no_digits);
  EXPECT_FALSE(offset->read("2025-11-20 -0", f, defects));
  EXPECT_TRUE(defects.offset_minus_no_digits);
  EXPECT_FALSE(offset->read("2025-11-20 -01:", f, defects));
  EXPECT_FALSE(defects.offset_minus_no_digits);
}

std::string refusal(const std::string& format) {
  std::string problem;
  auto reader = TimeFormat::compile(format, problem);
  return reader ? "compiled" : problem;
}

TEST(TimeFormat, RefusedConversionsNameTheConversionAndTheFormat) {
  const std::string supported = std::string(" is not supported (supported: ") + TimeFormat::supported() + ")";
  for (const char* conversion : {"%c", "%x", "%X", "%U", "%W", "%V", "%G", "%g", "%u", "%w"}) {
    std::string format = std::string("%Y-%m-%d ") + conversion;
    EXPECT_EQ(refusal(format), "conversion '" + std::string(conversion) + "' in format '" + format + "'" + supported);
  }
  EXPECT_EQ(refusal("%Y-%U"), "conversion '%U' in format '%Y-%U'" + supported);
  EXPECT_EQ(TimeFormat::supported(),
            std::string("%Y %y %C %m %d %e %H %I %M %S %p %b %B %h %a %A %j %z %F %T %R %D %r %n %t %%"));
  EXPECT_EQ(refusal("%F %T %Z"),
            "conversion '%Z' in format '%F %T %Z' is not supported: a time zone abbreviation such as CST names no "
            "single offset (use %z for an offset in the text, or the field's timezone)");
  EXPECT_EQ(refusal("%d.%Q.%Y"), "unknown conversion '%Q' in format '%d.%Q.%Y'");
  EXPECT_EQ(refusal("%F %EE"), "unknown conversion '%EE' in format '%F %EE'");
  EXPECT_EQ(refusal("%E4Y"), "unknown conversion '%E4' in format '%E4Y'");
}

TEST(TimeFormat, RefusedModifiersAndWidths) {
  const std::string modifiers =
      " is not supported (the E and O modifiers apply only to %EY %Ey %EC %Ez %Od %Oe %OH %OM %Om %OS %Oy %OC %Oz)";
  EXPECT_EQ(refusal("%OY-%m-%d"), "conversion '%OY' in format '%OY-%m-%d'" + modifiers);
  EXPECT_EQ(refusal("%F %Ea"), "conversion '%Ea' in format '%F %Ea'" + modifiers);
  EXPECT_EQ(refusal("%F %EH"), "conversion '%EH' in format '%F %EH'" + modifiers);
  EXPECT_EQ(refusal("%F %E%"), "conversion '%E%' in format '%F %E%'" + modifiers);
  const std::string widths = " is not supported (a width applies only to %Y %y %C %m %d %e %H %I %M %S %j %F)";
  EXPECT_EQ(refusal("%d %5b %Y"), "field width in '%5b' in format '%d %5b %Y'" + widths);
  EXPECT_EQ(refusal("%F %2T"), "field width in '%2T' in format '%F %2T'" + widths);
  EXPECT_EQ(refusal("%F %2%"), "field width in '%2%' in format '%F %2%'" + widths);
  EXPECT_EQ(refusal("%0Y-%m-%d"), "field width '%0Y' in format '%0Y-%m-%d' must be 1 to 99");
  EXPECT_EQ(refusal("%00d"), "field width '%00d' in format '%00d' must be 1 to 99");
  EXPECT_EQ(refusal("%d.%m.%4444444444Y"),
            "field width '%4444444444Y' in format '%d.%m.%4444444444Y' is too wide (at most 2 digits, e.g. %4Y)");
  EXPECT_EQ(refusal("%F %"), "format '%F %' ends with an incomplete conversion");
  EXPECT_EQ(refusal("%F %E"), "format '%F %E' ends with an incomplete conversion");
  EXPECT_EQ(refusal("%F %12"), "format '%F %12' ends with an incomplete conversion");
  const std::string with_nul("%F\0%T", 5);
  EXPECT_EQ(refusal(with_nul), "format '" + with_nul + "' contains a NUL character");
  EXPECT_EQ(refusal("%99Y%2d%OS%EY"), "compiled");
}

}  // namespace
}  // namespace zra::mapping_detail
