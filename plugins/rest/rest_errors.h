#pragma once
// Exceptions of the REST plugin. They never cross the C ABI: rest_plugin.cpp turns each into a
// zra_status plus a message. Every message is redacted (SecretMask) before it leaves the plugin.
#include <stdexcept>
#include <string>

#include <zra_sync/plugin.h>

namespace zra::rest {

// A source or stream setting is invalid. `key` is its path ("auth.token", "pagination.size").
class SettingsError : public std::runtime_error {
 public:
  SettingsError(const std::string& key, const std::string& message)
      : std::runtime_error(key + ": " + message), key_(key) {}
  const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

// Reading a stream failed: HTTP error after retries, no answer, a malformed page, a pagination loop.
// `status` is the zra_status the ABI reports (ZRA_ERROR_IO when the source could not be reached).
class StreamError : public std::runtime_error {
 public:
  explicit StreamError(const std::string& message, zra_status status = ZRA_ERROR)
      : std::runtime_error(message), status_(status) {}
  zra_status status() const noexcept { return status_; }

 private:
  zra_status status_;
};

}  // namespace zra::rest
