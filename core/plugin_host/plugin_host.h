#pragma once
// The plugin host: finds source plugins (lib<name>.so) in the configured plugin_paths and the built-in
// directory, loads them through the C ABI of plugins/sdk/include/zra_sync/plugin.h, and reads them
// through SourceInstance / StreamReader (source_instance.h, included here for convenience), in this
// process or in a source host child process per instance (isolation.h).
//
//   zra::PluginHost host(config_plugin_paths);
//   auto plugin = host.load("csv");
//   auto source = zra::SourceInstance::create(plugin, "exports", source_node_settings);
//   auto reader = source->open(stream_node, /*since=*/std::nullopt, 1000);
//   std::vector<zra::SourceRow> rows;
//   while (reader->next(rows)) { ... }
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/plugin_host/loaded_plugin.h"
#include "core/plugin_host/plugin_info.h"
#include "core/plugin_host/source_instance.h"

namespace zra {

// Not thread-safe: load plugins from one thread (the engine does it while starting a run).
class PluginHost {
 public:
  // search_paths: the config's plugin_paths (absolute), searched in order before builtin_plugin_dir().
  explicit PluginHost(std::vector<std::string> search_paths);

  // $ZRA_SYNC_PLUGIN_DIR when set and not empty, else <dir of /proc/self/exe>/../lib/zra-sync/plugins
  // (the same relative place in the build tree and the install tree).
  static std::string builtin_plugin_dir();

  // The directories load() and list() search, in order.
  const std::vector<std::string>& search_dirs() const { return dirs_; }

  // Finds lib<name>.so in the search dirs, loads it with load_file(), and checks that the descriptor's
  // name is `name`. Throws PluginError: invalid name, not found (naming every directory looked in),
  // or any load_file() error. The same file is loaded once per host (later calls share it).
  std::shared_ptr<LoadedPlugin> load(const std::string& name);

  // Loads one file: refuses a world-writable file or containing directory and a file without an ELF
  // header; dlopen(RTLD_NOW | RTLD_LOCAL); looks up ZRA_PLUGIN_ENTRY_SYMBOL and calls it with the host
  // ABI; refuses NULL, another major version, a newer minor version (naming file, symbol, expected and
  // found versions), a descriptor smaller than ABI 1.0, NULL required callbacks, an empty name, and
  // malformed setting declarations. Throws PluginError (its message starts with the file's path).
  std::shared_ptr<LoadedPlugin> load_file(const std::string& path);

  // Every lib*.so in the search dirs, in search order (each directory sorted by file name). A plugin that
  // does not load is listed with its error and only `path` set in its info; one hidden by an earlier
  // plugin of the same name is listed with "shadowed by <path>".
  std::vector<std::pair<PluginInfo, std::string /*error or empty*/>> list();

 private:
  std::vector<std::string> dirs_;
  std::map<std::string, std::shared_ptr<LoadedPlugin>> loaded_;  // by canonical path
};

}  // namespace zra
