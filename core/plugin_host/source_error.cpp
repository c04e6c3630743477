#include "core/plugin_host/source_error.h"

#include "zra_sync/plugin.h"

namespace zra {
namespace {
std::string describe(const std::string& plugin, const std::string& source, const std::string& stream,
                     const std::string& detail) {
  std::string out = "source '" + source + "' (plugin '" + plugin + "')";
  if (!stream.empty()) out += ", stream '" + stream + "'";
  return out + ": " + detail;
}
}  // namespace

SourceError::SourceError(std::string plugin, std::string source, std::string stream, std::string detail,
                         int exit_code)
    : Error(describe(plugin, source, stream, detail), exit_code),
      plugin_(std::move(plugin)), source_(std::move(source)), stream_(std::move(stream)), detail_(std::move(detail)) {}

std::string status_name(int status) {
  switch (status) {
    case ZRA_OK: return "ZRA_OK";
    case ZRA_DONE: return "ZRA_DONE";
    case ZRA_ERROR: return "ZRA_ERROR";
    case ZRA_ERROR_SETTINGS: return "ZRA_ERROR_SETTINGS";
    case ZRA_ERROR_IO: return "ZRA_ERROR_IO";
    case ZRA_ERROR_NOMEM: return "ZRA_ERROR_NOMEM";
    default: return "status " + std::to_string(status);
  }
}

}  // namespace zra
