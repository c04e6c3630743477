#pragma once
// The one exception type inside the ODBC plugin. It never crosses the C ABI: odbc_plugin.cpp turns it
// into a zra_status plus message. The message must already be free of secrets.
#include <stdexcept>
#include <string>

#include "zra_sync/plugin.h"

namespace zra::odbc {

class OdbcFailure : public std::runtime_error {
 public:
  OdbcFailure(zra_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  zra_status status() const noexcept { return status_; }

 private:
  zra_status status_;
};

// Shorthand for a settings / stream definition error (ZRA_ERROR_SETTINGS).
inline OdbcFailure settings_failure(const std::string& message) {
  return OdbcFailure(ZRA_ERROR_SETTINGS, message);
}

}  // namespace zra::odbc
