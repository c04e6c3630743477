#include "plugins/odbc/odbc_source.h"

#include "plugins/odbc/connection_string.h"
#include "plugins/odbc/odbc_failure.h"
#include "plugins/odbc/parameter_binder.h"

namespace zra::odbc {

OdbcSource::OdbcSource(const zra_host_api* host, const std::string& settings_json)
    : host_(host), settings_(parse_source_settings(settings_json)) {
  for (const auto& secret : settings_.secrets) redactor_.add(secret);
}

void OdbcSource::log(zra_log_level level, const std::string& message) const {
  if (host_ != nullptr && host_->struct_size >= sizeof(zra_host_api) && host_->log != nullptr) {
    host_->log(host_->host_context, level, redactor_.redact(message).c_str());
  }
}

std::shared_ptr<ConnectionState> OdbcSource::connection() {
  if (connection_ && !connection_->lost) return connection_;
  if (connection_) log(ZRA_LOG_INFO, "odbc: reconnecting after a lost connection");
  connection_.reset();
  if (!environment_) environment_ = std::make_shared<OdbcEnvironment>();
  auto state = std::make_shared<ConnectionState>();
  state->environment = environment_;
  state->connection = std::make_unique<OdbcConnection>(*environment_);
  const std::string text = with_driver_defaults(settings_.connection_string, kDefaultFetchRows);
  state->connection->connect(text, settings_.login_timeout_s, redactor_);
  const auto& caps = state->connection->capabilities();
  log(ZRA_LOG_DEBUG, "odbc: connected with " + caps.driver_name + " (" + mask_connection_string(text) + ")" +
                         (caps.getdata_block ? ", block fetch" : ", one row per fetch"));
  // A DSN hides the driver from with_driver_defaults(): say what keeps memory flat.
  const auto attributes = parse_connection_string(text);
  if (caps.driver_name.find("psqlodbc") != std::string::npos && find_attribute(attributes, "UseDeclareFetch").empty()) {
    log(ZRA_LOG_WARN, "odbc: psqlODBC holds whole result sets in memory unless UseDeclareFetch=1; set it in the DSN "
                      "or the connection string");
  }
  if (caps.driver_name.find("sqlite") != std::string::npos && find_attribute(attributes, "StepAPI").empty()) {
    log(ZRA_LOG_WARN, "odbc: the SQLite ODBC driver holds whole result sets in memory unless StepAPI=1; set it in "
                      "the DSN or the connection string");
  }
  connection_ = state;
  return connection_;
}

void OdbcSource::check() { connection(); }

std::unique_ptr<OdbcStream> OdbcSource::open(const std::string& stream_json) {
  StreamSettings stream = parse_stream_settings(stream_json);
  auto state = connection();
  auto reader = std::make_unique<OdbcStream>(state, stream, settings_.query_timeout_s, redactor_);
  for (const auto& name : ParameterBinder::unused_parameters(rewrite_named_parameters(stream.query), stream)) {
    log(ZRA_LOG_WARN, "odbc: stream " + stream.name + ": params." + name + " is not used by the query (no :" + name + ")");
  }
  return reader;
}

}  // namespace zra::odbc
