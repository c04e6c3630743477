#pragma once
// The integers the state file stores for object types and outcomes. They are part of the file format:
// never renumber them, only append (and bump the schema version if old binaries must refuse new codes).
// Internal to core/state.
#include <cstdint>
#include <string>

#include "core/schema/object_types.h"
#include "core/state/state_store.h"

namespace zra::state_codes {

int64_t type_code(ObjectType type);
// Throws StateError naming the file when the code is unknown (a damaged or foreign row).
ObjectType type_from_code(int64_t code, const std::string& path);

int64_t outcome_code(RecordOutcome outcome);
RecordOutcome outcome_from_code(int64_t code, const std::string& path);

}  // namespace zra::state_codes
