#pragma once
// Private to the plugin host: one plugin instance, shared by its SourceInstance and its open StreamReader
// so that destroy() runs only after the last cursor is closed.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/plugin_host/host_api.h"
#include "core/plugin_host/loaded_plugin.h"

namespace zra::plugin_host_detail {

class InstanceState {
 public:
  // `host_api`: see make_in_process_source (nullptr: log through core/common/log.h).
  InstanceState(std::shared_ptr<LoadedPlugin> plugin, std::string source_name, const zra_host_api* host_api = nullptr);
  ~InstanceState();  // destroy() when create() succeeded
  InstanceState(const InstanceState&) = delete;
  InstanceState& operator=(const InstanceState&) = delete;

  const zra_source_plugin& api() const { return plugin_->descriptor(); }
  const std::string& plugin_name() const { return plugin_->info().name; }
  const std::string& source_name() const { return log_context_.source; }
  const zra_host_api* host_api() const { return &host_api_; }

  // Calls one plugin function with a fresh error buffer. Returns ZRA_OK, or ZRA_DONE when `done_allowed`.
  // Throws SourceError for a negative status (with the plugin's message, or "plugin bug" without one), for
  // any other status, and for a C++ exception escaping the plugin.
  int call(const char* function, const std::string& stream, bool done_allowed,
           const std::function<int(zra_error*)>& fn);

  void* instance = nullptr;
  bool created = false;
  bool stream_open = false;

 private:
  std::shared_ptr<LoadedPlugin> plugin_;
  PluginLogContext log_context_;
  zra_host_api host_api_;
  std::vector<char> error_buffer_;
};

}  // namespace zra::plugin_host_detail
