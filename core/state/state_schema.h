#pragma once
// The state file's schema, its version (PRAGMA user_version) and its forward migrations.
// Internal to core/state.
#include <cstdint>

namespace zra::state_sqlite {
class SqliteConnection;
}

namespace zra::state_schema {

// The schema this binary writes. Bump it with every migration appended in state_schema.cpp.
inline constexpr int64_t kCurrentVersion = 1;
// PRAGMA application_id of our files ("ZRAS"): tells a zra-sync state file from any other SQLite file.
inline constexpr int64_t kApplicationId = 0x5a524153;

// Checks that the file is a zra-sync state file this binary can use, then (unless read_only) switches it
// to WAL and migrates it to kCurrentVersion, one transaction per step. Reads before it writes anything,
// so a refused file is never modified. Throws StateError: newer schema ("upgrade zra-sync"), foreign
// database, damaged file (via SQLite), read_only on a file that is not at kCurrentVersion.
void prepare(state_sqlite::SqliteConnection& db, bool read_only);

}  // namespace zra::state_schema
