#include "config/config_node.h"

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"

namespace zra {
namespace {
std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
const char* kind_name(ConfigNode::Kind k) {
  switch (k) {
    case ConfigNode::Kind::Null: return "nothing";
    case ConfigNode::Kind::Scalar: return "a value";
    case ConfigNode::Kind::Sequence: return "a list";
    case ConfigNode::Kind::Map: return "a mapping";
  }
  return "?";
}
}  // namespace

ConfigNode ConfigNode::scalar(std::string value, bool quoted, std::string file, int line, std::string path) {
  ConfigNode n;
  n.kind_ = Kind::Scalar;
  n.scalar_ = std::move(value);
  n.quoted_ = quoted;
  n.file_ = std::move(file);
  n.line_ = line;
  n.path_ = std::move(path);
  return n;
}

ConfigNode ConfigNode::null(std::string file, int line, std::string path) {
  ConfigNode n;
  n.kind_ = Kind::Null;
  n.file_ = std::move(file);
  n.line_ = line;
  n.path_ = std::move(path);
  return n;
}

ConfigNode ConfigNode::sequence(std::string file, int line, std::string path) {
  ConfigNode n = null(std::move(file), line, std::move(path));
  n.kind_ = Kind::Sequence;
  return n;
}

ConfigNode ConfigNode::map(std::string file, int line, std::string path) {
  ConfigNode n = null(std::move(file), line, std::move(path));
  n.kind_ = Kind::Map;
  return n;
}

std::string ConfigNode::base_dir() const {
  if (file_.empty()) return std::filesystem::current_path().string();
  auto parent = std::filesystem::absolute(file_).parent_path();
  return parent.string();
}

void ConfigNode::fail(const std::string& message) const { throw ConfigError(file_, line_, path_, message); }

const std::string& ConfigNode::as_string() const {
  if (kind_ != Kind::Scalar) fail("expected a value, found " + std::string(kind_name(kind_)));
  return scalar_;
}

int64_t ConfigNode::as_int() const {
  const std::string& s = as_string();
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE) fail("expected an integer, found '" + s + "'");
  return static_cast<int64_t>(v);
}

double ConfigNode::as_double() const {
  const std::string& s = as_string();
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE) fail("expected a number, found '" + s + "'");
  return v;
}

bool ConfigNode::as_bool() const {
  std::string s = lower(as_string());
  if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return false;
  fail("expected true or false, found '" + as_string() + "'");
}

const std::vector<ConfigNode>& ConfigNode::items() const {
  if (kind_ != Kind::Sequence) fail("expected a list, found " + std::string(kind_name(kind_)));
  return items_;
}

const std::vector<std::pair<std::string, ConfigNode>>& ConfigNode::entries() const {
  if (kind_ != Kind::Map) fail("expected a mapping (key: value), found " + std::string(kind_name(kind_)));
  return entries_;
}

const ConfigNode* ConfigNode::find(std::string_view key) const {
  if (kind_ != Kind::Map) return nullptr;
  for (const auto& e : entries_) {
    if (e.first == key) return &e.second;
  }
  return nullptr;
}

const ConfigNode& ConfigNode::at(std::string_view key) const {
  entries();  // throws unless a map
  const ConfigNode* n = find(key);
  if (n == nullptr) fail("missing required key '" + std::string(key) + "'");
  return *n;
}

void ConfigNode::check_keys(std::initializer_list<std::string_view> allowed) const {
  std::vector<std::string> v(allowed.begin(), allowed.end());
  check_keys(v);
}

void ConfigNode::check_keys(const std::vector<std::string>& allowed) const {
  for (const auto& e : entries()) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == e.first;
    if (!ok) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      e.second.fail("unknown key '" + e.first + "' (allowed here: " + list + ")");
    }
  }
}

void ConfigNode::push_back(ConfigNode item) { items_.push_back(std::move(item)); }

void ConfigNode::set(std::string key, ConfigNode value) {
  for (auto& e : entries_) {
    if (e.first == key) {
      e.second = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::move(key), std::move(value));
}

nlohmann::json ConfigNode::to_json() const {
  switch (kind_) {
    case Kind::Null: return nullptr;
    case Kind::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& i : items_) a.push_back(i.to_json());
      return a;
    }
    case Kind::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& e : entries_) o[e.first] = e.second.to_json();
      return o;
    }
    case Kind::Scalar: break;
  }
  if (quoted_) return scalar_;
  std::string l = lower(scalar_);
  if (l == "true") return true;
  if (l == "false") return false;
  if (l == "null" || l == "~") return nullptr;
  if (!scalar_.empty()) {
    // A number only when it reads back as the same text: `00123` or a 30-digit id stays a string.
    char* end = nullptr;
    errno = 0;
    long long i = std::strtoll(scalar_.c_str(), &end, 10);
    if (end == scalar_.c_str() + scalar_.size() && errno == 0 && std::to_string(i) == scalar_) {
      return static_cast<int64_t>(i);
    }
    errno = 0;
    double d = std::strtod(scalar_.c_str(), &end);
    bool plain_number = scalar_.find_first_not_of("0123456789+-.eE") == std::string::npos &&
                        scalar_.find('.') != std::string::npos && scalar_[0] != '0' && scalar_[0] != '.';
    if (plain_number && end == scalar_.c_str() + scalar_.size() && errno == 0) return d;
  }
  return scalar_;
}

}  // namespace zra
