#include "mapping/time_conversion.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include <date/date.h>
#include <date/tz.h>

namespace zra::mapping_detail {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using LocalMs = date::local_time<milliseconds>;
using SysMs = date::sys_time<milliseconds>;

struct ParsedTime {
  LocalMs local{};
  bool has_offset = false;
  minutes offset{0};
};

bool digits(std::string_view s, size_t pos, size_t count, int& value) {
  if (pos + count > s.size()) return false;
  value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

// The ISO-8601 forms (see the header); hand-written because this runs once per value of a large load.
bool parse_iso(std::string_view s, ParsedTime& out) {
  int y = 0, mo = 0, d = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return false;
  }
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)}, date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return false;
  out.local = LocalMs{date::local_days{ymd}};
  out.has_offset = false;
  size_t i = 10;
  if (i == s.size()) return true;
  if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return false;
  int h = 0, mi = 0, sec = 0, ms = 0;
  if (!digits(s, i + 1, 2, h) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(s, i + 4, 2, mi)) return false;
  i += 6;
  if (i < s.size() && s[i] == ':') {
    if (!digits(s, i + 1, 2, sec)) return false;
    i += 3;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      size_t start = ++i;
      int scale = 100;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        ms += (s[i] - '0') * scale;  // digits past milliseconds are dropped
        scale /= 10;
        ++i;
      }
      if (i == start) return false;
    }
  }
  if (h > 23 || mi > 59 || sec > 59) return false;
  out.local += std::chrono::hours{h} + minutes{mi} + std::chrono::seconds{sec} + milliseconds{ms};
  if (i == s.size()) return true;
  if (s[i] == 'Z' || s[i] == 'z') {
    out.has_offset = true;
    out.offset = minutes{0};
    return i + 1 == s.size();
  }
  if (s[i] != '+' && s[i] != '-') return false;
  int sign = s[i] == '-' ? -1 : 1;
  int oh = 0, om = 0;
  if (!digits(s, i + 1, 2, oh)) return false;
  i += 3;
  if (i < s.size()) {
    if (s[i] == ':') ++i;
    if (!digits(s, i, 2, om)) return false;
    i += 2;
  }
  if (i != s.size() || oh > 23 || om > 59) return false;
  out.has_offset = true;
  out.offset = minutes{sign * (oh * 60 + om)};
  return true;
}

// Writes `value` (0 <= value < 10^width) as exactly `width` digits at `buf`.
void write_digits(char* buf, long long value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Appends `value` (0 <= value < 10^width) as exactly `width` digits.
void append_padded(std::string& out, long long value, int width) {
  char buf[4];
  write_digits(buf, value, width);
  out.append(buf, static_cast<size_t>(width));
}

void append_date(std::string& out, const date::year_month_day& ymd) {
  append_padded(out, static_cast<int>(ymd.year()), 4);
  out.push_back('-');
  append_padded(out, static_cast<unsigned>(ymd.month()), 2);
  out.push_back('-');
  append_padded(out, static_cast<unsigned>(ymd.day()), 2);
}

// "2025-03-09 02:30:00", for messages about a local time.
std::string local_text(LocalMs t) {
  auto day = date::floor<date::days>(t);
  date::hh_mm_ss<milliseconds> tod{t - day};
  std::string out;
  append_date(out, date::year_month_day{day});
  out.push_back(' ');
  append_padded(out, tod.hours().count(), 2);
  out.push_back(':');
  append_padded(out, tod.minutes().count(), 2);
  out.push_back(':');
  append_padded(out, tod.seconds().count(), 2);
  return out;
}

// A stretch of local time in which a zone has one offset and every local time converts to one instant
// (or is the earlier of two repeated ones, as get_info's `first` gives it): a conversion inside it needs
// no search of the zone's transitions (and none of get_info's per-call string of the abbreviation).
struct ZoneInterval {
  const date::time_zone* zone = nullptr;  // nullptr: not cacheable
  date::local_seconds begin{}, end{};  // [begin, end)
  std::chrono::seconds offset{0};
};

// The interval around `info` (a unique local time's answer), or one with zone nullptr when it cannot be
// cached. At the start of a fall-back change the local times the previous offset repeats are left out:
// they belong to the earlier instant, i.e. to the previous interval.
ZoneInterval unique_interval(const date::time_zone* zone, const date::sys_info& first) {
  ZoneInterval z;
  const date::sys_seconds earliest = date::sys_days{date::year{2} / 1 / 1};
  const date::sys_seconds latest = date::sys_days{date::year{9998} / 1 / 1};
  if (first.begin <= earliest || first.end >= latest) return z;  // open-ended: rare, not cached
  date::sys_info previous = zone->get_info(first.begin - std::chrono::seconds{1});
  z.zone = zone;
  z.offset = first.offset;
  z.begin = date::local_seconds{first.begin.time_since_epoch() + std::max(first.offset, previous.offset)};
  z.end = date::local_seconds{first.end.time_since_epoch() + first.offset};
  return z;
}

// The intervals of one zone met so far by this thread, sorted and disjoint.
struct ZoneIntervals {
  const date::time_zone* zone = nullptr;
  std::vector<ZoneInterval> intervals;
};

// `local` in `zone` as UTC: false when the local time does not exist (a DST gap). Per thread, each zone's
// intervals are kept as met (a few dozen for any real data), so a time in a period seen before costs a
// short binary search instead of the tz database's search and its sys_info strings.
bool local_to_utc(const date::time_zone* zone, LocalMs local, SysMs& utc) {
  static constexpr size_t kMaxIntervals = 4096;  // per zone and thread: bounded whatever the input
  thread_local std::vector<ZoneIntervals> cache;
  const date::local_seconds secs = date::floor<std::chrono::seconds>(local);
  ZoneIntervals* known = nullptr;
  for (ZoneIntervals& z : cache) {
    if (z.zone == zone) known = &z;
  }
  if (known != nullptr && !known->intervals.empty()) {
    // The last interval that begins at or before `secs`, by a branch-free search (cmov): data spread
    // over years lands in a different interval from value to value, which mispredicts a plain search.
    const ZoneInterval* base = known->intervals.data();
    for (size_t n = known->intervals.size(); n > 1;) {
      const size_t half = n / 2;
      base = base[half].begin <= secs ? base + half : base;
      n -= half;
    }
    if (base->begin <= secs && secs < base->end) {
      utc = SysMs{local.time_since_epoch() - base->offset};
      return true;
    }
  }
  date::local_info info = zone->get_info(secs);
  if (info.result == date::local_info::nonexistent) return false;
  // For a repeated local time, `first` is the offset in force before the change: the earlier instant.
  utc = SysMs{local.time_since_epoch() - info.first.offset};
  if (info.result == date::local_info::unique) {
    ZoneInterval z = unique_interval(zone, info.first);
    if (z.zone != nullptr && secs >= z.begin && secs < z.end) {
      if (known == nullptr) {
        cache.push_back(ZoneIntervals{zone, {}});
        known = &cache.back();
      }
      auto& list = known->intervals;
      auto at = std::upper_bound(list.begin(), list.end(), z.begin,
                                 [](date::local_seconds t, const ZoneInterval& e) { return t < e.begin; });
      if (list.size() < kMaxIntervals) list.insert(at, z);
    }
  }
  return true;
}

bool year_in_range(date::year y) { return y >= date::year{1} && y <= date::year{9999}; }

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

// `what` names the kind in messages ("a date-time"); `example` is an ISO-8601 example of it.
bool parse(std::string_view text, const TimeSpec& spec, const char* what, const char* example, ParsedTime& parsed,
           std::string& error) {
  bool ok = false;
  if (spec.format.empty()) {
    ok = parse_iso(text, parsed);
  } else {
    ParsedFields fields;
    ok = spec.reader && spec.reader->read(text, fields);
    if (ok) {
      parsed.local = LocalMs{milliseconds{fields.local_ms}};
      parsed.has_offset = fields.has_offset;
      parsed.offset = minutes{fields.offset_minutes};
    }
  }
  if (ok) return true;
  if (spec.format.empty()) {
    error = "cannot parse " + in_quotes(text) + " as " + what + " (expected ISO-8601 such as " + example + ")";
  } else {
    error = "cannot parse " + in_quotes(text) + " as " + what + " with format " + in_quotes(spec.format);
  }
  return false;
}

}  // namespace

bool to_utc_datetime(std::string_view text, const TimeSpec& spec, std::string& out, std::string& error) {
  ParsedTime parsed;
  if (!parse(text, spec, "a date-time", "2025-11-20T12:00:00Z", parsed, error)) return false;
  SysMs utc;
  if (parsed.has_offset) {
    utc = SysMs{parsed.local.time_since_epoch() - parsed.offset};
  } else if (spec.zone == nullptr) {
    utc = SysMs{parsed.local.time_since_epoch()};
  } else {
    if (!local_to_utc(spec.zone, parsed.local, utc)) {
      error = in_quotes(local_text(parsed.local)) + " does not exist in " + spec.zone_name + " (DST gap)";
      return false;
    }
  }
  auto day = date::floor<date::days>(utc);
  date::year_month_day ymd{day};
  if (!year_in_range(ymd.year())) {
    error = "date-time " + in_quotes(text) + " is outside the years 0001 to 9999";
    return false;
  }
  date::hh_mm_ss<milliseconds> tod{utc - day};
  // Written into a buffer and assigned once: one copy into `out` instead of a capacity check per byte.
  char buf[24];
  write_digits(buf, static_cast<int>(ymd.year()), 4);
  buf[4] = '-';
  write_digits(buf + 5, static_cast<unsigned>(ymd.month()), 2);
  buf[7] = '-';
  write_digits(buf + 8, static_cast<unsigned>(ymd.day()), 2);
  buf[10] = 'T';
  write_digits(buf + 11, tod.hours().count(), 2);
  buf[13] = ':';
  write_digits(buf + 14, tod.minutes().count(), 2);
  buf[16] = ':';
  write_digits(buf + 17, tod.seconds().count(), 2);
  size_t size = 19;
  if (tod.subseconds().count() != 0) {
    buf[19] = '.';
    write_digits(buf + 20, tod.subseconds().count(), 3);
    size = 23;
  }
  buf[size++] = 'Z';
  out.assign(buf, size);
  return true;
}

bool to_iso_date(std::string_view text, const TimeSpec& spec, std::string& out, std::string& error) {
  ParsedTime parsed;
  if (!parse(text, spec, "a date", "2025-11-20", parsed, error)) return false;
  date::local_days day;
  if (!parsed.has_offset) {
    day = date::floor<date::days>(parsed.local);
  } else {
    SysMs utc{parsed.local.time_since_epoch() - parsed.offset};
    LocalMs local = spec.zone == nullptr ? LocalMs{utc.time_since_epoch()} : spec.zone->to_local(utc);
    day = date::floor<date::days>(local);
  }
  date::year_month_day ymd{day};
  if (!year_in_range(ymd.year())) {
    error = "date " + in_quotes(text) + " is outside the years 0001 to 9999";
    return false;
  }
  out.clear();
  append_date(out, ymd);
  return true;
}

std::optional<TimeFormat> compile_time_format(const std::string& format, std::string& problem) {
  std::optional<TimeFormat> reader = TimeFormat::compile(format, problem);
  if (!reader) return std::nullopt;
  bool year = false, month = false, day = false, day_of_year = false;
  std::string writer_format;  // date::format writes neither widths nor %OC: the sample leaves them out
  for (size_t i = 0; i < format.size(); ++i) {  // compile checked the shape: '%', width, modifier, letter
    if (format[i] != '%') {
      writer_format += format[i];
      continue;
    }
    size_t j = i + 1;
    while (format[j] >= '0' && format[j] <= '9') ++j;
    writer_format += '%';
    if (format[j] == 'E' || format[j] == 'O') {
      if (format[j + 1] != 'C') writer_format += format[j];
      ++j;
    }
    char c = format[j];
    writer_format += c;
    year = year || c == 'Y' || c == 'y' || c == 'F' || c == 'D';
    month = month || c == 'm' || c == 'b' || c == 'B' || c == 'h' || c == 'F' || c == 'D';
    day = day || c == 'd' || c == 'e' || c == 'F' || c == 'D';
    day_of_year = day_of_year || c == 'j';
    i = j;
  }
  if (!year || !((month && day) || day_of_year)) {
    problem = "format " + in_quotes(format) +
              " does not name a full date (it needs a year, a month and a day, e.g. %Y-%m-%d)";
    return std::nullopt;
  }
  // What the format writes, it must read back: catches conversions that cannot be read in sequence
  // (%Y%m%d%H without separators is fine; %I without %p is not; %1d does not read "20").
  try {
    SysMs sample = date::sys_days{date::year{2025} / 11 / 20} + std::chrono::hours{13} + minutes{45} +
                   std::chrono::seconds{56};
    std::string written = date::format(writer_format.c_str(), sample);
    ParsedFields parsed;
    if (!reader->read(written, parsed)) {
      problem = "format " + in_quotes(format) + " cannot read back the text it describes ('" + written + "')";
      return std::nullopt;
    }
  } catch (const std::exception& e) {
    problem = "format " + in_quotes(format) + " cannot be used: " + e.what();
    return std::nullopt;
  }
  return reader;
}

}  // namespace zra::mapping_detail
