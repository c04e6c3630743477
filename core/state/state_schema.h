#pragma once
// The state file's schema, its version (PRAGMA user_version) and its forward migrations.
// Internal to core/state.
#include <cstdint>

#include "core/state/payload_hash.h"

namespace zra::state_sqlite {
class SqliteConnection;
}

namespace zra::state_schema {

// The schema this binary writes. Bump it with every migration appended in state_schema.cpp.
inline constexpr int64_t kCurrentVersion = 2;
// The oldest schema a read-only open (a dry run, `state show`) accepts without migrating: schema 1 lacks
// only the meta table, whose one value hash_scheme() derives.
inline constexpr int64_t kOldestReadableVersion = 1;
// PRAGMA application_id of our files ("ZRAS"): tells a zra-sync state file from any other SQLite file.
inline constexpr int64_t kApplicationId = 0x5a524153;

// Checks that the file is a zra-sync state file this binary can use, then (unless read_only) switches it
// to WAL and migrates it to kCurrentVersion, one transaction per step. Reads before it writes anything,
// so a refused file is never modified. Throws StateError: newer schema ("upgrade zra-sync"), foreign
// database, damaged file (via SQLite), read_only on a file older than kOldestReadableVersion.
void prepare(state_sqlite::SqliteConnection& db, bool read_only);

// The scheme of the file's payload hashes (call after prepare()). Throws StateError when the file names
// a scheme this build does not know ("upgrade zra-sync") or none at all (edited or damaged).
HashScheme hash_scheme(state_sqlite::SqliteConnection& db);

}  // namespace zra::state_schema
