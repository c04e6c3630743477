// read_records_page: the state's records of a type in byte order (the order the engine's merge-join
// needs), page by page, and without a sort.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/state/state_test_support.h"

namespace zra {
namespace {

using state_test::item;
using state_test::settle_all;
using state_test::TempDir;

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = StateStore::open(dir_.file("state.db"), clock_); }
  std::vector<std::string> all_ids(ObjectType type, size_t page_size) {
    std::vector<std::string> out;
    std::vector<StoredRecord> page;
    std::string last;
    bool first = true;
    for (;;) {
      const size_t n = store_->read_records_page(type, first ? nullptr : &last, page_size, page);
      for (size_t i = 0; i < n; ++i) out.push_back(page[i].crm_id);
      if (n < page_size) return out;
      last = page[n - 1].crm_id;
      first = false;
    }
  }
  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<StateStore> store_;
};

TEST_F(ScanTest, RecordsComeInStdStringOrderPageByPage) {
  std::vector<std::string> ids = {"b", "a", "B", "A", "a10", "a9", "a-1", "_x", "0", "~", "\xc3\xa9", "\xe2\x82\xac",
                                  "a b", "a\x7f", "\xf0\x9f\x98\x80", "aa", "Z"};
  std::vector<JournalItem> items;
  for (const auto& id : ids) items.push_back(item(id, "h-" + id));
  settle_all(*store_, "run-1", ObjectType::Contact, items, ItemOutcome::Confirmed, "task-1");
  settle_all(*store_, "run-1", ObjectType::Account, {item("other", "h")}, ItemOutcome::Confirmed, "task-2");
  std::sort(ids.begin(), ids.end());
  for (size_t page : {1u, 2u, 5u, 17u, 100u}) {
    EXPECT_EQ(all_ids(ObjectType::Contact, page), ids) << "page size " << page;
  }
  EXPECT_EQ(all_ids(ObjectType::Account, 10), (std::vector<std::string>{"other"}));
  EXPECT_TRUE(all_ids(ObjectType::Lead, 10).empty());
}

TEST_F(ScanTest, EachRecordCarriesItsState) {
  settle_all(*store_, "run-1", ObjectType::Deal, {item("d1", "h1", "deals"), item("d2", "h2", "deals")},
             ItemOutcome::Confirmed, "task-1");
  settle_all(*store_, "run-2", ObjectType::Deal, {item("d2", "h2b", "deals")}, ItemOutcome::Rejected, "task-2",
             "stage unknown");
  std::vector<StoredRecord> page;
  ASSERT_EQ(store_->read_records_page(ObjectType::Deal, nullptr, 10, page), 2u);
  EXPECT_EQ(page[0].crm_id, "d1");
  EXPECT_EQ(page[0].state.payload_hash, "h1");
  EXPECT_EQ(page[0].state.confirmed_hash, "h1");
  EXPECT_EQ(page[0].state.outcome, RecordOutcome::Confirmed);
  EXPECT_EQ(page[1].crm_id, "d2");
  EXPECT_EQ(page[1].state.payload_hash, "h2b");
  EXPECT_EQ(page[1].state.confirmed_hash, "h2");
  EXPECT_EQ(page[1].state.outcome, RecordOutcome::Rejected);
  EXPECT_EQ(page[1].state.detail, "stage unknown");
  EXPECT_EQ(page[1].state.run_id, "run-2");
  EXPECT_EQ(page[1].state.task_id, "task-2");
  EXPECT_EQ(page[1].state.stream, "deals");
  EXPECT_EQ(page[1].state.updated_at, 1764000000);
  // A page after the last id is empty; the vector keeps its size (strings reused).
  const std::string last = "d2";
  EXPECT_EQ(store_->read_records_page(ObjectType::Deal, &last, 10, page), 0u);
  EXPECT_EQ(page.size(), 2u);
}

// The statement walks the primary key: no "USE TEMP B-TREE FOR ORDER BY", whatever the table's size.
TEST_F(ScanTest, ThePageQueryNeedsNoSort) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.file("state.db").c_str(), &db), SQLITE_OK);
  std::string plan;
  for (const char* sql :
       {"EXPLAIN QUERY PLAN SELECT crm_id, payload_hash FROM records WHERE type = ?1 ORDER BY crm_id LIMIT ?3",
        "EXPLAIN QUERY PLAN SELECT crm_id, payload_hash FROM records WHERE type = ?1 AND crm_id > ?2 ORDER BY crm_id "
        "LIMIT ?3"}) {
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    while (sqlite3_step(st) == SQLITE_ROW) plan += reinterpret_cast<const char*>(sqlite3_column_text(st, 3)) + std::string("\n");
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  EXPECT_NE(plan.find("PRIMARY KEY"), std::string::npos) << plan;
}

}  // namespace
}  // namespace zra
