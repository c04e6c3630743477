#pragma once
// Checks one record against the field table (object_types.h): required fields, JSON types, formats,
// unknown fields. References and deal stages need context and are checked by the caller
// (the engine locally, the sandbox when a task runs).
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/schema/object_types.h"

namespace zra {

struct FieldIssue {
  std::string field;   // "owner_email", "contacts[2].crm_contact_id"; "" for the record as a whole
  std::string detail;  // "missing required field 'owner_email'", "invalid email 'x@'"
};

// Every problem of `record`, in field-table order; empty when valid.
// A record with `"deletion": true` needs only its id field.
std::vector<FieldIssue> validate_record(ObjectType type, const nlohmann::json& record);

// The formats the table names. Strict: what ZRA documents, nothing looser.
bool is_valid_email(std::string_view s);
bool is_iso8601_datetime(std::string_view s);  // 2025-11-20T12:00:00Z, fraction and ±HH:MM allowed
bool is_iso8601_date(std::string_view s);      // 2025-11-20

// A field value's JSON kind, for plainly_valid().
enum class ScalarKind { String, Integer, Number, Boolean, Other };

// True when a value of `kind` (`text`: the string, when it is one) is valid for a field of `type`
// as it stands, so validate_record() would report nothing about it; false means "let validate_record()
// decide", never "invalid" (arrays always answer false: their items need walking). One rule for the
// validator and for the engine's typed fast path (RecordBuilder), so the two cannot drift apart.
bool plainly_valid(FieldType type, ScalarKind kind, std::string_view text);

}  // namespace zra
