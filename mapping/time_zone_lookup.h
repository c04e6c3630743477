#pragma once
// The one place the mapping engine looks up IANA time zones (the OS tzdb through date::locate_zone).
// Lookups happen when a mapping is compiled, never per row; the counter lets tests prove it.
#include <cstdint>
#include <string>

namespace date {
class time_zone;
}

namespace zra::mapping_detail {

// The zone named `name` ("America/New_York", "UTC"), or nullptr when the tzdb has no such zone.
// Thread-safe.
const date::time_zone* find_time_zone(const std::string& name);

// How many times find_time_zone() has been called in this process.
uint64_t time_zone_lookups();

}  // namespace zra::mapping_detail
