#pragma once
// Private to the plugin host: the two ways SourceInstance / StreamReader reach a plugin. In process
// (in_process_source.cpp: the plugin's functions are called here) or through a child process
// (process_source.cpp). Both throw the same SourceError for the same plugin failure.
#include <memory>
#include <string>
#include <vector>

#include "core/common/source_row.h"
#include "core/plugin_host/isolation.h"
#include "core/plugin_host/loaded_plugin.h"
#include "zra_sync/plugin.h"

namespace zra::plugin_host_detail {

class StreamBackend {
 public:
  virtual ~StreamBackend() = default;
  // Clears `out` and fills it with the next non-empty batch; false at the end. Throws SourceError.
  // Not called again after it returned false or threw.
  virtual bool next(std::vector<SourceRow>& out) = 0;
};

// The in-process stream also hands out the plugin's batches as they are, after the checks next() applies
// (a bad batch throws the same SourceError): the source host encodes them into frames without copying.
class RawBatchStream {
 public:
  virtual ~RawBatchStream() = default;
  // The next non-empty batch, valid until the next call; nullptr at the end. Throws SourceError.
  virtual const zra_batch* next_checked() = 0;
};

class SourceBackend {
 public:
  virtual ~SourceBackend() = default;
  // Throws SourceError (also when another stream of this instance is still open).
  virtual std::unique_ptr<StreamBackend> open(const std::string& stream_name, const std::string& stream_json) = 0;
  virtual void check() = 0;
};

// Calls create() in this process. `host_api`, when given, replaces the logging host API (the source host
// child forwards plugin log lines to the parent with it); it must outlive the instance.
std::unique_ptr<SourceBackend> make_in_process_source(std::shared_ptr<LoadedPlugin> plugin,
                                                      const std::string& source_name, const std::string& settings_json,
                                                      const zra_host_api* host_api = nullptr);

// Starts a child process that loads the plugin and calls create() (see SourceInstance::create).
std::unique_ptr<SourceBackend> make_process_source(std::shared_ptr<LoadedPlugin> plugin,
                                                   const std::string& source_name, const std::string& settings_json,
                                                   const IsolationOptions& options);

}  // namespace zra::plugin_host_detail
