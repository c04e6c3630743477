#pragma once
// One configured ODBC source (a plugin instance): its settings and its connection, opened lazily by
// check() or the first open(), and opened again after a stream lost it. One stream at a time.
#include <functional>
#include <memory>
#include <string>

#include "plugins/odbc/odbc_handles.h"
#include "plugins/odbc/odbc_settings.h"
#include "plugins/odbc/odbc_stream.h"
#include "plugins/odbc/secret_redactor.h"
#include "zra_sync/plugin.h"

namespace zra::odbc {

class OdbcSource {
 public:
  // Throws OdbcFailure(ZRA_ERROR_SETTINGS) when the settings JSON is invalid (names the key).
  OdbcSource(const zra_host_api* host, const std::string& settings_json);

  // Connects (if not yet connected) and runs nothing. Throws OdbcFailure on failure.
  void check();

  // Runs the stream's query and returns its reader. Throws OdbcFailure: ZRA_ERROR_SETTINGS for a bad
  // stream definition or a query the database rejects as invalid, ZRA_ERROR_IO when unreachable.
  std::unique_ptr<OdbcStream> open(const std::string& stream_json);

 private:
  std::shared_ptr<ConnectionState> connection();
  void log(zra_log_level level, const std::string& message) const;

  const zra_host_api* host_;
  SourceSettings settings_;
  SecretRedactor redactor_;
  std::shared_ptr<OdbcEnvironment> environment_;
  std::shared_ptr<ConnectionState> connection_;
};

}  // namespace zra::odbc
