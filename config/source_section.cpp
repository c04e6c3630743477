// Loads `sources:`: each source's plugin and settings, its streams, and their mappings (inline or from a
// file). Plugin-specific keys are kept, with their positions, for the engine to check against the plugin.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "config/config_sections.h"
#include "config/config_values.h"
#include "config/yaml_reader.h"
#include "core/common/log.h"

namespace zra {
namespace {

bool valid_name(const std::string& s) {
  if (s.empty() || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  for (unsigned char c : s) {
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '.') return false;
  }
  return true;
}

std::string name_value(const ConfigNode& node) {
  std::string name = node.as_string();
  if (!valid_name(name)) {
    node.fail("invalid name '" + name + "': letters, digits, '_', '-' and '.', starting with a letter or digit");
  }
  return name;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_secret_key(const std::string& key) {
  std::string k = lower(key);
  bool named = k.find("secret") != std::string::npos || k.find("password") != std::string::npos ||
               k.find("passwd") != std::string::npos || k.find("token") != std::string::npos;
  bool is_url = k.size() >= 3 && k.compare(k.size() - 3, 3, "url") == 0;
  return named && !is_url;
}

// "Driver=X;UID=u;PWD=p" -> registers p. Values in braces ({p;w}) are taken whole.
void register_connection_string_secrets(const std::string& text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eq = text.find('=', pos);
    if (eq == std::string::npos) break;
    std::string key = lower(text.substr(pos, eq - pos));
    while (!key.empty() && key.front() == ' ') key.erase(0, 1);
    size_t end;
    std::string value;
    if (eq + 1 < text.size() && text[eq + 1] == '{') {
      end = text.find('}', eq + 2);
      if (end == std::string::npos) end = text.size();
      value = text.substr(eq + 2, end - eq - 2);
      end = text.find(';', end);
    } else {
      end = text.find(';', eq + 1);
      value = text.substr(eq + 1, (end == std::string::npos ? text.size() : end) - eq - 1);
    }
    if (key == "pwd" || key == "password") add_secret(value);
    if (end == std::string::npos) break;
    pos = end + 1;
  }
}

void register_secrets(const ConfigNode& node, const std::string& key) {
  if (node.is_scalar()) {
    if (is_secret_key(key)) add_secret(node.as_string());
    if (lower(key).find("connection_string") != std::string::npos) register_connection_string_secrets(node.as_string());
  } else if (node.is_sequence()) {
    for (const auto& item : node.items()) register_secrets(item, key);
  } else if (node.is_map()) {
    for (const auto& [k, v] : node.entries()) register_secrets(v, k);
  }
}

void check_mapping_root(const ConfigNode& mapping, bool from_file) {
  if (mapping.is_null()) mapping.fail(from_file ? "the mapping file is empty; it needs 'fields:'" : "the mapping is empty; it needs 'fields:'");
  if (!mapping.is_map()) mapping.fail("a mapping is a file path or a mapping with 'fields:', found a list");
  mapping.check_keys({"fields", "timezone"});
  const ConfigNode& fields = mapping.at("fields");
  if (!fields.is_map() || fields.entries().empty()) fields.fail("'fields' must map at least one target field");
  if (const auto* tz = mapping.find("timezone")) non_empty_string(*tz);
}

ConfigNode load_mapping(const ConfigNode& node, const EnvLookup& env) {
  if (!node.is_scalar()) {
    check_mapping_root(node, false);
    return node;
  }
  std::string path = resolve_path(node);
  {
    std::ifstream probe(path);
    if (!probe) node.fail("cannot read mapping file '" + path + "': " + std::strerror(errno));
    // Opening a directory succeeds: name the config position here rather than only the path later.
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) node.fail("cannot read mapping file '" + path + "': Is a directory");
  }
  ConfigNode mapping = read_config_file(path, env, node.path());
  check_mapping_root(mapping, true);
  return mapping;
}

StreamConfig load_stream(const ConfigNode& node, const EnvLookup& env) {
  StreamConfig stream;
  node.entries();  // a map, or a clear error
  stream.node = node;
  stream.name = name_value(node.at("name"));
  const ConfigNode& object = node.at("object");
  auto type = parse_object_type(object.as_string());
  if (!type) {
    object.fail("unknown object type '" + object.as_string() + "' (one of account, contact, deal, lead)");
  }
  stream.object = *type;
  if (const auto* n = node.find("mode")) stream.mode = one_of(*n, {"upsert", "mirror"});
  if (const auto* n = node.find("max_delete_fraction")) stream.max_delete_fraction = number_in_range(*n, 0, 1);
  if (const auto* n = node.find("cursor")) {
    stream.cursor = n->as_bool();
    if (stream.cursor && stream.mode == "mirror") {
      n->fail("cursor: true reads only what changed, so mirror mode cannot see what vanished; use one or the other");
    }
  }
  stream.mapping = load_mapping(node.at("mapping"), env);
  for (const auto& [key, value] : node.entries()) {
    if (key != "mapping") register_secrets(value, key);
  }
  return stream;
}

SourceConfig load_source(const ConfigNode& node, const EnvLookup& env) {
  SourceConfig source;
  node.check_keys({"name", "plugin", "settings", "streams", "isolation", "read_timeout"});
  source.node = node;
  source.name = name_value(node.at("name"));
  source.plugin = name_value(node.at("plugin"));
  if (const ConfigNode* isolation = node.find("isolation")) source.isolation = one_of(*isolation, {"process", "in_process"});
  if (const ConfigNode* timeout = node.find("read_timeout")) {
    const double seconds = parse_duration_seconds(*timeout);
    if (seconds < 1) timeout->fail("read_timeout must be at least 1 second (e.g. 30m), got '" + timeout->as_string() + "'");
    if (source.isolation != "process") {
      timeout->fail("read_timeout applies to a plugin in its own process; this source has isolation: " + source.isolation);
    }
    source.read_timeout_s = seconds;
  }
  const ConfigNode* settings = node.find("settings");
  if (settings != nullptr && !settings->is_null()) {
    settings->entries();  // a map, or a clear error
    source.settings = *settings;
    register_secrets(*settings, "");
  } else {
    source.settings = ConfigNode::map(node.file(), node.line(), node.path() + ".settings");
  }
  const ConfigNode& streams = node.at("streams");
  if (streams.items().empty()) streams.fail("a source needs at least one stream");
  std::set<std::string> names;
  for (const auto& item : streams.items()) {
    StreamConfig stream = load_stream(item, env);
    if (!names.insert(stream.name).second) {
      item.at("name").fail("duplicate stream name '" + stream.name + "' in source '" + source.name + "'");
    }
    source.streams.push_back(std::move(stream));
  }
  return source;
}

}  // namespace

std::vector<SourceConfig> load_sources_section(const ConfigNode& node, const EnvLookup& env) {
  if (node.items().empty()) node.fail("at least one source is needed");
  std::vector<SourceConfig> sources;
  std::set<std::string> names;
  for (const auto& item : node.items()) {
    SourceConfig source = load_source(item, env);
    if (!names.insert(source.name).second) {
      item.at("name").fail("duplicate source name '" + source.name + "'");
    }
    sources.push_back(std::move(source));
  }
  return sources;
}

}  // namespace zra
