// Dates and date-times: ISO forms, formats, zones (root and per field), DST gap and overlap, output form.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace zra {
namespace {

using mapping_test::compile_yaml;
using mapping_test::map_one;
using nlohmann::json;

// One `modify_time` (datetime) and one deal `close_date` (date) read from columns T and D.
class TimeFields {
 public:
  explicit TimeFields(const std::string& datetime_options, const std::string& date_options = "D",
                      const std::string& root_extra = "")
      : mapping_(compile_yaml(ObjectType::Deal, root_extra + "fields:\n  modify_time: " + datetime_options +
                                                    "\n  close_date: " + date_options + "\n")) {}
  std::string datetime(const std::string& raw) const { return text(map_one(*mapping_, {{"T", raw}}), "modify_time"); }
  std::string date(const std::string& raw) const { return text(map_one(*mapping_, {{"D", raw}}), "close_date"); }

 private:
  static std::string text(const MappedRow& r, const char* field) {
    if (!r.ok()) return "ISSUE " + r.issues[0].field + " [" + r.issues[0].raw_value + "]: " + r.issues[0].detail;
    return r.record.contains(field) ? r.record.at(field).get<std::string>() : "<absent>";
  }
  std::shared_ptr<const Mapping> mapping_;
};

TEST(MappingDateTime, IsoFormsDefaultToUtc) {
  TimeFields f("T");
  EXPECT_EQ(f.datetime("2025-11-20T12:00:00Z"), "2025-11-20T12:00:00Z");
  EXPECT_EQ(f.datetime("2025-11-20T12:00:00+01:00"), "2025-11-20T11:00:00Z");
  EXPECT_EQ(f.datetime("2025-11-20T12:00:00-0530"), "2025-11-20T17:30:00Z");
  EXPECT_EQ(f.datetime("2025-11-20T12:00:00+01"), "2025-11-20T11:00:00Z");
  EXPECT_EQ(f.datetime("2025-11-20T12:00:00"), "2025-11-20T12:00:00Z");
  EXPECT_EQ(f.datetime("2025-11-20 12:00:00"), "2025-11-20T12:00:00Z");
  EXPECT_EQ(f.datetime("2025-11-20T12:00"), "2025-11-20T12:00:00Z");
  EXPECT_EQ(f.datetime("2025-11-20"), "2025-11-20T00:00:00Z");
  EXPECT_EQ(f.datetime(" 2025-11-20T12:00:00Z "), "2025-11-20T12:00:00Z");
  EXPECT_EQ(f.datetime("2025-11-20T23:30:00-01:00"), "2025-11-21T00:30:00Z");
}

TEST(MappingDateTime, MillisecondsAppearOnlyWhenNonZero) {
  TimeFields f("T");
  EXPECT_EQ(f.datetime("2025-11-20T12:00:00.250Z"), "2025-11-20T12:00:00.250Z");
  EXPECT_EQ(f.datetime("2025-11-20T12:00:00.000Z"), "2025-11-20T12:00:00Z");
  EXPECT_EQ(f.datetime("2025-11-20T12:00:00.1234567Z"), "2025-11-20T12:00:00.123Z");
  EXPECT_EQ(f.datetime("2025-11-20T12:00:00.0004Z"), "2025-11-20T12:00:00Z");
}

TEST(MappingDateTime, BadIsoTextIsAnIssueNamingTheExpectedForm) {
  TimeFields f("T");
  EXPECT_EQ(f.datetime("2025-13-01T00:00:00Z"),
            "ISSUE modify_time [2025-13-01T00:00:00Z]: cannot parse '2025-13-01T00:00:00Z' as a date-time "
            "(expected ISO-8601 such as 2025-11-20T12:00:00Z)");
  EXPECT_EQ(f.datetime("2025-02-29"),
            "ISSUE modify_time [2025-02-29]: cannot parse '2025-02-29' as a date-time "
            "(expected ISO-8601 such as 2025-11-20T12:00:00Z)");
  for (const char* bad : {"20.11.2025", "2025-11-20T25:00:00Z", "2025-11-20T12:00:00ZZ", "2025-11-20T12:00:00+1",
                          "2025-11-20T12", "2025-11-20T12:00:00.Z", "yesterday"}) {
    EXPECT_EQ(f.datetime(bad).rfind("ISSUE modify_time", 0), 0u) << bad;
  }
}

TEST(MappingDateTime, RootTimezoneAppliesWhenTheTextHasNoOffset) {
  TimeFields f("T", "D", "timezone: Europe/Berlin\n");
  EXPECT_EQ(f.datetime("2025-11-20 12:00:00"), "2025-11-20T11:00:00Z");  // CET, +01:00
  EXPECT_EQ(f.datetime("2025-07-01T12:00:00"), "2025-07-01T10:00:00Z");  // CEST, +02:00
  EXPECT_EQ(f.datetime("2025-11-20"), "2025-11-19T23:00:00Z");
  EXPECT_EQ(f.datetime("2025-11-20T12:00:00Z"), "2025-11-20T12:00:00Z");  // an explicit offset wins
  EXPECT_EQ(f.datetime("2025-11-20T12:00:00-05:00"), "2025-11-20T17:00:00Z");
}

TEST(MappingDateTime, FieldTimezoneOverridesTheRoot) {
  TimeFields f("{ from: T, timezone: America/New_York }", "D", "timezone: Europe/Berlin\n");
  EXPECT_EQ(f.datetime("2025-11-20 07:00:00"), "2025-11-20T12:00:00Z");
}

TEST(MappingDateTime, FormatAndZone) {
  TimeFields f("{ from: T, type: datetime, format: \"%m/%d/%Y %H:%M\", timezone: America/New_York }");
  EXPECT_EQ(f.datetime("11/20/2025 07:00"), "2025-11-20T12:00:00Z");
  EXPECT_EQ(f.datetime("7/4/2025 9:05"), "2025-07-04T13:05:00Z");
  EXPECT_EQ(f.datetime("20/11/2025 07:00"),
            "ISSUE modify_time [20/11/2025 07:00]: cannot parse '20/11/2025 07:00' as a date-time with format "
            "'%m/%d/%Y %H:%M'");
  EXPECT_EQ(f.datetime("11/20/2025 07:00 extra"),
            "ISSUE modify_time [11/20/2025 07:00 extra]: cannot parse '11/20/2025 07:00 extra' as a date-time "
            "with format '%m/%d/%Y %H:%M'");
  EXPECT_EQ(f.datetime("11/20/2025"),
            "ISSUE modify_time [11/20/2025]: cannot parse '11/20/2025' as a date-time with format "
            "'%m/%d/%Y %H:%M'");
}

TEST(MappingDateTime, DstGapIsAnIssue) {
  TimeFields f("{ from: T, format: \"%Y-%m-%d %H:%M\", timezone: America/New_York }");
  EXPECT_EQ(f.datetime("2025-03-09 02:30"),
            "ISSUE modify_time [2025-03-09 02:30]: '2025-03-09 02:30:00' does not exist in America/New_York "
            "(DST gap)");
  EXPECT_EQ(f.datetime("2025-03-09 01:59"), "2025-03-09T06:59:00Z");
  EXPECT_EQ(f.datetime("2025-03-09 03:00"), "2025-03-09T07:00:00Z");
}

TEST(MappingDateTime, DstOverlapMeansTheEarlierInstant) {
  TimeFields f("{ from: T, format: \"%Y-%m-%d %H:%M\", timezone: America/New_York }");
  EXPECT_EQ(f.datetime("2025-11-02 01:30"), "2025-11-02T05:30:00Z");  // EDT, not EST's 06:30Z
  EXPECT_EQ(f.datetime("2025-11-02 00:59"), "2025-11-02T04:59:00Z");
  EXPECT_EQ(f.datetime("2025-11-02 02:00"), "2025-11-02T07:00:00Z");
  TimeFields iso("{ from: T, timezone: America/New_York }");
  EXPECT_EQ(iso.datetime("2025-11-02T01:30:00"), "2025-11-02T05:30:00Z");
  EXPECT_EQ(iso.datetime("2025-03-09T02:30:00"),
            "ISSUE modify_time [2025-03-09T02:30:00]: '2025-03-09 02:30:00' does not exist in America/New_York "
            "(DST gap)");
}

TEST(MappingDateTime, FormatWithOffsetIgnoresTheZone) {
  TimeFields f("{ from: T, format: \"%d.%m.%Y %H:%M %z\", timezone: America/New_York }");
  EXPECT_EQ(f.datetime("20.11.2025 12:00 +0100"), "2025-11-20T11:00:00Z");
}

TEST(MappingDateTime, FormatsWithNamesTwelveHourClockAndOffsets) {
  TimeFields f("{ from: T, format: \"%a, %d %b %Y %I:%M %p\", timezone: America/New_York }",
               "{ from: D, format: \"%d %B %Y %H:%M %Ez\" }");
  EXPECT_EQ(f.datetime("Thu, 20 Nov 2025 01:45 pm"), "2025-11-20T18:45:00Z");
  EXPECT_EQ(f.datetime("THU, 20 NOV 2025 12:05 AM"), "2025-11-20T05:05:00Z");
  EXPECT_EQ(f.datetime("Fri, 20 Nov 2025 01:45 PM"),
            "ISSUE modify_time [Fri, 20 Nov 2025 01:45 PM]: cannot parse 'Fri, 20 Nov 2025 01:45 PM' as a "
            "date-time with format '%a, %d %b %Y %I:%M %p'");
  EXPECT_EQ(f.date("20 November 2025 23:30 -02:00"), "2025-11-21");  // the text's offset wins: 01:30Z
  EXPECT_EQ(f.date("20 November 2025 23:30 +5"), "2025-11-20");
}

TEST(MappingDateTime, FormatWithSecondsKeepsMilliseconds) {
  TimeFields f("{ from: T, format: \"%Y%m%d %H%M%S\" }");
  EXPECT_EQ(f.datetime("20251120 120005.5"), "2025-11-20T12:00:05.500Z");
  EXPECT_EQ(f.datetime("20251120 120005"), "2025-11-20T12:00:05Z");
}

TEST(MappingDate, IsoAndFormat) {
  TimeFields f("T", "{ from: D, type: date, format: \"%d.%m.%Y\" }");
  EXPECT_EQ(f.date("20.11.2025"), "2025-11-20");
  EXPECT_EQ(f.date("1.2.2025"), "2025-02-01");
  EXPECT_EQ(f.date("31.02.2025"),
            "ISSUE close_date [31.02.2025]: cannot parse '31.02.2025' as a date with format '%d.%m.%Y'");
  TimeFields iso("T", "D");
  EXPECT_EQ(iso.date("2025-11-20"), "2025-11-20");
  EXPECT_EQ(iso.date("2025-11-20 12:00:00"), "2025-11-20");
  EXPECT_EQ(iso.date("11/20/2025"),
            "ISSUE close_date [11/20/2025]: cannot parse '11/20/2025' as a date (expected ISO-8601 such as "
            "2025-11-20)");
}

TEST(MappingDate, ADateTimeGivesItsDateInTheZone) {
  TimeFields berlin("T", "D", "timezone: Europe/Berlin\n");
  EXPECT_EQ(berlin.date("2025-11-20T23:30:00Z"), "2025-11-21");       // 00:30 in Berlin
  EXPECT_EQ(berlin.date("2025-11-20T22:30:00Z"), "2025-11-20");       // 23:30 in Berlin
  EXPECT_EQ(berlin.date("2025-06-30T22:30:00Z"), "2025-07-01");       // CEST: 00:30
  EXPECT_EQ(berlin.date("2025-11-20T23:30:00"), "2025-11-20");        // no offset: already Berlin time
  TimeFields utc("T", "D");
  EXPECT_EQ(utc.date("2025-11-20T23:30:00Z"), "2025-11-20");
  EXPECT_EQ(utc.date("2025-11-20T23:30:00-02:00"), "2025-11-21");
  TimeFields field_zone("T", "{ from: D, timezone: America/New_York }", "timezone: Europe/Berlin\n");
  EXPECT_EQ(field_zone.date("2025-11-21T03:00:00Z"), "2025-11-20");
}

// What the tz database itself says for a local time (no cache): the mapping's answer for it.
std::string expected_utc(const date::time_zone* zone, date::local_seconds local, const std::string& raw) {
  date::local_info info = zone->get_info(local);
  if (info.result == date::local_info::nonexistent) {
    return "ISSUE modify_time [" + raw + "]: '" + date::format("%F %T", local) +
           "' does not exist in America/New_York (DST gap)";
  }
  return date::format("%FT%TZ", date::sys_seconds{local.time_since_epoch() - info.first.offset});
}

// The per-thread cache of a zone's intervals (time_conversion.cpp) must never answer with a stale or
// neighbouring interval: one thread converts, in consecutive calls, times on both sides of each DST
// change of several years (spring forward and fall back, forwards, backwards and alternating far apart,
// so that every interval is cached before its neighbours are asked for); each answer must be the tz
// database's own.
TEST(MappingDateTime, ZoneIntervalCacheAgreesWithTheTzDatabaseAcrossDstChanges) {
  TimeFields f("{ from: T, format: \"%Y-%m-%d %H:%M\", timezone: America/New_York }");
  const date::time_zone* zone = date::locate_zone("America/New_York");
  using namespace date::literals;
  std::vector<date::local_seconds> times;
  for (int y = 2023; y <= 2026; ++y) {
    const date::year year{y};
    const date::local_days spring{date::Sunday[2] / date::March / year};
    const date::local_days fall{date::Sunday[1] / date::November / year};
    for (date::local_days day : {spring, fall}) {
      for (int minutes = -90; minutes <= 240; minutes += 15) {
        times.push_back(day + std::chrono::minutes{minutes});
      }
    }
  }
  std::vector<date::local_seconds> order = times;                    // forwards
  order.insert(order.end(), times.rbegin(), times.rend());            // backwards
  for (size_t i = 0; i < times.size() / 2; ++i) {                     // alternating far apart
    order.push_back(times[i]);
    order.push_back(times[times.size() - 1 - i]);
  }
  int gaps = 0, checked = 0;
  for (date::local_seconds t : order) {
    const std::string raw = date::format("%Y-%m-%d %H:%M", t);
    const std::string expected = expected_utc(zone, t, raw);
    gaps += expected.rfind("ISSUE", 0) == 0 ? 1 : 0;
    ASSERT_EQ(f.datetime(raw), expected) << "local time " << raw << " (call " << checked << ")";
    ++checked;
  }
  EXPECT_EQ(gaps, 3 * 4 * 4);  // 02:00, 02:15, 02:30, 02:45 of each spring change, in each of 3 passes
  EXPECT_EQ(f.datetime("2025-11-02 01:30"), "2025-11-02T05:30:00Z");  // repeated hour: the earlier instant
  EXPECT_EQ(f.datetime("2025-11-02 02:00"), "2025-11-02T07:00:00Z");
  EXPECT_EQ(f.datetime("2025-03-09 01:59"), "2025-03-09T06:59:00Z");
  EXPECT_EQ(f.datetime("2025-03-09 03:00"), "2025-03-09T07:00:00Z");
}

TEST(MappingDate, YearsOutsideTheIsoRangeAreIssues) {
  TimeFields f("{ from: T, format: \"%d.%m.%Y\" }");
  EXPECT_EQ(f.datetime("01.01.0000"),
            "ISSUE modify_time [01.01.0000]: date-time '01.01.0000' is outside the years 0001 to 9999");
}

}  // namespace
}  // namespace zra
