#include "core/state/state_codes.h"

#include "core/common/errors.h"

namespace zra {

// ObjectType's explicit values are what the file stores (see state_codes.h).
static_assert(static_cast<int>(ObjectType::Account) == 0 && static_cast<int>(ObjectType::Contact) == 1 &&
                  static_cast<int>(ObjectType::Deal) == 2 && static_cast<int>(ObjectType::Lead) == 3,
              "ObjectType values are persisted in the state file: do not renumber them");
static_assert(static_cast<int>(RecordOutcome::Confirmed) == 0 && static_cast<int>(RecordOutcome::Rejected) == 1 &&
                  static_cast<int>(RecordOutcome::Unconfirmed) == 2 && static_cast<int>(RecordOutcome::Deleted) == 3,
              "RecordOutcome values are persisted in the state file: do not renumber them");

std::string_view to_string(RecordOutcome outcome) {
  switch (outcome) {
    case RecordOutcome::Confirmed: return "confirmed";
    case RecordOutcome::Rejected: return "rejected";
    case RecordOutcome::Unconfirmed: return "unconfirmed";
    case RecordOutcome::Deleted: return "deleted";
  }
  return "unknown";
}

std::string_view to_string(ItemOutcome outcome) {
  switch (outcome) {
    case ItemOutcome::Confirmed: return "confirmed";
    case ItemOutcome::Rejected: return "rejected";
    case ItemOutcome::Unconfirmed: return "unconfirmed";
  }
  return "unknown";
}

namespace state_codes {

int64_t type_code(ObjectType type) { return static_cast<int64_t>(type); }

ObjectType type_from_code(int64_t code, const std::string& path) {
  for (ObjectType t : kAllObjectTypes) {
    if (type_code(t) == code) return t;
  }
  throw StateError("state file " + path + " holds an unknown object type code " + std::to_string(code) +
                   "; it was damaged or written by another program");
}

// Stored codes: Confirmed 0, Rejected 1, Unconfirmed 2, Deleted 3.
int64_t outcome_code(RecordOutcome outcome) { return static_cast<int64_t>(outcome); }

RecordOutcome outcome_from_code(int64_t code, const std::string& path) {
  for (RecordOutcome o : {RecordOutcome::Confirmed, RecordOutcome::Rejected, RecordOutcome::Unconfirmed,
                          RecordOutcome::Deleted}) {
    if (outcome_code(o) == code) return o;
  }
  throw StateError("state file " + path + " holds an unknown outcome code " + std::to_string(code) +
                   "; it was damaged or written by another program");
}

}  // namespace state_codes
}  // namespace zra
