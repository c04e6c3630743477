// The submission journal and what settling a batch does to each record.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "core/common/errors.h"
#include "core/common/log.h"
#include "core/state/state_store.h"
#include "tests/unit/state/state_test_support.h"

namespace zra {
namespace {

using state_test::item;
using state_test::settle_all;
using state_test::TempDir;
using ::testing::HasSubstr;

constexpr int64_t kStart = 1764000000;  // ManualClock's default wall time

class Journal : public ::testing::Test {
 protected:
  std::string path() const { return dir_.file("state.db"); }
  StateStore& store() {
    if (!store_) store_ = StateStore::open(path(), clock_);
    return *store_;
  }
  // Simulates a kill: the store goes away without settling anything, and a new process opens the file.
  void crash_and_reopen() {
    store_.reset();
    store_ = StateStore::open(path(), clock_);
  }
  RecordState state_of(ObjectType type, const std::string& id) {
    auto found = store().lookup(type, {id});
    if (!found[0]) throw std::runtime_error("no state for " + id);
    return *found[0];
  }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<StateStore> store_;
};

TEST_F(Journal, ABatchIsJournalledInOrderWithItsTaskId) {
  const int64_t id = store().journal_batch("run-1", ObjectType::Deal,
                                           {item("d2", "h2", "deals"), item("d1", "h1", "deals", true)});
  EXPECT_GT(id, 0);
  auto pending = store().pending_batches();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].batch_id, id);
  EXPECT_EQ(pending[0].run_id, "run-1");
  EXPECT_EQ(pending[0].type, ObjectType::Deal);
  EXPECT_EQ(pending[0].task_id, "");
  EXPECT_EQ(pending[0].created_at, kStart);
  ASSERT_EQ(pending[0].items.size(), 2u);
  EXPECT_EQ(pending[0].items[0].crm_id, "d2");
  EXPECT_EQ(pending[0].items[0].payload_hash, "h2");
  EXPECT_EQ(pending[0].items[0].stream, "deals");
  EXPECT_EQ(pending[0].items[0].locator, "deals.csv:d2");
  EXPECT_FALSE(pending[0].items[0].deletion);
  EXPECT_EQ(pending[0].items[1].crm_id, "d1");
  EXPECT_TRUE(pending[0].items[1].deletion);

  store().journal_task_id(id, "task-abc");
  EXPECT_EQ(store().pending_batches()[0].task_id, "task-abc");
  // Journalling touches no record: change detection still sees them as new.
  EXPECT_FALSE(store().lookup(ObjectType::Deal, {"d1"})[0].has_value());
}

TEST_F(Journal, BatchesOfAKilledRunArePendingAfterReopenOldestFirst) {
  const int64_t first = store().journal_batch("run-1", ObjectType::Account, {item("a1", "h1")});
  store().journal_task_id(first, "task-1");
  clock_.advance(std::chrono::seconds(5));
  const int64_t second = store().journal_batch("run-1", ObjectType::Contact, {item("c1", "h1", "contacts")});
  crash_and_reopen();

  auto pending = store().pending_batches();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].batch_id, first);
  EXPECT_EQ(pending[0].task_id, "task-1");
  EXPECT_EQ(pending[0].created_at, kStart);
  EXPECT_EQ(pending[1].batch_id, second);
  EXPECT_EQ(pending[1].task_id, "");  // killed between journal and 202
  EXPECT_EQ(pending[1].created_at, kStart + 5);

  // The next run settles the accepted one and abandons the one that never got a 202.
  store().settle_batch(first, {{"a1", ItemOutcome::Confirmed, ""}});
  store().abandon_batch(second);
  EXPECT_TRUE(store().pending_batches().empty());
  EXPECT_EQ(state_of(ObjectType::Account, "a1").outcome, RecordOutcome::Confirmed);
  EXPECT_EQ(state_of(ObjectType::Account, "a1").run_id, "run-1");
  EXPECT_FALSE(store().lookup(ObjectType::Contact, {"c1"})[0].has_value());
}

TEST_F(Journal, ConfirmedStoresTheHashAsConfirmed) {
  clock_.advance(std::chrono::seconds(30));
  settle_all(store(), "run-1", ObjectType::Account, {item("a1", "hash-1")}, ItemOutcome::Confirmed, "task-1");
  const RecordState s = state_of(ObjectType::Account, "a1");
  EXPECT_EQ(s.outcome, RecordOutcome::Confirmed);
  EXPECT_EQ(s.payload_hash, "hash-1");
  EXPECT_EQ(s.confirmed_hash, "hash-1");
  EXPECT_EQ(s.stream, "accounts");
  EXPECT_EQ(s.run_id, "run-1");
  EXPECT_EQ(s.task_id, "task-1");
  EXPECT_EQ(s.detail, "");
  EXPECT_EQ(s.updated_at, kStart + 30);
  EXPECT_TRUE(store().pending_batches().empty());
}

TEST_F(Journal, AConfirmedDeletionLeavesNothingConfirmed) {
  settle_all(store(), "run-1", ObjectType::Account, {item("a1", "hash-1")}, ItemOutcome::Confirmed, "task-1");
  settle_all(store(), "run-2", ObjectType::Account, {item("a1", "del-hash", "accounts", true)},
             ItemOutcome::Confirmed, "task-2");
  const RecordState s = state_of(ObjectType::Account, "a1");
  EXPECT_EQ(s.outcome, RecordOutcome::Deleted);
  EXPECT_EQ(s.payload_hash, "del-hash");
  EXPECT_EQ(s.confirmed_hash, "");
  EXPECT_EQ(s.run_id, "run-2");
}

TEST_F(Journal, RejectedKeepsTheRejectedHashAndWhatZraStillHolds) {
  settle_all(store(), "run-1", ObjectType::Contact, {item("c-new", "bad-1", "contacts")}, ItemOutcome::Rejected,
             "task-1", "contact_email: invalid email");
  RecordState fresh = state_of(ObjectType::Contact, "c-new");
  EXPECT_EQ(fresh.outcome, RecordOutcome::Rejected);
  EXPECT_EQ(fresh.payload_hash, "bad-1");  // an unchanged rejected record is recognised next run
  EXPECT_EQ(fresh.confirmed_hash, "");     // ZRA never held it
  EXPECT_EQ(fresh.detail, "contact_email: invalid email");
  EXPECT_EQ(fresh.task_id, "task-1");

  settle_all(store(), "run-1", ObjectType::Contact, {item("c-old", "good-1", "contacts")}, ItemOutcome::Confirmed, "t");
  settle_all(store(), "run-2", ObjectType::Contact, {item("c-old", "bad-2", "contacts")}, ItemOutcome::Rejected,
             "task-2", "owner_email: not a licensed user");
  RecordState updated = state_of(ObjectType::Contact, "c-old");
  EXPECT_EQ(updated.outcome, RecordOutcome::Rejected);
  EXPECT_EQ(updated.payload_hash, "bad-2");
  EXPECT_EQ(updated.confirmed_hash, "good-1");  // ZRA still holds the older version
  EXPECT_EQ(updated.detail, "owner_email: not a licensed user");
}

TEST_F(Journal, UnconfirmedNeverLooksConfirmedSoItIsSentAgain) {
  settle_all(store(), "run-1", ObjectType::Lead, {item("l1", "h1", "leads")}, ItemOutcome::Confirmed, "task-1");
  // The same payload resent (e.g. --full) whose task expired: it must not count as confirmed any more.
  settle_all(store(), "run-2", ObjectType::Lead, {item("l1", "h1", "leads")}, ItemOutcome::Unconfirmed, "task-2",
             "task expired (404)");
  RecordState same = state_of(ObjectType::Lead, "l1");
  EXPECT_EQ(same.outcome, RecordOutcome::Unconfirmed);
  EXPECT_EQ(same.payload_hash, "h1");
  EXPECT_EQ(same.confirmed_hash, "h1");
  EXPECT_EQ(same.detail, "task expired (404)");

  settle_all(store(), "run-3", ObjectType::Lead, {item("l1", "h2", "leads"), item("l2", "h9", "leads")},
             ItemOutcome::Unconfirmed, "task-3", "task FAILED");
  RecordState changed = state_of(ObjectType::Lead, "l1");
  EXPECT_EQ(changed.outcome, RecordOutcome::Unconfirmed);
  EXPECT_EQ(changed.payload_hash, "h2");
  EXPECT_EQ(changed.confirmed_hash, "h1");
  RecordState never = state_of(ObjectType::Lead, "l2");
  EXPECT_EQ(never.outcome, RecordOutcome::Unconfirmed);
  EXPECT_EQ(never.confirmed_hash, "");
}

TEST_F(Journal, ItemsWithoutAnOutcomeAreSettledUnconfirmedAndLogged) {
  std::ostringstream log_out;
  configure_logging(LogOptions{}, &log_out);
  const int64_t id = store().journal_batch("run-1", ObjectType::Account, {item("a1", "h1"), item("a2", "h2")});
  store().journal_task_id(id, "task-7");
  store().settle_batch(id, {{"a2", ItemOutcome::Confirmed, ""}});
  configure_logging(LogOptions{}, &std::cerr);
  EXPECT_EQ(state_of(ObjectType::Account, "a2").outcome, RecordOutcome::Confirmed);
  RecordState a1 = state_of(ObjectType::Account, "a1");
  EXPECT_EQ(a1.outcome, RecordOutcome::Unconfirmed);
  EXPECT_EQ(a1.detail, "no outcome was given when batch " + std::to_string(id) + " was settled");
  EXPECT_THAT(log_out.str(), HasSubstr("items_without_outcome=1"));
  EXPECT_THAT(log_out.str(), HasSubstr("task_id=task-7"));
}

TEST_F(Journal, AnIdOutsideTheBatchSettlesNothing) {
  settle_all(store(), "run-0", ObjectType::Account, {item("a1", "old")}, ItemOutcome::Confirmed, "task-0");
  const int64_t id = store().journal_batch("run-1", ObjectType::Account, {item("a1", "new")});
  store().journal_task_id(id, "task-1");
  try {
    store().settle_batch(id, {{"a1", ItemOutcome::Confirmed, ""}, {"zz", ItemOutcome::Confirmed, ""}});
    FAIL() << "settled an id that is not in the batch";
  } catch (const StateError& e) {
    EXPECT_EQ(std::string(e.what()), "state file " + path() + ": crm_id 'zz' is not in batch " + std::to_string(id) +
                                         " (task task-1); nothing was settled");
  }
  EXPECT_THROW(store().settle_batch(id, {{"a1", ItemOutcome::Confirmed, ""}, {"a1", ItemOutcome::Rejected, ""}}),
               StateError);
  EXPECT_EQ(state_of(ObjectType::Account, "a1").payload_hash, "old");
  ASSERT_EQ(store().pending_batches().size(), 1u);
}

TEST_F(Journal, ASettledOrAbandonedBatchIsGoneFromTheJournal) {
  const int64_t id = settle_all(store(), "run-1", ObjectType::Account, {item("a1", "h")}, ItemOutcome::Confirmed, "t");
  const std::string gone = "state file " + path() + ": batch " + std::to_string(id) +
                           " is not in the journal (it was already settled or abandoned, or never journalled)";
  try {
    store().settle_batch(id, {{"a1", ItemOutcome::Confirmed, ""}});
    FAIL() << "settled a batch twice";
  } catch (const StateError& e) {
    EXPECT_EQ(std::string(e.what()), gone);
  }
  EXPECT_THROW(store().abandon_batch(id), StateError);
  EXPECT_THROW(store().journal_task_id(id, "t2"), StateError);
  EXPECT_THROW(store().journal_task_id(9999, "t2"), StateError);
}

TEST_F(Journal, AbandoningLeavesRecordsUntouchedAndIdsAreNeverReused) {
  settle_all(store(), "run-0", ObjectType::Account, {item("a1", "old")}, ItemOutcome::Confirmed, "task-0");
  const int64_t id = store().journal_batch("run-1", ObjectType::Account, {item("a1", "new")});
  store().abandon_batch(id);
  EXPECT_TRUE(store().pending_batches().empty());
  RecordState s = state_of(ObjectType::Account, "a1");
  EXPECT_EQ(s.payload_hash, "old");
  EXPECT_EQ(s.outcome, RecordOutcome::Confirmed);
  crash_and_reopen();
  EXPECT_GT(store().journal_batch("run-2", ObjectType::Account, {item("a1", "new")}), id);
}

TEST_F(Journal, ABatchMayNotCarryAnIdTwice) {
  try {
    store().journal_batch("run-1", ObjectType::Account, {item("a1", "h1"), item("a2", "h2"), item("a1", "h3")});
    FAIL() << "journalled a duplicate id";
  } catch (const StateError& e) {
    EXPECT_EQ(std::string(e.what()), "state file " + path() + ": a account batch of run run-1 holds crm_id 'a1' "
                                     "twice (accounts.csv:a1); one batch sends an id once");
  }
  EXPECT_TRUE(store().pending_batches().empty());
}

TEST_F(Journal, TypesAreSeparateNamespacesOfIds) {
  settle_all(store(), "r", ObjectType::Account, {item("X1", "acc")}, ItemOutcome::Confirmed, "t1");
  settle_all(store(), "r", ObjectType::Lead, {item("X1", "lead", "leads")}, ItemOutcome::Rejected, "t2", "bad");
  EXPECT_EQ(state_of(ObjectType::Account, "X1").payload_hash, "acc");
  EXPECT_EQ(state_of(ObjectType::Lead, "X1").outcome, RecordOutcome::Rejected);
  EXPECT_FALSE(store().lookup(ObjectType::Deal, {"X1"})[0].has_value());
}

TEST_F(Journal, LookupAnswersInTheOrderAsked) {
  settle_all(store(), "r", ObjectType::Account, {item("b", "hb"), item("d", "hd"), item("a", "ha")},
             ItemOutcome::Confirmed, "t1");
  auto found = store().lookup(ObjectType::Account, {"d", "zz", "a", "b", "c", "d"});
  ASSERT_EQ(found.size(), 6u);
  EXPECT_EQ(found[0]->payload_hash, "hd");
  EXPECT_FALSE(found[1].has_value());
  EXPECT_EQ(found[2]->payload_hash, "ha");
  EXPECT_EQ(found[3]->payload_hash, "hb");
  EXPECT_FALSE(found[4].has_value());
  EXPECT_EQ(found[5]->payload_hash, "hd");
  EXPECT_TRUE(store().lookup(ObjectType::Account, {}).empty());
}

}  // namespace
}  // namespace zra
