#pragma once
// What a plugin says about itself, copied out of its descriptor (so it outlives the library).
#include <cstdint>
#include <string>
#include <vector>

namespace zra {

// One declared setting (zra_setting_desc). `type` is one of: string, integer, boolean, path, secret,
// object, char. `default_json` is the plugin's default as JSON text, empty when it has none.
struct SettingInfo {
  std::string name, type, default_json, description;
  bool required = false;
};

struct PluginInfo {
  std::string path;  // canonical path of the .so
  std::string name, version, description;
  uint32_t abi_major = 0, abi_minor = 0;
  std::vector<SettingInfo> settings;         // keys of a source's `settings:`
  std::vector<SettingInfo> stream_settings;  // keys of a stream beyond the host's own
};

}  // namespace zra
