#include "core/plugin_host/host_api.h"

#include <cstdio>
#include <exception>

#include "core/common/log.h"

namespace zra {
namespace {

LogLevel to_log_level(zra_log_level level) {
  switch (level) {
    case ZRA_LOG_DEBUG: return LogLevel::Debug;
    case ZRA_LOG_INFO: return LogLevel::Info;
    case ZRA_LOG_WARN: return LogLevel::Warn;
    case ZRA_LOG_ERROR: return LogLevel::Error;
  }
  return LogLevel::Info;
}

void plugin_log(void* host_context, zra_log_level level, const char* message) {
  if (message == nullptr) return;
  // An exception must not unwind through the plugin's C frames; a logger that fails falls back to stderr.
  try {
    const auto* ctx = static_cast<const PluginLogContext*>(host_context);
    nlohmann::json fields = nlohmann::json::object();
    if (ctx != nullptr) {
      fields["plugin"] = ctx->plugin;
      if (!ctx->source.empty()) fields["source"] = ctx->source;
    }
    log(to_log_level(level), "plugin.log", message, fields);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "zra-sync: could not log a plugin message: %s\n", e.what());
  }
}

}  // namespace

zra_host_api make_host_api(PluginLogContext* context) {
  zra_host_api api{};
  api.struct_size = sizeof(zra_host_api);
  api.abi_major = ZRA_PLUGIN_ABI_MAJOR;
  api.abi_minor = ZRA_PLUGIN_ABI_MINOR;
  api.host_context = context;
  api.log = &plugin_log;
  return api;
}

}  // namespace zra
