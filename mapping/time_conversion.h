#pragma once
// Date and date-time conversion of the mapping engine: source text (ISO-8601 forms, or a strftime-style
// `format` read with TimeFormat) in a field's IANA zone -> "YYYY-MM-DDTHH:MM:SS[.mmm]Z" or "YYYY-MM-DD".
// A local time a DST change repeats means the earlier instant; one a DST change skips is an error.
// The zone is looked up once when the mapping is compiled (TimeSpec::zone), never here.
#include <optional>
#include <string>
#include <string_view>

#include "mapping/time_format.h"

namespace date {
class time_zone;
}

namespace zra::mapping_detail {

struct TimeSpec {
  std::string format;                     // strftime-style; empty: the ISO-8601 forms
  std::optional<TimeFormat> reader;       // compile_time_format(format); set whenever format is
  const date::time_zone* zone = nullptr;  // nullptr: UTC
  std::string zone_name = "UTC";          // for messages
};

// Converts `text` (already trimmed) to "YYYY-MM-DDTHH:MM:SSZ", or "...SS.mmmZ" when the source has
// non-zero milliseconds. Without a format, accepts "2025-11-20T12:00:00Z", "...+01:00", "...+0100",
// "2025-11-20T12:00:00", "2025-11-20 12:00:00", "2025-11-20T12:00" and "2025-11-20" (midnight), with
// optional fractional seconds; an explicit offset or Z wins over the zone. Returns false with a
// user-facing reason in `error` otherwise. Thread-safe.
bool to_utc_datetime(std::string_view text, const TimeSpec& spec, std::string& out, std::string& error);

// Converts `text` to "YYYY-MM-DD". A date-time input gives its date in the zone (after applying an
// explicit offset if it has one). Same forms and errors as to_utc_datetime. Thread-safe.
bool to_iso_date(std::string_view text, const TimeSpec& spec, std::string& out, std::string& error);

// The reader of `format` (for TimeSpec::reader), or nullopt with `problem` set to what is wrong with it
// ("unknown conversion '%Q' in format ...", "conversion '%U' ... is not supported ...", "format ... does
// not name a full date ...", "... cannot read back the text it describes ..."). Used when a mapping is
// compiled.
std::optional<TimeFormat> compile_time_format(const std::string& format, std::string& problem);

}  // namespace zra::mapping_detail
