#pragma once
// What the sandbox's ZRA account holds: the CRM registration and the imported records of the four object
// types, keyed by CRM id. Imports are applied here when a task runs. Thread-safe.
#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/schema/object_types.h"
#include "sandbox/licensed_users.h"

namespace zra::sandbox {

struct RecordError {
  size_t record_index = 0;
  std::string record_id;  // "" when the record has no usable id
  std::string detail;
};

struct ImportOutcome {
  bool ran = false;  // false: no CRM registered when the task ran (nothing stored)
  size_t total = 0;
  size_t success = 0;
  size_t failed = 0;
  std::vector<RecordError> errors;
};

class CrmStore {
 public:
  // `account_id` seeds the stable zra_*_id of every record.
  explicit CrmStore(const std::string& account_id);

  std::optional<nlohmann::json> registration() const;
  bool is_registered() const;
  // Stores a validated (normalized) registration with create_time/modify_time = `now_iso`.
  // Returns the stored registration, or nullopt when one already exists.
  std::optional<nlohmann::json> register_crm(nlohmann::json normalized, const std::string& now_iso);
  // False when nothing is registered. `remove_all` also drops every imported record.
  bool unregister(bool remove_all);

  // Validates every record of `data` (field table, then context) and applies the valid ones in order:
  // upsert by CRM id, or delete with "deletion": true (deleting an unknown id is a no-op success).
  ImportOutcome import(ObjectType type, const nlohmann::json& data, const LicensedUsers& licensed);

  // The stored records among `ids` (unknown ids skipped, duplicates once), in the order asked.
  nlohmann::json find(ObjectType type, const std::vector<std::string>& ids) const;

  // {registration, records:{account:{id:record},...}, counts:{account:n,...}}: GET /_sandbox/state.
  nlohmann::json state() const;
  // The state file's body, and loading it back. restore() throws zra::Error naming `source` when the
  // body is not a sandbox state.
  nlohmann::json persisted() const;
  void restore(const nlohmann::json& body, const std::string& source);
  // Writes the same body as persisted() plus the top-level fields of `extra` to `out`, a chunk of
  // records at a time, locking the store per chunk only (no copy of the store, no long stall). Changes
  // made meanwhile may or may not be in it, each record whole: a "fuzzy" snapshot, exact once the
  // changes made since the write began are replayed on it (StateJournal does; replay is idempotent).
  void write_persisted(std::ostream& out, const nlohmann::json& extra) const;
  void clear();
  // Bumped by every change; the state file is saved when it moved.
  uint64_t version() const;
  // Stored records of all four types.
  size_t record_count() const;

  // Every change, as the journal keeps it: called with the store locked, in the order the changes
  // happened, right after each one. The listener must not call back into the store. Changes:
  //   {"op":"register","registration":{...}}   {"op":"unregister","remove_all":bool}   {"op":"clear"}
  //   {"op":"import","type":"account","apply":[[crm_id, stored record | null (deleted)], ...]}
  using ChangeListener = std::function<void(const nlohmann::json& change)>;
  void set_change_listener(ChangeListener listener);
  // Applies a change the listener was given (loading a journal); does not call the listener. Throws
  // zra::Error naming `source` when `change` is not one of the changes above.
  void replay(const nlohmann::json& change, const std::string& source);

  // "OPENAPI" + 22 characters derived from the account + the CRM id, like ZRA's ids in the reference.
  std::string zra_id(const std::string& crm_id) const;

 private:
  using Table = std::map<std::string, nlohmann::json>;
  mutable std::mutex mu_;
  std::string zra_prefix_;
  std::optional<nlohmann::json> registration_;
  std::array<Table, 4> records_;
  uint64_t version_ = 0;
  ChangeListener listener_;
};

}  // namespace zra::sandbox
