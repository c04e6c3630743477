#pragma once
// Exception types of the C++ core. Each carries the context a user needs to find the problem, and the
// exit code it leads to when it reaches the command line. Nothing of these crosses the plugin ABI.
#include <stdexcept>
#include <string>

#include "core/common/exit_codes.h"

namespace zra {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int exit_code = kExitFatal)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const noexcept { return exit_code_; }

 private:
  int exit_code_;
};

// Bad command line. Exit 2, nothing sent.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(message, kExitUsage) {}
};

// A configuration or mapping file problem: names the file, the line and the key path
// (`sources[1].streams[0].mapping.fields.stage.map`). Exit 2, nothing sent.
class ConfigError : public Error {
 public:
  ConfigError(std::string file, int line, std::string key_path, std::string message)
      : Error(format(file, line, key_path, message), kExitUsage),
        file_(std::move(file)), line_(line), key_path_(std::move(key_path)), detail_(std::move(message)) {}
  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }  // 1-based; 0 when unknown
  const std::string& key_path() const noexcept { return key_path_; }
  const std::string& detail() const noexcept { return detail_; }

 private:
  static std::string format(const std::string& file, int line, const std::string& key_path,
                            const std::string& message) {
    std::string out = file.empty() ? std::string("<config>") : file;
    if (line > 0) out += ":" + std::to_string(line);
    if (!key_path.empty()) out += ": " + key_path;
    return out + ": " + message;
  }
  std::string file_;
  int line_;
  std::string key_path_;
  std::string detail_;
};

// Fatal at run time (exit 3): authentication, CRM not registered, network exhausted after retries,
// state store unusable, mass-delete guard tripped.
class FatalError : public Error {
 public:
  explicit FatalError(const std::string& message) : Error(message, kExitFatal) {}
};

// The state store cannot be used (corrupt, newer schema, locked by another run). Exit 3.
class StateError : public FatalError {
 public:
  using FatalError::FatalError;
};

// A plugin could not be loaded or misbehaved at load time: names the file and what is wrong.
class PluginError : public Error {
 public:
  PluginError(std::string path, const std::string& message, int exit_code = kExitUsage)
      : Error(path + ": " + message, exit_code), path_(std::move(path)) {}
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

}  // namespace zra
