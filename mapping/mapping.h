#pragma once
// The mapping engine: turns one source row into one ZRA record, as a mapping file says (DESIGN.md,
// "Mapping files"; docs/mapping.md is the reference for authors). Mapping is pure: no I/O, no clock.
// A mapping is compiled once into a program of per-field steps, so that apply() does no name lookups,
// no zone lookups and no parsing of the mapping itself.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config_node.h"
#include "core/common/source_row.h"
#include "core/schema/object_types.h"

namespace zra {

namespace mapping_detail {
struct FieldStep;
class ColumnIndexCache;
}  // namespace mapping_detail

// One value of one row that could not be mapped.
struct MappingIssue {
  std::string field;      // target field, e.g. "close_date" or "contacts"
  std::string raw_value;  // the source text that failed ("" when absent)
  std::string detail;     // "cannot parse '31.02.2025' as a date with format '%d.%m.%Y'"
};

// One mapped value in typed form (no JSON DOM on the hot path). Its JSON type follows from `kind`.
struct MappedValue {
  enum class Kind : unsigned char { Absent, String, Integer, Number, Bool, Array };
  Kind kind = Kind::Absent;
  std::string text;       // String (UTF-8 as the source gave it; not validated here)
  int64_t integer = 0;    // Integer; also a whole Number below 2^53 ("750000", not "750000.0")
  double number = 0;      // Number that is not whole (or beyond 2^53)
  bool boolean = false;   // Bool
  nlohmann::json array;   // Array (`split` fields, rare): the JSON array itself
};

// The result of mapping one row in typed form, for the engine's hot path. Reuse one object for many
// rows: its strings keep their capacity, so a clean row of plain fields maps without allocating.
struct MappedRecord {
  std::vector<MappedValue> values;   // one per Mapping::targets() entry, in that order
  std::vector<MappingIssue> issues;  // empty when the row mapped cleanly
  bool ok() const { return issues.empty(); }
};

// The result of mapping one row.
struct MappedRow {
  nlohmann::json record;             // the ZRA record (object); meaningful when issues is empty
  std::vector<MappingIssue> issues;  // empty when the row mapped cleanly
  bool ok() const { return issues.empty(); }
};

class Mapping {
 public:
  // Compiles a mapping root node (`{fields: {...}, timezone: ...}`) for `type`. Throws ConfigError with the
  // file, line and key path of the offending node: unknown key, unknown target field of `type` (per the
  // core/schema field table), bad type name or a type that contradicts the table, bad timezone name, bad
  // format, template syntax, a `value` or `default` that does not convert, `as`/`split` on a non-array
  // field, an array of objects without `as`, and so on.
  static std::shared_ptr<const Mapping> compile(ObjectType type, const ConfigNode& root);

  // Maps one row. Never throws for data problems: each is an issue naming the field, the raw value and
  // what was expected. The record holds only the fields that have a value. A column the row does not
  // have reads as absent. Column names are resolved to indexes once per distinct `row.columns` pointer.
  // A row whose `error` is set (the plugin could not read it) gives one issue carrying that error.
  // Thread-safe: may be called concurrently on one Mapping.
  MappedRow apply(const SourceRow& row) const;

  // The same mapping into `out` (overwritten; its buffers are reused), without building JSON: value i
  // belongs to targets()[i]; an absent field has Kind::Absent. Same issues, same values as apply(row).
  // Thread-safe like apply(row) (each thread its own `out`).
  void apply(const SourceRow& row, MappedRecord& out) const;

  // The target field of each value slot of a MappedRecord, in field-name order (a JSON object's key order).
  const std::vector<const FieldSpec*>& targets() const { return targets_; }

  // `mapped` as the JSON object apply(row).record holds: the present fields only.
  nlohmann::json to_json(const MappedRecord& mapped) const;

  // Writes `mapped` as compact JSON into `out` (its content replaced, its capacity reused): byte for byte
  // what to_json(mapped).dump() gives, without building it. Returns false when a string is not valid
  // UTF-8 (`out` is then unusable; dump() with the strict handler says where).
  bool write_json(const MappedRecord& mapped, std::string& out) const;

  // Source columns the mapping reads (`from`, template parts), each once, in mapping order; for
  // "column never seen" warnings.
  const std::vector<std::string>& referenced_columns() const;

  ObjectType object_type() const;

  ~Mapping();
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

 private:
  Mapping(ObjectType type, std::vector<mapping_detail::FieldStep> steps, std::vector<std::string> columns);

  ObjectType type_;
  std::vector<mapping_detail::FieldStep> steps_;
  std::vector<std::string> columns_;
  std::vector<const FieldSpec*> targets_;  // parallel to steps_
  std::vector<std::string> json_keys_;     // parallel to steps_: "\"name\":"
  std::unique_ptr<mapping_detail::ColumnIndexCache> column_cache_;
};

}  // namespace zra
