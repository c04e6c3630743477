#pragma once
// A configuration value that remembers where it came from (file, line, key path), so that every error
// about it can say so. The loader builds it from YAML or JSON with ${VAR} already expanded; everything
// downstream (mapping compiler, plugin settings checks) reads configuration only through it.
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace zra {

class ConfigNode {
 public:
  enum class Kind { Null, Scalar, Sequence, Map };

  ConfigNode() = default;
  static ConfigNode scalar(std::string value, bool quoted, std::string file, int line, std::string path);
  static ConfigNode null(std::string file, int line, std::string path);
  static ConfigNode sequence(std::string file, int line, std::string path);
  static ConfigNode map(std::string file, int line, std::string path);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_scalar() const { return kind_ == Kind::Scalar; }
  bool is_sequence() const { return kind_ == Kind::Sequence; }
  bool is_map() const { return kind_ == Kind::Map; }

  const std::string& file() const { return file_; }
  int line() const { return line_; }          // 1-based
  const std::string& path() const { return path_; }  // "sources[1].streams[0].mapping"
  // Directory of file(): relative paths named here resolve against it.
  std::string base_dir() const;

  // Scalars. Each throws ConfigError (file, line, path) when the value is not of that type.
  const std::string& as_string() const;  // any scalar's text
  bool was_quoted() const { return quoted_; }  // "123" in quotes is text, 123 is a number
  int64_t as_int() const;
  double as_double() const;
  bool as_bool() const;  // true/false, yes/no, on/off, 1/0 (any case)

  // Sequences.
  const std::vector<ConfigNode>& items() const;  // throws unless a sequence
  // Maps: entries in file order.
  const std::vector<std::pair<std::string, ConfigNode>>& entries() const;  // throws unless a map
  const ConfigNode* find(std::string_view key) const;  // nullptr when absent (or not a map)
  const ConfigNode& at(std::string_view key) const;    // throws "missing required key" when absent
  // Throws ConfigError naming the first key not in `allowed`, and listing the allowed ones.
  void check_keys(std::initializer_list<std::string_view> allowed) const;
  void check_keys(const std::vector<std::string>& allowed) const;

  // Builders (used by the loader and by tests).
  void push_back(ConfigNode item);
  void set(std::string key, ConfigNode value);

  // The value as JSON: scalars become numbers/booleans/null only when unquoted and they parse so.
  nlohmann::json to_json() const;

  // Throws ConfigError at this node.
  [[noreturn]] void fail(const std::string& message) const;

 private:
  Kind kind_ = Kind::Null;
  std::string scalar_;
  bool quoted_ = false;
  std::vector<ConfigNode> items_;
  std::vector<std::pair<std::string, ConfigNode>> entries_;
  std::string file_;
  int line_ = 0;
  std::string path_;
};

}  // namespace zra
