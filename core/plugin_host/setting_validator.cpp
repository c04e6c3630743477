#include "core/plugin_host/setting_validator.h"

#include <algorithm>
#include <filesystem>

#include "core/common/errors.h"
#include "core/common/log.h"

namespace zra {
namespace {

std::string declared_list(const std::vector<SettingInfo>& declared) {
  if (declared.empty()) return "it declares none";
  std::string out = "declared: ";
  for (size_t i = 0; i < declared.size(); ++i) out += (i ? ", " : "") + declared[i].name;
  return out;
}

size_t utf8_code_points(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string resolve_path(const std::string& value, const std::string& base_dir) {
  std::filesystem::path p(value);
  if (p.is_relative()) p = std::filesystem::path(base_dir) / p;
  return p.lexically_normal().string();
}

nlohmann::json convert(const SettingInfo& s, const ConfigNode& v, const std::string& owner) {
  const std::string what = "setting '" + s.name + "' of " + owner;
  if (s.type == "object") {
    if (!v.is_map() && !v.is_sequence()) v.fail(what + " must be a mapping or a list");
    return v.to_json();
  }
  if (!v.is_scalar()) v.fail(what + " must be a single value (" + s.type + ")");
  if (s.type == "integer") return v.as_int();
  if (s.type == "boolean") return v.as_bool();
  const std::string& text = v.as_string();
  if (s.type == "char") {
    if (utf8_code_points(text) != 1) v.fail(what + " must be exactly one character, found '" + text + "'");
    return text;
  }
  if (s.type == "path") {
    if (text.empty()) v.fail(what + " must be a file path, found an empty value");
    return resolve_path(text, v.base_dir());
  }
  if (s.type == "secret") add_secret(text);
  return text;
}

}  // namespace

nlohmann::json validate_settings(const std::vector<SettingInfo>& declared, const ConfigNode& node,
                                 const std::string& owner, const std::vector<std::string>& host_keys) {
  nlohmann::json out = nlohmann::json::object();
  if (!node.is_null() && !node.is_map()) node.fail("the settings of " + owner + " must be a mapping (key: value)");
  if (node.is_map()) {
    for (const auto& [key, value] : node.entries()) {
      if (std::find(host_keys.begin(), host_keys.end(), key) != host_keys.end()) continue;
      auto it = std::find_if(declared.begin(), declared.end(), [&](const SettingInfo& s) { return s.name == key; });
      if (it == declared.end()) {
        throw ConfigError(value.file().empty() ? node.file() : value.file(), value.line() ? value.line() : node.line(),
                          value.path(), "unknown setting '" + key + "' for " + owner + " (" + declared_list(declared) + ")");
      }
      if (value.is_null()) continue;  // `key:` with nothing after it counts as absent
      out[key] = convert(*it, value, owner);
    }
  }
  for (const auto& s : declared) {
    if (out.contains(s.name)) continue;
    if (!s.default_json.empty()) {
      nlohmann::json d = nlohmann::json::parse(s.default_json);
      if (s.type == "path" && d.is_string()) d = resolve_path(d.get<std::string>(), node.base_dir());
      out[s.name] = std::move(d);
    } else if (s.required) {
      throw ConfigError(node.file(), node.line(), node.path(),
                        "missing required setting '" + s.name + "' for " + owner +
                            (s.description.empty() ? "" : " (" + s.description + ")"));
    }
  }
  return out;
}

ConfigNode json_to_config_node(const nlohmann::json& j, const std::string& file, const std::string& path) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      ConfigNode m = ConfigNode::map(file, 0, path);
      for (auto it = j.begin(); it != j.end(); ++it) {
        m.set(it.key(), json_to_config_node(it.value(), file, path.empty() ? it.key() : path + "." + it.key()));
      }
      return m;
    }
    case nlohmann::json::value_t::array: {
      ConfigNode s = ConfigNode::sequence(file, 0, path);
      for (size_t i = 0; i < j.size(); ++i) s.push_back(json_to_config_node(j[i], file, path + "[" + std::to_string(i) + "]"));
      return s;
    }
    case nlohmann::json::value_t::null: return ConfigNode::null(file, 0, path);
    case nlohmann::json::value_t::string: return ConfigNode::scalar(j.get<std::string>(), true, file, 0, path);
    default: return ConfigNode::scalar(j.dump(), false, file, 0, path);
  }
}

}  // namespace zra
