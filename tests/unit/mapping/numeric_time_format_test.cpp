// The fast reader of all-numeric date formats must agree with date::parse whenever it answers.
#include "mapping/numeric_time_format.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include <date/date.h>

namespace zra::mapping_detail {
namespace {

using LocalMs = date::local_time<std::chrono::milliseconds>;

std::optional<LocalMs> with_date_parse(const std::string& format, const std::string& text) {
  std::istringstream in(text);
  LocalMs t;
  date::from_stream(in, format.c_str(), t);
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
  return t;
}

std::optional<LocalMs> with_fast_reader(const NumericTimeFormat& f, const std::string& text) {
  LocalFields l;
  if (!f.read(text, l)) return std::nullopt;
  date::year_month_day ymd{date::year{l.year}, date::month{static_cast<unsigned>(l.month)},
                           date::day{static_cast<unsigned>(l.day)}};
  return LocalMs{date::local_days{ymd}} + std::chrono::hours{l.hour} + std::chrono::minutes{l.minute} +
         std::chrono::seconds{l.second} + std::chrono::milliseconds{l.millisecond};
}

TEST(NumericTimeFormat, CompilesOnlyNumericConversions) {
  for (const char* f : {"%m/%d/%Y %H:%M", "%d.%m.%Y", "%F %T", "%Y%m%d%H%M%S", "%FT%R", "%d %% %m %Y"}) {
    EXPECT_TRUE(NumericTimeFormat::compile(f).has_value()) << f;
  }
  for (const char* f : {"%b %d %Y", "%d.%m.%Y %z", "%4Y-%m-%d", "%Ey", "%y-%m-%d", "%e.%m.%Y", "%Y-%m-%d %I %p", "%"}) {
    EXPECT_FALSE(NumericTimeFormat::compile(f).has_value()) << f;
  }
}

TEST(NumericTimeFormat, ReadsWhatItShould) {
  auto f = NumericTimeFormat::compile("%m/%d/%Y %H:%M");
  ASSERT_TRUE(f);
  LocalFields l;
  ASSERT_TRUE(f->read("7/4/2025 9:05", l));
  EXPECT_EQ(l.year, 2025);
  EXPECT_EQ(l.month, 7);
  EXPECT_EQ(l.day, 4);
  EXPECT_EQ(l.hour, 9);
  EXPECT_EQ(l.minute, 5);
  EXPECT_FALSE(f->read("02/30/2025 09:05", l));  // no such day
  EXPECT_FALSE(f->read("11/20/2025 24:00", l));
  EXPECT_FALSE(f->read("11/20/2025 09:05 ", l));
}

TEST(NumericTimeFormat, AgreesWithDateParseWheneverItAnswers) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"%m/%d/%Y %H:%M", {"11/20/2025 07:00", "1/2/2025 3:04", "11/20/2025  07:00", "11/20/2025 07:00:00", "11/20/25 7:00",
                          "11/20/2025", "111/20/2025 07:00", "02/29/2024 00:00", "02/29/2025 00:00", "11-20-2025 07:00"}},
      {"%d.%m.%Y", {"20.11.2025", "1.2.2025", "31.02.2025", "20.11.20255", "20.11.", "20.11.0001", "00.11.2025"}},
      {"%F %T", {"2025-11-20 12:00:00", "2025-11-20 12:00:00.5", "2025-11-20 12:00:00.123", "2025-11-20 12:00:60",
                 "2025-11-20T12:00:00", "2025-1-2 3:4:5"}},
      {"%Y%m%d%H%M%S", {"20251120120005", "2025112012000", "20251120120005.25"}},
      {"%FT%R", {"2025-11-20T12:00", "2025-11-20T12:0", "2025-11-20 12:00"}},
  };
  int answered = 0;
  for (const auto& [format, inputs] : cases) {
    auto fast = NumericTimeFormat::compile(format);
    ASSERT_TRUE(fast) << format;
    for (const auto& text : inputs) {
      auto mine = with_fast_reader(*fast, text);
      if (!mine) continue;  // falls back to date::parse, which is then the authority
      ++answered;
      auto theirs = with_date_parse(format, text);
      ASSERT_TRUE(theirs.has_value()) << format << " / " << text << ": the fast reader accepted what date::parse rejects";
      EXPECT_EQ(mine->time_since_epoch().count(), theirs->time_since_epoch().count()) << format << " / " << text;
    }
  }
  EXPECT_GE(answered, 15);
}

}  // namespace
}  // namespace zra::mapping_detail
