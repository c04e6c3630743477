#include "core/plugin_host/source_instance.h"

#include <nlohmann/json.hpp>

#include "core/plugin_host/setting_validator.h"
#include "core/plugin_host/source_backend.h"

namespace zra {

const std::vector<std::string> kHostStreamKeys = {"name", "object", "mapping", "mode", "max_delete_fraction", "cursor"};

using plugin_host_detail::SourceBackend;
using plugin_host_detail::StreamBackend;

StreamReader::StreamReader(std::unique_ptr<StreamBackend> backend, std::string stream)
    : backend_(std::move(backend)), stream_(std::move(stream)) {}

StreamReader::~StreamReader() = default;

bool StreamReader::next(std::vector<SourceRow>& out) {
  if (failed_) {
    out.clear();
    throw SourceError(plugin_name_, source_name_, stream_, "read again after the stream failed");
  }
  if (done_) {
    out.clear();
    return false;
  }
  try {
    if (!backend_->next(out)) done_ = true;
  } catch (const SourceError&) {
    failed_ = true;
    out.clear();
    throw;
  }
  return !done_;
}

SourceInstance::SourceInstance(std::shared_ptr<LoadedPlugin> plugin, std::string source_name, Isolation isolation,
                               std::unique_ptr<SourceBackend> backend)
    : plugin_(std::move(plugin)), source_name_(std::move(source_name)), isolation_(isolation),
      backend_(std::move(backend)) {}

SourceInstance::~SourceInstance() = default;

std::unique_ptr<SourceInstance> SourceInstance::create(std::shared_ptr<LoadedPlugin> plugin,
                                                       const std::string& source_name, const ConfigNode& settings,
                                                       const IsolationOptions& isolation) {
  const std::string owner = "plugin '" + plugin->info().name + "' (source '" + source_name + "')";
  const std::string json = validate_settings(plugin->info().settings, settings, owner).dump();
  auto backend = isolation.mode == Isolation::Process
                     ? plugin_host_detail::make_process_source(plugin, source_name, json, isolation)
                     : plugin_host_detail::make_in_process_source(plugin, source_name, json);
  return std::unique_ptr<SourceInstance>(
      new SourceInstance(std::move(plugin), source_name, isolation.mode, std::move(backend)));
}

std::unique_ptr<StreamReader> SourceInstance::open(const ConfigNode& stream_node,
                                                   const std::optional<std::string>& since, size_t batch_rows) {
  const std::string name = stream_node.at("name").as_string();
  const std::string owner = "plugin '" + plugin_->info().name + "' (source '" + source_name_ +
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
  std::unique_ptr<StreamReader> reader(new StreamReader(backend_->open(stream_name, stream_json), stream_name));
  reader->plugin_name_ = plugin_->info().name;
  reader->source_name_ = source_name_;
  return reader;
}

void SourceInstance::check() { backend_->check(); }

}  // namespace zra
