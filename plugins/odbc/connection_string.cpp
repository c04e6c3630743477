#include "plugins/odbc/connection_string.h"

#include <algorithm>
#include <cctype>

namespace zra::odbc {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool is_password_key(const std::string& key) {
  const std::string k = lower(trim(key));
  return k == "pwd" || k == "password";
}

}  // namespace

std::vector<ConnectionAttribute> parse_connection_string(const std::string& text) {
  std::vector<ConnectionAttribute> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t eq = text.find('=', i);
    size_t semi = text.find(';', i);
    if (eq == std::string::npos || (semi != std::string::npos && semi < eq)) {
      // "key" without '=': keep it as a key with an empty value so masking still sees the rest.
      size_t end = semi == std::string::npos ? text.size() : semi;
      std::string key = trim(text.substr(i, end - i));
      if (!key.empty()) out.push_back({key, ""});
      i = end + 1;
      continue;
    }
    ConnectionAttribute attr{trim(text.substr(i, eq - i)), ""};
    size_t j = eq + 1;
    while (j < text.size() && text[j] == ' ') ++j;
    if (j < text.size() && text[j] == '{') {
      // Braced value: '}}' is a literal '}', a single '}' ends it.
      ++j;
      while (j < text.size()) {
        if (text[j] == '}') {
          if (j + 1 < text.size() && text[j + 1] == '}') {
            attr.value += '}';
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        attr.value += text[j++];
      }
      size_t next = text.find(';', j);
      i = next == std::string::npos ? text.size() : next + 1;
    } else {
      size_t end = text.find(';', j);
      if (end == std::string::npos) end = text.size();
      attr.value = trim(text.substr(j, end - j));
      i = end + 1;
    }
    out.push_back(std::move(attr));
  }
  return out;
}

std::string find_attribute(const std::vector<ConnectionAttribute>& attributes, const std::string& key) {
  const std::string wanted = lower(key);
  for (const auto& a : attributes) {
    if (lower(a.key) == wanted) return a.value;
  }
  return "";
}

std::string quote_attribute_value(const std::string& value) {
  bool needs = value.find_first_of(";{}") != std::string::npos ||
               (!value.empty() && (value.front() == ' ' || value.back() == ' '));
  if (!needs) return value;
  std::string out = "{";
  for (char c : value) {
    out += c;
    if (c == '}') out += '}';
  }
  return out + "}";
}

std::string build_dsn_connection_string(const std::string& dsn, const std::string& user,
                                        const std::string& password) {
  std::string out = "DSN=" + quote_attribute_value(dsn);
  if (!user.empty()) out += ";UID=" + quote_attribute_value(user);
  if (!password.empty()) out += ";PWD=" + quote_attribute_value(password);
  return out;
}

std::string mask_connection_string(const std::string& text) {
  std::string out;
  for (const auto& a : parse_connection_string(text)) {
    if (!out.empty()) out += ';';
    out += a.key + "=" + (is_password_key(a.key) ? std::string("***") : quote_attribute_value(a.value));
  }
  return out;
}

std::vector<std::string> connection_string_secrets(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& a : parse_connection_string(text)) {
    if (is_password_key(a.key) && !a.value.empty()) out.push_back(a.value);
  }
  return out;
}

std::string with_driver_defaults(const std::string& text, int fetch_rows) {
  const auto attributes = parse_connection_string(text);
  const std::string driver = lower(find_attribute(attributes, "Driver"));
  auto has = [&](const char* key) {
    for (const auto& a : attributes) {
      if (lower(a.key) == key) return true;
    }
    return false;
  };
  std::string extra;
  if ((driver.find("psqlodbc") != std::string::npos || driver.find("postgres") != std::string::npos) &&
      !has("usedeclarefetch")) {
    extra = "UseDeclareFetch=1;Fetch=" + std::to_string(fetch_rows);
  } else if (driver.find("sqlite") != std::string::npos && !has("stepapi")) {
    extra = "StepAPI=1";
  }
  if (extra.empty()) return text;
  std::string out = text;
  if (!out.empty() && out.back() != ';') out += ';';
  return out + extra;
}

}  // namespace zra::odbc
