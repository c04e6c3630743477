// Opening the state file: creation, schema version, refusal of newer/foreign/damaged files, read-only mode,
// runs and cursors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "core/common/errors.h"
#include "core/state/state_store.h"
#include "tests/unit/state/state_test_support.h"

namespace zra {
namespace {

using state_test::item;
using state_test::raw_exec;
using state_test::raw_int;
using state_test::read_bytes;
using state_test::settle_all;
using state_test::TempDir;
using state_test::write_bytes;
using ::testing::HasSubstr;

std::string open_error(const std::string& path, Clock& clock, bool read_only = false) {
  try {
    auto store = StateStore::open(path, clock, read_only);
    return "opened without error";
  } catch (const StateError& e) {
    return e.what();
  }
}

// A store holding `n` confirmed accounts, closed again: a file big enough to damage meaningfully.
void make_populated(const std::string& path, Clock& clock, int n) {
  auto store = StateStore::open(path, clock);
  std::vector<JournalItem> items;
  for (int i = 0; i < n; ++i) {
    items.push_back(item("acc-" + std::to_string(100000 + i), "h" + std::to_string(i) + std::string(30, 'x')));
    if (items.size() == 1000) {
      settle_all(*store, "run-1", ObjectType::Account, items, ItemOutcome::Confirmed, "task-1");
      items.clear();
    }
  }
  if (!items.empty()) settle_all(*store, "run-1", ObjectType::Account, items, ItemOutcome::Confirmed, "task-1");
}

void expect_recovery_hint(const std::string& message, const std::string& path) {
  EXPECT_THAT(message, HasSubstr("state file " + path + " is damaged"));
  EXPECT_THAT(message, HasSubstr("zra-sync state export"));
  EXPECT_THAT(message, HasSubstr("mv '" + path + "' '" + path + ".damaged'"));
  EXPECT_THAT(message, HasSubstr("zra-sync run --full"));
}

TEST(StateOpen, CreatesTheFileAndItsParentDirectoriesAtTheCurrentSchema) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("a/b/state.db");
  { auto store = StateStore::open(path, clock); EXPECT_EQ(store->path(), path); }
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(raw_int(path, "PRAGMA user_version"), 2);
  EXPECT_EQ(raw_int(path, "PRAGMA application_id"), 0x5a524153);
  EXPECT_EQ(raw_int(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('records','batches','batch_items',"
                          "'runs','cursors','meta')"), 6);
  // WAL is a property of the file: a fresh raw connection sees it.
  EXPECT_EQ(read_bytes(path).substr(18, 2), std::string("\x02\x02", 2));
}

TEST(StateOpen, ReopeningKeepsWhatWasCommitted) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  {
    auto store = StateStore::open(path, clock);
    settle_all(*store, "run-1", ObjectType::Lead, {item("L1", "hash-1", "leads")}, ItemOutcome::Confirmed, "t1");
    store->set_cursor("erp", "accounts", "2025-11-20T12:00:00Z");
  }
  auto store = StateStore::open(path, clock);
  auto found = store->lookup(ObjectType::Lead, {"L1"});
  ASSERT_TRUE(found[0].has_value());
  EXPECT_EQ(found[0]->payload_hash, "hash-1");
  EXPECT_EQ(store->cursor("erp", "accounts"), "2025-11-20T12:00:00Z");
}

TEST(StateOpen, ANewerSchemaIsRefusedAndTheFileLeftByteIdentical) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  make_populated(path, clock, 10);
  raw_exec(path, "PRAGMA user_version = 7");
  const std::string before = read_bytes(path);
  ASSERT_FALSE(std::filesystem::exists(path + "-wal"));

  EXPECT_EQ(open_error(path, clock),
            "state file " + path + " was written by a newer zra-sync (schema 7, this one knows 2); upgrade zra-sync");
  EXPECT_TRUE(read_bytes(path) == before) << "the refused file was modified";
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
  EXPECT_EQ(open_error(path, clock, /*read_only=*/true),
            "state file " + path + " was written by a newer zra-sync (schema 7, this one knows 2); upgrade zra-sync");
  EXPECT_TRUE(read_bytes(path) == before) << "the refused file was modified";
  // A read-only SQLite connection cannot remove the (empty) WAL it opened; it holds nothing.
  EXPECT_EQ(read_bytes(path + "-wal"), "");
}

TEST(StateOpen, AFileThatIsNotADatabaseGivesTheRecoveryHint) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  std::string text;
  for (int i = 0; i < 200; ++i) text += "this is not an SQLite database, only text\n";
  write_bytes(path, text);
  const std::string message = open_error(path, clock);
  expect_recovery_hint(message, path);
  EXPECT_THAT(message, HasSubstr("file is not a database"));
  EXPECT_EQ(read_bytes(path), text);
}

TEST(StateOpen, ADamagedHeaderGivesTheRecoveryHint) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  make_populated(path, clock, 100);
  std::string bytes = read_bytes(path);
  bytes.replace(0, 16, std::string(16, 'X'));
  write_bytes(path, bytes);
  const std::string message = open_error(path, clock);
  expect_recovery_hint(message, path);
  EXPECT_THAT(message, HasSubstr("file is not a database"));
}

TEST(StateOpen, ATruncatedFileGivesTheRecoveryHintAtOpen) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  make_populated(path, clock, 3000);
  const auto size = std::filesystem::file_size(path);
  ASSERT_GT(size, 40000u);
  std::filesystem::resize_file(path, size / 2);
  const std::string message = open_error(path, clock);
  expect_recovery_hint(message, path);
  EXPECT_THAT(message, HasSubstr("database disk image is malformed"));
}

TEST(StateOpen, DamagedPagesInsideTheFileAreAStateErrorWhenRead) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  make_populated(path, clock, 3000);
  std::string bytes = read_bytes(path);
  const size_t page = 16384;  // the store's page size: page 1 (the schema) stays intact
  for (size_t at = 2 * page; at + page < bytes.size(); at += 2 * page) bytes.replace(at, page, std::string(page, '\xff'));
  write_bytes(path, bytes);
  std::string message;
  try {
    auto store = StateStore::open(path, clock);
    std::vector<std::string> ids;
    for (int i = 0; i < 3000; ++i) ids.push_back("acc-" + std::to_string(100000 + i));
    store->lookup(ObjectType::Account, ids);
    std::ostringstream out;
    store->export_jsonl(out);
  } catch (const StateError& e) {
    message = e.what();
  }
  expect_recovery_hint(message, path);
}

TEST(StateOpen, AnotherProgramsDatabaseIsRefused) {
  TempDir dir;
  ManualClock clock;
  const std::string plain = dir.file("plain.db");
  raw_exec(plain, "CREATE TABLE invoices(id INTEGER PRIMARY KEY)");
  EXPECT_EQ(open_error(plain, clock),
            "state file " + plain + " is an SQLite database but not a zra-sync state file (it has 1 schema objects "
            "and no zra-sync schema version); point state.path at a file of its own");
  const std::string tagged = dir.file("tagged.db");
  raw_exec(tagged, "PRAGMA application_id = 42");
  EXPECT_EQ(open_error(tagged, clock), "state file " + tagged +
                                           " is an SQLite database of another program (application_id 42); point "
                                           "state.path at a file of its own");
  EXPECT_EQ(raw_int(plain, "SELECT count(*) FROM sqlite_master"), 1);
}

TEST(StateOpen, ADirectoryOrAnUncreatableParentIsAClearError) {
  TempDir dir;
  ManualClock clock;
  std::filesystem::create_directories(dir.file("adir"));
  EXPECT_EQ(open_error(dir.file("adir"), clock), "state file " + dir.file("adir") + " is a directory; name a file");
  write_bytes(dir.file("blocker"), "x");
  EXPECT_THAT(open_error(dir.file("blocker/state.db"), clock),
              HasSubstr("cannot create the directory " + dir.file("blocker") + " of state file " +
                        dir.file("blocker/state.db")));
  EXPECT_EQ(open_error("", clock), "state.path is empty: name the state file");
}

TEST(StateOpen, ReadOnlyReadsButRefusesWritesAndMissingFiles) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  EXPECT_EQ(open_error(path, clock, true),
            "no state file at " + path + ": nothing was synced with this configuration yet");
  EXPECT_FALSE(std::filesystem::exists(path));
  make_populated(path, clock, 5);
  auto store = StateStore::open(path, clock, /*read_only=*/true);
  EXPECT_TRUE(store->lookup(ObjectType::Account, {"acc-100004"})[0].has_value());
  EXPECT_EQ(store->counts().counts["account"]["confirmed"], 5);
  try {
    store->forget(ObjectType::Account, {"acc-100004"});
    FAIL() << "forget on a read-only store";
  } catch (const StateError& e) {
    EXPECT_EQ(std::string(e.what()), "state file " + path + " was opened read-only; forgetting records needs write access");
  }
  EXPECT_THROW(store->begin_run("r"), StateError);
  EXPECT_THROW(store->journal_batch("r", ObjectType::Account, {item("x", "h")}), StateError);
  EXPECT_TRUE(store->lookup(ObjectType::Account, {"acc-100004"})[0].has_value());
}

TEST(StateOpen, AnEmptyFileBecomesAStateFile) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  write_bytes(path, "");
  EXPECT_EQ(open_error(path, clock, true), "state file " + path + " holds no state yet: nothing was synced");
  { auto store = StateStore::open(path, clock); }
  EXPECT_EQ(raw_int(path, "PRAGMA user_version"), 2);
}

TEST(StateRuns, BeginAndFinishAreRecordedOnce) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  {
    auto store = StateStore::open(path, clock);
    store->begin_run("run-1");
    clock.advance(std::chrono::seconds(90));
    store->finish_run("run-1", 1, R"({"ok":false})");
    try {
      store->begin_run("run-1");
      FAIL() << "a run id was accepted twice";
    } catch (const StateError& e) {
      EXPECT_EQ(std::string(e.what()), "state file " + path + ": run id run-1 was used before; run ids must be unique");
    }
    try {
      store->finish_run("run-2", 0, "{}");
      FAIL() << "finished a run never begun";
    } catch (const StateError& e) {
      EXPECT_EQ(std::string(e.what()), "state file " + path + ": run run-2 was never begun (begin_run)");
    }
  }
  EXPECT_EQ(raw_int(path, "SELECT started_at FROM runs WHERE run_id = 'run-1'"), 1764000000);
  EXPECT_EQ(raw_int(path, "SELECT finished_at FROM runs WHERE run_id = 'run-1'"), 1764000090);
  EXPECT_EQ(raw_int(path, "SELECT exit_code FROM runs WHERE run_id = 'run-1'"), 1);
}

TEST(StateCursors, RoundTripPerSourceAndStream) {
  TempDir dir;
  ManualClock clock;
  auto store = StateStore::open(dir.file("state.db"), clock);
  EXPECT_EQ(store->cursor("erp", "accounts"), std::nullopt);
  store->set_cursor("erp", "accounts", "2025-01-01T00:00:00Z");
  store->set_cursor("erp", "contacts", "2025-02-01T00:00:00Z");
  store->set_cursor("crm", "accounts", "7");
  store->set_cursor("erp", "accounts", "2025-03-01T00:00:00Z");
  EXPECT_EQ(store->cursor("erp", "accounts"), "2025-03-01T00:00:00Z");
  EXPECT_EQ(store->cursor("erp", "contacts"), "2025-02-01T00:00:00Z");
  EXPECT_EQ(store->cursor("crm", "accounts"), "7");
  EXPECT_EQ(store->cursor("crm", "contacts"), std::nullopt);
}

}  // namespace
}  // namespace zra
