#pragma once
// A source failed as a whole: a plugin's create/open/next_batch/check returned an error, or the plugin
// broke the ABI contract while being read (a "plugin bug").
#include <string>

#include "core/common/errors.h"

namespace zra {

class SourceError : public Error {
 public:
  // what(): "source 'erp' (plugin 'odbc'), stream 'accounts': <detail>" (stream part omitted when empty).
  // Exit code: kExitUsage for a settings error (ZRA_ERROR_SETTINGS), else kExitFatal.
  SourceError(std::string plugin, std::string source, std::string stream, std::string detail,
              int exit_code = kExitFatal);
  const std::string& plugin() const noexcept { return plugin_; }
  const std::string& source() const noexcept { return source_; }
  const std::string& stream() const noexcept { return stream_; }
  const std::string& detail() const noexcept { return detail_; }

 private:
  std::string plugin_, source_, stream_, detail_;
};

// "ZRA_ERROR_IO", "ZRA_DONE", ...; "status N" for a value outside the enum.
std::string status_name(int status);

}  // namespace zra
