#include "core/plugin_host/source_instance.h"

#include <nlohmann/json.hpp>

#include "core/common/log.h"
#include "core/plugin_host/instance_state.h"
#include "core/plugin_host/setting_validator.h"

namespace zra {

const std::vector<std::string> kHostStreamKeys = {"name", "object", "mapping", "mode", "max_delete_fraction", "cursor"};

namespace plugin_host_detail {

constexpr size_t kErrorCapacity = 4096;

InstanceState::InstanceState(std::shared_ptr<LoadedPlugin> plugin, std::string source_name)
    : plugin_(std::move(plugin)), error_buffer_(kErrorCapacity, '\0') {
  log_context_.plugin = plugin_->info().name;
  log_context_.source = std::move(source_name);
  host_api_ = make_host_api(&log_context_);
}

InstanceState::~InstanceState() {
  if (created) api().destroy(instance);
}

int InstanceState::call(const char* function, const std::string& stream, bool done_allowed,
                        const std::function<int(zra_error*)>& fn) {
  error_buffer_[0] = '\0';
  zra_error err{error_buffer_.data(), error_buffer_.size()};
  int status = ZRA_ERROR;
  const std::string fn_name = std::string(function) + "()";
  try {
    status = fn(&err);
  } catch (const std::exception& e) {
    throw SourceError(plugin_name(), source_name(), stream,
                      "plugin bug: a C++ exception escaped " + fn_name + " (exceptions must not cross the ABI): " +
                          redact(e.what()));
  } catch (...) {
    throw SourceError(plugin_name(), source_name(), stream,
                      "plugin bug: a non-standard C++ exception escaped " + fn_name + " (exceptions must not cross the ABI)");
  }
  error_buffer_.back() = '\0';  // a plugin that ignored the capacity must not make us read past the end
  if (status == ZRA_OK || (status == ZRA_DONE && done_allowed)) return status;
  std::string message(error_buffer_.data());
  if (status >= 0) {
    throw SourceError(plugin_name(), source_name(), stream,
                      "plugin bug: " + fn_name + " returned " + status_name(status) + ", which it may not return");
  }
  if (message.empty()) {
    throw SourceError(plugin_name(), source_name(), stream,
                      "plugin bug: " + fn_name + " failed with " + status_name(status) +
                          " but gave no error message (it must call zra_set_error)");
  }
  throw SourceError(plugin_name(), source_name(), stream,
                    fn_name + " failed (" + status_name(status) + "): " + redact(message),
                    status == ZRA_ERROR_SETTINGS ? kExitUsage : kExitFatal);
}

}  // namespace plugin_host_detail

using plugin_host_detail::InstanceState;

SourceInstance::SourceInstance(std::shared_ptr<LoadedPlugin> plugin, std::shared_ptr<InstanceState> state)
    : plugin_(std::move(plugin)), state_(std::move(state)) {}

SourceInstance::~SourceInstance() = default;

std::unique_ptr<SourceInstance> SourceInstance::create(std::shared_ptr<LoadedPlugin> plugin,
                                                       const std::string& source_name, const ConfigNode& settings) {
  const std::string owner = "plugin '" + plugin->info().name + "' (source '" + source_name + "')";
  const std::string json = validate_settings(plugin->info().settings, settings, owner).dump();
  auto state = std::make_shared<InstanceState>(plugin, source_name);
  state->call("create", "", false, [&](zra_error* err) {
    return state->api().create(state->host_api(), json.c_str(), &state->instance, err);
  });
  state->created = true;
  return std::unique_ptr<SourceInstance>(new SourceInstance(std::move(plugin), std::move(state)));
}

std::unique_ptr<StreamReader> SourceInstance::open(const ConfigNode& stream_node,
                                                   const std::optional<std::string>& since, size_t batch_rows) {
  const std::string name = stream_node.at("name").as_string();
  const std::string owner = "plugin '" + plugin_->info().name + "' (source '" + state_->source_name() +
                            "', stream '" + name + "')";
  nlohmann::json j = validate_settings(plugin_->info().stream_settings, stream_node, owner, kHostStreamKeys);
  j["name"] = name;
  if (const ConfigNode* object = stream_node.find("object"); object != nullptr && object->is_scalar()) {
    j["object"] = object->as_string();
  }
  if (since) j["since"] = *since;
  j["batch_rows"] = batch_rows;
  return open_json(name, j.dump());
}

std::unique_ptr<StreamReader> SourceInstance::open_json(const std::string& stream_name, const std::string& stream_json) {
  if (state_->stream_open) {
    throw SourceError(plugin_->info().name, state_->source_name(), stream_name,
                      "another stream of this source is still open (one stream at a time per instance)");
  }
  void* cursor = nullptr;
  state_->call("open", stream_name, false, [&](zra_error* err) {
    return state_->api().open(state_->instance, stream_json.c_str(), &cursor, err);
  });
  state_->stream_open = true;
  return std::unique_ptr<StreamReader>(new StreamReader(state_, cursor, stream_name));
}

void SourceInstance::check() {
  if (state_->api().check == nullptr) return;
  state_->call("check", "", false, [&](zra_error* err) { return state_->api().check(state_->instance, err); });
}

const std::string& SourceInstance::source_name() const { return state_->source_name(); }

}  // namespace zra
