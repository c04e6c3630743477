#include "core/plugin_host/loaded_plugin.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"

namespace zra {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kV1Size = sizeof(zra_source_plugin);  // the v1.0 layout (static_assert'ed in plugin.h)

std::string version_text(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// Refuses what another local user could have replaced (Redis and ssh do the same).
void check_file_is_safe(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw PluginError(path, "no such file");
  if (!S_ISREG(st.st_mode)) throw PluginError(path, "not a regular file");
  if (st.st_mode & S_IWOTH) {
    throw PluginError(path, "refusing to load a world-writable plugin file (run: chmod o-w " + path + ")");
  }
  std::string dir = fs::path(path).parent_path().string();
  struct stat dst {};
  if (::stat(dir.c_str(), &dst) == 0 && (dst.st_mode & S_IWOTH)) {
    throw PluginError(path, "refusing to load a plugin from the world-writable directory " + dir +
                                " (anyone could replace it)");
  }
}

bool has_elf_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && std::memcmp(magic, "\x7f" "ELF", 4) == 0;
}

std::vector<SettingInfo> copy_settings(const std::string& path, const char* list_name,
                                       const zra_setting_desc* descs, uint32_t n) {
  std::vector<SettingInfo> out;
  if (n == 0) return out;
  if (descs == nullptr) {
    throw PluginError(path, std::string("plugin bug: declares ") + std::to_string(n) + " " + list_name +
                                " but the '" + list_name + "' pointer is NULL");
  }
  for (uint32_t i = 0; i < n; ++i) {
    const zra_setting_desc& d = descs[i];
    std::string where = std::string(list_name) + "[" + std::to_string(i) + "]";
    if (d.name == nullptr || d.name[0] == '\0') throw PluginError(path, "plugin bug: " + where + " has no name");
    SettingInfo s;
    s.name = d.name;
    s.type = setting_type_name(d.type);
    if (s.type.empty()) {
      throw PluginError(path, "plugin bug: " + where + " ('" + s.name + "') has unknown type " +
                                  std::to_string(static_cast<int>(d.type)));
    }
    s.required = d.required != 0;
    s.description = d.description != nullptr ? d.description : "";
    if (d.default_value != nullptr) {
      s.default_json = d.default_value;
      if (!nlohmann::json::accept(s.default_json)) {
        throw PluginError(path, "plugin bug: default of " + where + " ('" + s.name + "') is not JSON text: " +
                                    s.default_json + " (a string default needs quotes: \"\\\",\\\"\")");
      }
    }
    for (const auto& prev : out) {
      if (prev.name == s.name) throw PluginError(path, "plugin bug: " + where + " declares '" + s.name + "' twice");
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

const char* setting_type_name(int type) {
  switch (type) {
    case ZRA_SETTING_STRING: return "string";
    case ZRA_SETTING_INTEGER: return "integer";
    case ZRA_SETTING_BOOLEAN: return "boolean";
    case ZRA_SETTING_PATH: return "path";
    case ZRA_SETTING_SECRET: return "secret";
    case ZRA_SETTING_OBJECT: return "object";
    case ZRA_SETTING_CHAR: return "char";
    default: return "";
  }
}

std::shared_ptr<LoadedPlugin> LoadedPlugin::open(const std::string& given_path) {
  std::error_code ec;
  fs::path canonical = fs::canonical(given_path, ec);
  if (ec) throw PluginError(given_path, "no such file");
  const std::string path = canonical.string();
  check_file_is_safe(path);
  if (!has_elf_header(path)) throw PluginError(path, "not a shared library (no ELF header)");

  std::shared_ptr<LoadedPlugin> plugin(new LoadedPlugin());
  // RTLD_NODELETE: a plugin whose libraries run threads (cpprest's pool) must not lose its code under them.
  plugin->handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (plugin->handle_ == nullptr) {
    const char* why = ::dlerror();
    throw PluginError(path, std::string("cannot be loaded: ") + (why != nullptr ? why : "unknown dlopen error"));
  }
  ::dlerror();
  void* sym = ::dlsym(plugin->handle_, ZRA_PLUGIN_ENTRY_SYMBOL);
  if (sym == nullptr) {
    throw PluginError(path, std::string("no entry point '") + ZRA_PLUGIN_ENTRY_SYMBOL +
                                "' in " + path + " (a plugin defines it with ZRA_SOURCE_PLUGIN_ENTRY)");
  }
  auto entry = reinterpret_cast<zra_source_plugin_entry_fn>(sym);
  const zra_source_plugin* d = nullptr;
  try {
    d = entry(ZRA_PLUGIN_ABI_MAJOR, ZRA_PLUGIN_ABI_MINOR);
  } catch (const std::exception& e) {
    throw PluginError(path, std::string("plugin bug: a C++ exception escaped its entry point '") +
                                ZRA_PLUGIN_ENTRY_SYMBOL + "': " + e.what());
  }
  const std::string host_version = version_text(ZRA_PLUGIN_ABI_MAJOR, ZRA_PLUGIN_ABI_MINOR);
  if (d == nullptr) {
    throw PluginError(path, std::string("the plugin refused this host: its entry point '") + ZRA_PLUGIN_ENTRY_SYMBOL +
                                "' returned NULL for host ABI " + host_version +
                                " (it cannot serve this ABI; expected a descriptor for ABI " + host_version + ")");
  }
  const std::string found = version_text(d->abi_major, d->abi_minor);
  if (d->abi_major != ZRA_PLUGIN_ABI_MAJOR) {
    throw PluginError(path, std::string("incompatible plugin ABI: '") + ZRA_PLUGIN_ENTRY_SYMBOL +
                                "' reports ABI " + found + ", this zra-sync expects ABI " +
                                std::to_string(ZRA_PLUGIN_ABI_MAJOR) + ".x; rebuild the plugin against this zra-sync's SDK");
  }
  if (d->abi_minor > ZRA_PLUGIN_ABI_MINOR) {
    throw PluginError(path, std::string("plugin built for a newer ABI: '") + ZRA_PLUGIN_ENTRY_SYMBOL +
                                "' reports ABI " + found + ", this zra-sync supports ABI up to " + host_version +
                                "; upgrade zra-sync or rebuild the plugin against SDK " + host_version);
  }
  if (d->struct_size < kV1Size) {
    throw PluginError(path, "plugin bug: descriptor struct_size is " + std::to_string(d->struct_size) +
                                " bytes, smaller than the ABI 1.0 size " + std::to_string(kV1Size));
  }
  // Copy only what the plugin's struct covers: newer members stay NULL.
  std::memcpy(&plugin->descriptor_, d, std::min<size_t>(d->struct_size, sizeof(zra_source_plugin)));
  const zra_source_plugin& c = plugin->descriptor_;
  const std::pair<const char*, bool> required[] = {{"create", c.create != nullptr},
                                                   {"open", c.open != nullptr},
                                                   {"next_batch", c.next_batch != nullptr},
                                                   {"close", c.close != nullptr},
                                                   {"destroy", c.destroy != nullptr}};
  for (const auto& r : required) {
    if (!r.second) throw PluginError(path, std::string("plugin bug: required callback '") + r.first + "' is NULL");
  }
  if (c.name == nullptr || c.name[0] == '\0') throw PluginError(path, "plugin bug: the descriptor's name is empty");

  PluginInfo& i = plugin->info_;
  i.path = path;
  i.name = c.name;
  i.version = c.version != nullptr ? c.version : "";
  i.description = c.description != nullptr ? c.description : "";
  i.abi_major = c.abi_major;
  i.abi_minor = c.abi_minor;
  i.settings = copy_settings(path, "settings", c.settings, c.n_settings);
  i.stream_settings = copy_settings(path, "stream_settings", c.stream_settings, c.n_stream_settings);
  return plugin;
}

LoadedPlugin::~LoadedPlugin() {
  if (handle_ != nullptr) ::dlclose(handle_);
}

}  // namespace zra
