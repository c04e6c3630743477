#pragma once
// Compiles one `fields:` entry of a mapping file into a FieldStep, checking it against the core/schema
// field table. Every problem throws ConfigError at the offending node (file, line, key path).
#include <string>
#include <vector>

#include "config/config_node.h"
#include "core/schema/object_types.h"
#include "mapping/field_step.h"

namespace zra::mapping_detail {

struct FieldCompileContext {
  const ObjectTypeSpec& spec;  // the object type being mapped
  TimeSpec default_time;       // zone from the mapping root's `timezone`, else UTC; no format
  std::vector<std::string>& columns;  // the mapping's referenced columns; a step's slot indexes them
};

// `target` is the field's key, `node` its value (a column name, or a map of options).
FieldStep compile_field(const std::string& target, const ConfigNode& node, FieldCompileContext& context);

}  // namespace zra::mapping_detail
