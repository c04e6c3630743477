#pragma once
// One plugin library, loaded and checked against the host's ABI. Owns the dlopen handle.
#include <memory>
#include <string>

#include "core/plugin_host/plugin_info.h"
#include "zra_sync/plugin.h"

namespace zra {

class LoadedPlugin {
 public:
  // Loads and checks one file (see PluginHost::load_file for every check and its message).
  // Throws PluginError naming the file. Not thread-safe against concurrent loads of the same file.
  static std::shared_ptr<LoadedPlugin> open(const std::string& path);

  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;
  ~LoadedPlugin();  // dlclose

  const PluginInfo& info() const { return info_; }
  // The host's copy of the descriptor: zero-filled beyond the plugin's struct_size, so a member the
  // plugin was built without reads as NULL / 0. Valid as long as this object lives.
  const zra_source_plugin& descriptor() const { return descriptor_; }

 private:
  LoadedPlugin() = default;
  void* handle_ = nullptr;
  zra_source_plugin descriptor_{};
  PluginInfo info_;
};

inline const PluginInfo& info(const LoadedPlugin& plugin) { return plugin.info(); }

// "string", "integer", ... for a zra_setting_type; "" for a value outside the enum.
const char* setting_type_name(int type);

}  // namespace zra
