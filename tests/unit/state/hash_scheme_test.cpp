// The state file's payload hash scheme: new files use XXH3, files that held SHA-256 hashes before the
// scheme was recorded (schema 1) keep SHA-256 through the migration and in read-only opens, and a scheme
// this build does not know is refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/common/errors.h"
#include "core/state/state_store.h"
#include "tests/unit/state/state_test_support.h"

namespace zra {
namespace {

using state_test::item;
using state_test::raw_exec;
using state_test::raw_int;
using state_test::settle_all;
using state_test::TempDir;

long long scheme_rows(const std::string& path, const std::string& name) {
  return raw_int(path, "SELECT count(*) FROM meta WHERE key = 'payload_hash' AND value = '" + name + "'");
}

// What a schema-1 file looks like: schema 2 only added the meta table.
void make_schema_1(const std::string& path, Clock& clock, bool with_records) {
  {
    auto store = StateStore::open(path, clock);
    if (with_records) {
      settle_all(*store, "run-1", ObjectType::Account, {item("a1", "ba7816bf8f01cfea414140de5dae2223")},
                 ItemOutcome::Confirmed, "task-1");
    }
  }
  raw_exec(path, "DROP TABLE meta; PRAGMA user_version = 1");
}

TEST(StateHashScheme, ANewFileUsesXxh3AndRecordsIt) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  { EXPECT_EQ(StateStore::open(path, clock)->hash_scheme(), HashScheme::Xxh3); }
  EXPECT_EQ(scheme_rows(path, "xxh3-128"), 1);
  EXPECT_EQ(StateStore::open(path, clock, /*read_only=*/true)->hash_scheme(), HashScheme::Xxh3);
}

TEST(StateHashScheme, ASchema1FileWithHashesKeepsSha256ThroughTheMigration) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  make_schema_1(path, clock, /*with_records=*/true);
  // A dry run opens read-only: the file stays at schema 1 and its scheme is derived.
  EXPECT_EQ(StateStore::open(path, clock, /*read_only=*/true)->hash_scheme(), HashScheme::Sha256);
  EXPECT_EQ(raw_int(path, "PRAGMA user_version"), 1);
  EXPECT_EQ(StateStore::open(path, clock)->hash_scheme(), HashScheme::Sha256);
  EXPECT_EQ(raw_int(path, "PRAGMA user_version"), 2);
  EXPECT_EQ(scheme_rows(path, "sha256-128"), 1);
  auto store = StateStore::open(path, clock);
  EXPECT_EQ(store->lookup(ObjectType::Account, {"a1"})[0]->confirmed_hash, "ba7816bf8f01cfea414140de5dae2223");
}

TEST(StateHashScheme, ASchema1FileWithOnlyAJournalledBatchKeepsSha256) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  {
    auto store = StateStore::open(path, clock);
    store->journal_batch("run-1", ObjectType::Account, {item("a1", "ba7816bf8f01cfea414140de5dae2223")});
  }
  raw_exec(path, "DROP TABLE meta; PRAGMA user_version = 1");
  EXPECT_EQ(StateStore::open(path, clock)->hash_scheme(), HashScheme::Sha256);
}

TEST(StateHashScheme, AnEmptySchema1FileMovesToXxh3) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  make_schema_1(path, clock, /*with_records=*/false);
  EXPECT_EQ(StateStore::open(path, clock, /*read_only=*/true)->hash_scheme(), HashScheme::Xxh3);
  EXPECT_EQ(StateStore::open(path, clock)->hash_scheme(), HashScheme::Xxh3);
  EXPECT_EQ(scheme_rows(path, "xxh3-128"), 1);
}

TEST(StateHashScheme, AnUnknownOrMissingSchemeIsRefusedByName) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  { auto store = StateStore::open(path, clock); }
  raw_exec(path, "UPDATE meta SET value = 'blake3-256' WHERE key = 'payload_hash'");
  for (bool read_only : {false, true}) {
    try {
      StateStore::open(path, clock, read_only);
      ADD_FAILURE() << "opened a file with an unknown scheme";
    } catch (const StateError& e) {
      EXPECT_EQ(std::string(e.what()), "state file " + path +
                                           " hashes payloads with 'blake3-256', which this zra-sync does not know; "
                                           "upgrade zra-sync");
    }
  }
  raw_exec(path, "DELETE FROM meta");
  try {
    StateStore::open(path, clock);
    ADD_FAILURE() << "opened a file that names no scheme";
  } catch (const StateError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("names no payload hash scheme (its meta table lacks 'payload_hash')"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("zra-sync state export"));
  }
}

}  // namespace
}  // namespace zra
