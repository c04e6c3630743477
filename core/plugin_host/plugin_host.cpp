#include "core/plugin_host/plugin_host.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "core/common/errors.h"

namespace zra {
namespace {

namespace fs = std::filesystem;

bool valid_plugin_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  }) && name.front() != '.';
}

}  // namespace

PluginHost::PluginHost(std::vector<std::string> search_paths) : dirs_(std::move(search_paths)) {
  dirs_.push_back(builtin_plugin_dir());
}

std::string PluginHost::builtin_plugin_dir() {
  const char* env = std::getenv("ZRA_SYNC_PLUGIN_DIR");
  if (env != nullptr && env[0] != '\0') return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "lib/zra-sync/plugins";
  return (exe.parent_path() / ".." / "lib" / "zra-sync" / "plugins").lexically_normal().string();
}

std::shared_ptr<LoadedPlugin> PluginHost::load(const std::string& name) {
  const std::string file = "lib" + name + ".so";
  if (!valid_plugin_name(name)) {
    throw PluginError(name, "invalid plugin name (letters, digits, '_', '-' and '.' only, not a path)");
  }
  std::string looked;
  for (const auto& dir : dirs_) {
    fs::path candidate = fs::path(dir) / file;
    std::error_code ec;
    if (fs::exists(candidate, ec)) {
      auto plugin = load_file(candidate.string());
      if (plugin->info().name != name) {
        throw PluginError(plugin->info().path, "declares plugin name '" + plugin->info().name +
                                                   "', but was loaded as '" + name + "'");
      }
      return plugin;
    }
    looked += "\n  " + dir + (fs::is_directory(dir, ec) ? "" : " (no such directory)");
  }
  throw PluginError(file, "plugin '" + name + "' not found; looked in:" + looked);
}

std::shared_ptr<LoadedPlugin> PluginHost::load_file(const std::string& path) {
  std::error_code ec;
  std::string key = fs::weakly_canonical(path, ec).string();
  if (ec) key = path;
  auto it = loaded_.find(key);
  if (it != loaded_.end()) return it->second;
  auto plugin = LoadedPlugin::open(path);
  loaded_.emplace(key, plugin);
  return plugin;
}

std::vector<std::pair<PluginInfo, std::string>> PluginHost::list() {
  std::vector<std::pair<PluginInfo, std::string>> out;
  std::map<std::string, std::string> first_by_name;
  for (const auto& dir : dirs_) {
    std::error_code ec;
    std::vector<std::string> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::string f = it->path().filename().string();
      if (f.size() > 6 && f.rfind("lib", 0) == 0 && f.compare(f.size() - 3, 3, ".so") == 0) {
        files.push_back(it->path().string());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      try {
        PluginInfo info = load_file(f)->info();
        std::string note;
        auto [pos, inserted] = first_by_name.emplace(info.name, info.path);
        if (!inserted) note = "shadowed by " + pos->second;
        out.emplace_back(std::move(info), note);
      } catch (const PluginError& e) {
        PluginInfo info;
        info.path = f;
        out.emplace_back(std::move(info), e.what());
      }
    }
  }
  return out;
}

}  // namespace zra
