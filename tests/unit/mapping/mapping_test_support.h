#pragma once
// Helpers of the mapping tests: mappings from YAML text (through the real config reader, so files,
// lines and key paths are real) and rows from column/value pairs.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/yaml_reader.h"
#include "core/common/source_row.h"
#include "mapping/mapping.h"

namespace zra::mapping_test {

inline ConfigNode yaml_node(const std::string& yaml, const std::string& file = "mappings/test.yaml",
                            const std::string& root_key_path = "") {
  EnvLookup no_env = [](const std::string&) { return std::optional<std::string>(); };
  return parse_config_text(yaml, file, no_env, root_key_path);
}

inline std::shared_ptr<const Mapping> compile_yaml(ObjectType type, const std::string& yaml,
                                                   const std::string& file = "mappings/test.yaml") {
  return Mapping::compile(type, yaml_node(yaml, file));
}

using Cells = std::vector<std::pair<std::string, std::optional<std::string>>>;

// A row with its own column list.
inline SourceRow make_row(const Cells& cells, std::string locator = "test.csv:2") {
  auto columns = std::make_shared<std::vector<std::string>>();
  SourceRow row;
  for (const auto& [name, value] : cells) {
    columns->push_back(name);
    row.values.push_back(value);
  }
  row.columns = std::move(columns);
  row.locator = std::move(locator);
  return row;
}

// Maps one row made of `cells`.
inline MappedRow map_one(const Mapping& mapping, const Cells& cells) { return mapping.apply(make_row(cells)); }

}  // namespace zra::mapping_test
