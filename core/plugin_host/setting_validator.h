#pragma once
// Checks a settings map from the config against a plugin's declared settings, and builds the JSON object
// the plugin receives. One piece shared by SourceInstance::create() (source settings), open() (stream
// settings) and the plugin checker.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config_node.h"
#include "core/plugin_host/plugin_info.h"

namespace zra {

// `node` is a map, or null (= no settings). Keys in `host_keys` belong to the host and are skipped.
// Every other key must be declared (else ConfigError at that key's file/line listing the declared keys);
// values must have the declared type (string/secret: any scalar; integer; boolean; char: exactly one
// character; path: text, resolved against the directory of the file that names it; object: a map or a
// list); required keys must be present; defaults fill what is absent (a default path resolves against
// node.base_dir()). SECRET values are registered with add_secret(). `owner` names the settings in
// messages, e.g. "plugin 'csv'". Throws ConfigError.
nlohmann::json validate_settings(const std::vector<SettingInfo>& declared, const ConfigNode& node,
                                 const std::string& owner, const std::vector<std::string>& host_keys = {});

// A JSON value as a ConfigNode (for settings given as JSON: `plugin check --settings`, tests). Strings
// become quoted scalars, numbers and booleans unquoted ones; every node has `file`, line 0, and its key path.
ConfigNode json_to_config_node(const nlohmann::json& j, const std::string& file, const std::string& path = "");

}  // namespace zra
