#include "config/rate_limits.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace zra {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// Seconds per unit, or 0 when the unit is unknown.
double unit_seconds(const std::string& unit) {
  if (unit == "s" || unit == "sec" || unit == "second") return 1;
  if (unit == "min" || unit == "minute") return 60;
  if (unit == "h" || unit == "hour") return 3600;
  if (unit == "d" || unit == "day") return 86400;
  return 0;
}

}  // namespace

RateSpec parse_rate_spec(const ConfigNode& node) {
  const std::string& text = node.as_string();
  auto bad = [&]() {
    node.fail("invalid rate '" + text + "': write COUNT/UNIT such as 20/min, 10/s or 30000/day "
              "(units: s, min, h, day)");
  };
  size_t slash = text.find('/');
  if (slash == std::string::npos) bad();
  std::string count_text = trim(text.substr(0, slash));
  std::string unit = trim(text.substr(slash + 1));
  if (count_text.empty()) bad();
  errno = 0;
  char* end = nullptr;
  double count = std::strtod(count_text.c_str(), &end);
  if (end != count_text.c_str() + count_text.size() || errno == ERANGE || !std::isfinite(count) || count <= 0) {
    bad();
  }
  double per = unit_seconds(unit);
  if (per == 0) bad();
  return RateSpec{count, per};
}

std::map<std::string, RateSpec> plan_rate_limits(const std::string& plan) {
  if (plan == "pro") {
    return {{"light", {30, 1}}, {"medium", {20, 1}}, {"heavy", {10, 1}},
            {"resource_intensive", {10, 60}}, {"daily", {30000, 86400}}};
  }
  if (plan == "business") {
    return {{"light", {80, 1}}, {"medium", {60, 1}}, {"heavy", {40, 1}},
            {"resource_intensive", {20, 60}}, {"daily", {60000, 86400}}};
  }
  if (plan == "custom") return {};
  throw std::invalid_argument("unknown plan '" + plan + "'");
}

}  // namespace zra
