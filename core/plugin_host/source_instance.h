#pragma once
// Reading a source through its plugin: SourceInstance (create/check/destroy) and StreamReader
// (open/next_batch/close). Rows are copied out of plugin memory, so they outlive the plugin's batch.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config_node.h"
#include "core/common/source_row.h"
#include "core/plugin_host/isolation.h"
#include "core/plugin_host/loaded_plugin.h"
#include "core/plugin_host/source_error.h"

namespace zra {

namespace plugin_host_detail {
class SourceBackend;
class StreamBackend;
}  // namespace plugin_host_detail

// Stream keys the host owns: not passed to the plugin's stream_settings validation.
extern const std::vector<std::string> kHostStreamKeys;  // name, object, mapping, mode, max_delete_fraction, cursor

// One open stream. Not thread-safe; keeps its plugin instance alive until it is destroyed.
class StreamReader {
 public:
  // Reads the next non-empty batch: `out` is replaced by copies of the plugin's rows (the rows it held
  // are reused for their storage; empty when it returns false or throws).
  // Returns false at the end of the stream (and on every later call). Throws SourceError when the plugin
  // fails (its message included), returns a malformed batch (struct_size below ABI 1.0, NULL rows or
  // columns, a row without a locator: "plugin bug"), or lets a C++ exception escape; with process
  // isolation also when the plugin's process crashes ("crashed with SIGSEGV"), hangs past the read
  // timeout or breaks the framing (each naming the plugin file and the rows received so far).
  // After a throw, the stream is finished: later calls throw again.
  bool next(std::vector<SourceRow>& out);
  const std::string& stream_name() const { return stream_; }
  ~StreamReader();  // close(); with process isolation, a stream closed before its end stops its process
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;

 private:
  friend class SourceInstance;
  StreamReader(std::unique_ptr<plugin_host_detail::StreamBackend> backend, std::string stream);

  std::unique_ptr<plugin_host_detail::StreamBackend> backend_;
  std::string stream_;
  std::string plugin_name_, source_name_;
  bool done_ = false;
  bool failed_ = false;
};

// One configured source (one plugin instance). Not thread-safe; one open stream at a time (the ABI's rule).
class SourceInstance {
 public:
  // Validates `settings` (a map, or null = {}) against the plugin's declared settings (see
  // validate_settings: ConfigError at the offending key), then calls create(): in this process, or with
  // `isolation.mode == Isolation::Process` in a child process that runs the plugin for this instance
  // (isolation.h). Throws ConfigError, or SourceError when create() fails (exit code 2 for
  // ZRA_ERROR_SETTINGS). A child that crashes or hangs in create() is logged, not thrown: each later
  // open() starts a new child and fails with the crash as that stream's SourceError.
  static std::unique_ptr<SourceInstance> create(std::shared_ptr<LoadedPlugin> plugin, const std::string& source_name,
                                                const ConfigNode& settings,
                                                const IsolationOptions& isolation = default_isolation());

  // Validates the stream node's plugin keys (all but kHostStreamKeys) against the plugin's stream_settings,
  // builds {"name", "object", declared keys with defaults, "since" when given, "batch_rows"} and calls
  // open(). The stream node must have a `name`. Throws ConfigError, SourceError (also when another stream
  // of this instance is still open).
  std::unique_ptr<StreamReader> open(const ConfigNode& stream_node, const std::optional<std::string>& since,
                                     size_t batch_rows = 1000);
  // Same with the stream JSON already built (the checker and tests use it); no validation is applied.
  std::unique_ptr<StreamReader> open_json(const std::string& stream_name, const std::string& stream_json);

  // Calls the plugin's optional check() (reachability without reading); a no-op when it has none.
  // Throws SourceError on failure.
  void check();

  const std::string& source_name() const { return source_name_; }
  const LoadedPlugin& plugin() const { return *plugin_; }
  Isolation isolation() const { return isolation_; }
  ~SourceInstance();  // destroy(), once the last stream of this instance is closed (the child then exits)

 private:
  SourceInstance(std::shared_ptr<LoadedPlugin> plugin, std::string source_name, Isolation isolation,
                 std::unique_ptr<plugin_host_detail::SourceBackend> backend);
  std::shared_ptr<LoadedPlugin> plugin_;
  std::string source_name_;
  Isolation isolation_;
  std::unique_ptr<plugin_host_detail::SourceBackend> backend_;
};

}  // namespace zra
