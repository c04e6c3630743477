#pragma once
// The four ZRA object types, described once as data (from shared/reference/zra-custom-crm-api.txt).
// Validation, the sandbox, the planner and the docs all read this table; the types differ only here.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zra {

enum class ObjectType : unsigned char { Account = 0, Contact = 1, Deal = 2, Lead = 3 };
inline constexpr std::array<ObjectType, 4> kAllObjectTypes = {ObjectType::Account, ObjectType::Contact,
                                                              ObjectType::Deal, ObjectType::Lead};

enum class FieldType {
  String,      // any JSON string
  Email,       // a string that is an email address
  Number,      // JSON number (double)
  Integer,     // JSON integer
  Boolean,     // JSON true/false
  DateTime,    // ISO-8601 date-time with a zone: 2025-11-20T12:00:00Z
  Date,        // ISO-8601 date: 2025-11-20
  EmailArray,  // array of Email strings
  ObjectArray, // array of objects whose fields are `FieldSpec::items` (a deal's contacts)
};

// Which stored object a field's value must name when ZRA runs the import task.
enum class Reference { None, Account, Contact };

struct FieldSpec {
  std::string_view name;
  FieldType type;
  bool required;
  Reference reference;
  std::string_view description;
  std::vector<FieldSpec> items;  // for ObjectArray: the fields of each item
};

struct ObjectTypeSpec {
  ObjectType type;
  std::string_view name;         // "account": config `object:`, report `object_type`, CLI
  std::string_view plural;       // "accounts": the API path segment
  std::string_view id_field;     // "crm_account_id"
  std::string_view zra_id_field; // "zra_account_id": set by ZRA, read-only
  std::string_view ids_param;    // "crm_account_ids": GET-by-id query parameter
  std::string_view task_type;    // "IMPORT_ACCOUNTS"
  std::vector<ObjectType> depends_on;  // types whose imports must be final before this type's start
  std::vector<FieldSpec> fields;       // every field an import accepts, including `deletion`
  const FieldSpec* field(std::string_view field_name) const;
};

const ObjectTypeSpec& object_spec(ObjectType type);
// Accepts the singular or plural name ("deal", "deals"), case-sensitively.
std::optional<ObjectType> parse_object_type(std::string_view name);
std::string_view to_string(ObjectType type);
std::string_view to_string(FieldType type);

// Deal stage types accepted by the registration.
inline constexpr std::array<std::string_view, 3> kStageTypes = {"OPEN", "CLOSED_WON", "CLOSED_LOST"};

}  // namespace zra
