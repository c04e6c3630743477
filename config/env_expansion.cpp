#include "config/env_expansion.h"

#include <cstdlib>
#include <string_view>

#include "config/config_node.h"
#include "config/secret_file.h"

namespace zra {
namespace {

constexpr std::string_view kFilePrefix = "file:";

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_valid_name(const std::string& name) {
  if (name.empty() || !is_name_start(name[0])) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

}  // namespace

const EnvLookup& process_env() {
  static const EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  return env;
}

std::string expand_env(const std::string& text, const EnvLookup& env, const ConfigNode& where) {
  if (text.find('$') == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {  // escape: a literal "${"
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string::npos) {
      where.fail("unterminated '${' (close it with '}', or write $${ for a literal ${)");
    }
    std::string inner = text.substr(i + 2, close - i - 2);
    if (inner.compare(0, kFilePrefix.size(), kFilePrefix) == 0) {
      out += read_secret_file(inner.substr(kFilePrefix.size()), where);
      i = close + 1;
      continue;
    }
    std::optional<std::string> fallback;
    size_t sep = inner.find(":-");
    std::string name = inner.substr(0, sep);
    if (sep != std::string::npos) fallback = inner.substr(sep + 2);
    if (!is_valid_name(name)) {
      where.fail("invalid environment variable name '" + name +
                 "' (letters, digits and _, not starting with a digit; write $${ for a literal ${)");
    }
    std::optional<std::string> value = env ? env(name) : std::nullopt;
    if (fallback && (!value || value->empty())) value = fallback;
    if (!value) {
      where.fail("environment variable '" + name + "' is not set (give a default with ${" + name +
                 ":-value})");
    }
    out += *value;
    i = close + 1;
  }
  return out;
}

}  // namespace zra
