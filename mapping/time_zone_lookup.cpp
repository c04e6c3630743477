#include "mapping/time_zone_lookup.h"

#include <atomic>
#include <stdexcept>

#include <date/tz.h>

namespace zra::mapping_detail {
namespace {
std::atomic<uint64_t> g_lookups{0};
}

const date::time_zone* find_time_zone(const std::string& name) {
  g_lookups.fetch_add(1, std::memory_order_relaxed);
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return nullptr;  // date reports an unknown name this way; the caller names the node
  }
}

uint64_t time_zone_lookups() { return g_lookups.load(std::memory_order_relaxed); }

}  // namespace zra::mapping_detail
