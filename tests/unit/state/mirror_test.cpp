// Mirror mode: confirmed ids of a stream that the current run did not read.
#include <gtest/gtest.h>

#include "core/state/state_store.h"
#include "tests/unit/state/state_test_support.h"

namespace zra {
namespace {

using state_test::item;
using state_test::settle_all;
using state_test::TempDir;

std::vector<std::string> unseen(StateStore& store, const std::string& run, ObjectType type, const std::string& stream) {
  std::vector<std::string> out;
  store.for_each_unseen_confirmed(run, type, stream, [&](const std::string& id) { out.push_back(id); });
  return out;
}

class Mirror : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = StateStore::open(dir_.file("state.db"), clock_);
    settle_all(*store_, "run-0", ObjectType::Account,
               {item("a1", "h"), item("a2", "h"), item("a3", "h"), item("a4", "h"), item("a5", "h")},
               ItemOutcome::Confirmed, "t0");
    settle_all(*store_, "run-0", ObjectType::Account, {item("b1", "h", "partners")}, ItemOutcome::Confirmed, "t1");
    settle_all(*store_, "run-0", ObjectType::Account, {item("a6", "h")}, ItemOutcome::Rejected, "t2", "bad");
    settle_all(*store_, "run-0", ObjectType::Account, {item("a7", "h")}, ItemOutcome::Confirmed, "t3");
    settle_all(*store_, "run-0", ObjectType::Account, {item("a7", "d", "accounts", true)}, ItemOutcome::Confirmed, "t4");
    settle_all(*store_, "run-0", ObjectType::Contact, {item("a2", "h", "accounts")}, ItemOutcome::Confirmed, "t5");
  }
  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<StateStore> store_;
};

TEST_F(Mirror, UnseenAreTheConfirmedIdsOfTheStreamThatWereNotRead) {
  store_->mark_seen("run-1", ObjectType::Account, "accounts", {"a1", "a3", "new-1"});
  // a6 was never confirmed and a7 is deleted: ZRA holds neither, nothing to delete.
  EXPECT_EQ(unseen(*store_, "run-1", ObjectType::Account, "accounts"), (std::vector<std::string>{"a2", "a4", "a5"}));
  EXPECT_EQ(unseen(*store_, "run-1", ObjectType::Account, "partners"), (std::vector<std::string>{"b1"}));
  EXPECT_EQ(store_->count_confirmed(ObjectType::Account, "accounts"), 5);
  EXPECT_EQ(store_->count_confirmed(ObjectType::Account, "partners"), 1);
  EXPECT_EQ(store_->count_confirmed(ObjectType::Lead, "accounts"), 0);
}

TEST_F(Mirror, AnIdReadByAnotherStreamOfTheTypeIsNotVanished) {
  store_->mark_seen("run-1", ObjectType::Account, "accounts", {"a1", "a2", "a3", "a4"});
  store_->mark_seen("run-1", ObjectType::Account, "partners", {"a5"});  // moved to another stream
  EXPECT_TRUE(unseen(*store_, "run-1", ObjectType::Account, "accounts").empty());
  // A contact id a2 read in this run says nothing about account a2, and vice versa.
  EXPECT_EQ(unseen(*store_, "run-1", ObjectType::Contact, "accounts"), (std::vector<std::string>{"a2"}));
}

TEST_F(Mirror, MarksOfAnotherRunDoNotCount) {
  store_->mark_seen("run-1", ObjectType::Account, "accounts", {"a1", "a2", "a3", "a4", "a5"});
  EXPECT_EQ(unseen(*store_, "run-2", ObjectType::Account, "accounts").size(), 5u);
}

TEST_F(Mirror, MarksDoNotOutliveTheStoreSoAKilledRunDeletesNothingLater) {
  store_->mark_seen("run-1", ObjectType::Account, "accounts", {"a1", "a2", "a3", "a4"});
  store_.reset();
  store_ = StateStore::open(dir_.file("state.db"), clock_);
  EXPECT_EQ(unseen(*store_, "run-1", ObjectType::Account, "accounts").size(), 5u);
}

TEST_F(Mirror, IterationPagesInIdOrderAndTheCallbackMayUseTheStore) {
  std::vector<JournalItem> items;
  std::vector<std::string> seen, expected;
  for (int i = 0; i < 2500; ++i) {
    const std::string id = "m" + std::to_string(10000 + i);
    items.push_back(item(id, "h", "big"));
    (i % 3 == 0 ? seen : expected).push_back(id);
  }
  settle_all(*store_, "run-0", ObjectType::Deal, items, ItemOutcome::Confirmed, "t9");
  store_->mark_seen("run-1", ObjectType::Deal, "big", seen);
  std::vector<std::string> got;
  std::vector<JournalItem> deletions;
  store_->for_each_unseen_confirmed("run-1", ObjectType::Deal, "big", [&](const std::string& id) {
    got.push_back(id);
    deletions.push_back(item(id, "del", "big", true));
    if (deletions.size() == 500) {  // what the engine does: journal deletions while iterating
      store_->journal_batch("run-1", ObjectType::Deal, deletions);
      deletions.clear();
    }
  });
  EXPECT_EQ(got, expected);
  EXPECT_EQ(got.size(), 1666u);
  EXPECT_EQ(store_->pending_batches().size(), 3u);
}

TEST_F(Mirror, WorksOnAReadOnlyStore) {
  store_.reset();
  auto ro = StateStore::open(dir_.file("state.db"), clock_, /*read_only=*/true);
  ro->mark_seen("run-1", ObjectType::Account, "accounts", {"a2", "a4"});
  EXPECT_EQ(unseen(*ro, "run-1", ObjectType::Account, "accounts"), (std::vector<std::string>{"a1", "a3", "a5"}));
}

}  // namespace
}  // namespace zra
