#pragma once
// The zra_host_api a plugin instance receives: its log() goes to core/common/log.h.
#include <string>

#include "zra_sync/plugin.h"

namespace zra {

// Who is logging: added as fields to every line a plugin logs. Must outlive the zra_host_api.
struct PluginLogContext {
  std::string plugin;
  std::string source;
};

// A host API whose host_context is `context`. Its log() never throws into the plugin.
zra_host_api make_host_api(PluginLogContext* context);

}  // namespace zra
