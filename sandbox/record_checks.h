#pragma once
// The checks of an imported record that need context, done when the task runs (after the field-table
// checks of core/schema): deal stage among the registered stages, references naming stored records
// (the table's Reference column), a deal's owner_email among the licensed users.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema/object_types.h"
#include "sandbox/licensed_users.h"

namespace zra::sandbox {

struct RecordContext {
  const nlohmann::json& registration;  // the stored registration (deal_stages)
  std::function<bool(ObjectType, const std::string&)> exists;  // is a record with this CRM id stored?
  const LicensedUsers& licensed;
};

// Appends one sentence per problem to `problems`. Fields of the wrong JSON type are skipped: the
// field-table check already reported them. Records with "deletion": true are not checked.
void check_record_context(ObjectType type, const nlohmann::json& record, const RecordContext& ctx,
                          std::vector<std::string>& problems);

}  // namespace zra::sandbox
