#include "config/config_values.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace zra {
namespace {
std::string format_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}
}  // namespace

int int_in_range(const ConfigNode& node, int64_t min, int64_t max) {
  int64_t v = node.as_int();
  if (v < min || v > max) {
    node.fail("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", found " +
              std::to_string(v));
  }
  return static_cast<int>(v);
}

double number_in_range(const ConfigNode& node, double min, double max) {
  double v = node.as_double();
  if (!std::isfinite(v) || v < min || v > max) {
    node.fail("must be a number between " + format_number(min) + " and " + format_number(max) + ", found '" +
              node.as_string() + "'");
  }
  return v;
}

std::string one_of(const ConfigNode& node, std::initializer_list<std::string_view> allowed) {
  const std::string& v = node.as_string();
  std::string list;
  for (auto a : allowed) {
    if (v == a) return v;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  node.fail("must be one of " + list + ", found '" + v + "'");
}

std::string non_empty_string(const ConfigNode& node) {
  const std::string& v = node.as_string();
  if (v.empty()) node.fail("must not be empty");
  return v;
}

std::string resolve_path(const ConfigNode& node) {
  std::filesystem::path p(non_empty_string(node));
  if (p.is_relative()) p = std::filesystem::path(node.base_dir()) / p;
  return p.lexically_normal().string();
}

double parse_duration_seconds(const ConfigNode& node) {
  const std::string& text = node.as_string();
  auto bad = [&]() {
    node.fail("invalid duration '" + text + "': write seconds (3600) or a number with s, m, h or d "
              "(3600s, 90m, 24h, 1d)");
  };
  if (text.empty()) bad();
  double unit = 1;
  std::string number = text;
  switch (text.back()) {
    case 's': unit = 1; number.pop_back(); break;
    case 'm': unit = 60; number.pop_back(); break;
    case 'h': unit = 3600; number.pop_back(); break;
    case 'd': unit = 86400; number.pop_back(); break;
    default: break;
  }
  if (number.empty()) bad();
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || errno == ERANGE || !std::isfinite(v) || v < 0) bad();
  return v * unit;
}

}  // namespace zra
