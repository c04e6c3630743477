#pragma once
// What the StateStore's source files share. Internal to core/state.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/common/clock.h"
#include "core/state/payload_hash.h"
#include "core/state/sqlite_connection.h"
#include "core/state/state_store.h"

namespace zra {

struct StateStore::Impl {
  Impl(const std::string& path, Clock& clock, bool read_only);

  // A statement prepared on first use and kept: `sql` must be a string literal (its address is the key).
  state_sqlite::SqliteStatement& statement(const char* sql, const char* operation);
  // Unix seconds from the injected clock.
  int64_t now_seconds() const;
  // Throws StateError when the store was opened read-only.
  void require_writable(std::string_view operation) const;

  Clock& clock;
  const bool read_only;
  HashScheme hash_scheme = kNewStateHashScheme;  // read once when the file is opened
  std::mutex mu;
  state_sqlite::SqliteConnection db;  // before `statements`, so statements are finalised first
  std::unordered_map<const char*, std::unique_ptr<state_sqlite::SqliteStatement>> statements;
};

// The columns read_record_state() expects, in order; a macro so it concatenates into SQL literals.
#define ZRA_RECORD_STATE_COLUMNS "payload_hash, outcome, confirmed_hash, stream, run_id, task_id, detail, updated_at"
// Reads ZRA_RECORD_STATE_COLUMNS starting at column `first`.
RecordState read_record_state(const state_sqlite::SqliteStatement& row, int first, const std::string& path);

// Keyset paging for the for_each_* methods: rows come in pages of this size, read under the mutex, and
// the callback runs on a page with the mutex released (so it may call back into the store).
inline constexpr int kPageSize = 1000;

}  // namespace zra
