// The RunPlanner: duplicates resolved across chunks and streams, dependency blocking, and the merge-join
// with the state store that decides new / changed / unchanged / retried / still-rejected and finds the
// ids mirror mode deletes.
#include <gtest/gtest.h>

#include <functional>

#include "core/common/errors.h"
#include "core/engine/record_planner.h"
#include "core/state/state_store.h"
#include "tests/unit/engine/engine_test_support.h"

namespace zra {
namespace {

namespace fs = std::filesystem;
using engine_test::drain;
using engine_test::ids_of;
using engine_test::record;
using engine_test::TempDir;

class PlannerTest : public ::testing::Test {
 protected:
  PlannerTest() : dir_(tmp_.path() / "spool", "run-2") {}

  StateStore& state() {
    if (!state_) state_ = StateStore::open((tmp_.path() / "state.db").string(), clock_);
    return *state_;
  }
  // Settles `ids` of `type` (stream `stream`) with `outcome`, payload hash "hash-<id>" unless given.
  void settle(ObjectType type, const std::vector<std::string>& ids, ItemOutcome outcome,
              const std::string& stream = "accounts", const std::string& hash_prefix = "hash-",
              bool deletion = false) {
    std::vector<JournalItem> items;
    std::vector<SettledItem> settled;
    for (const auto& id : ids) {
      items.push_back(JournalItem{id, hash_prefix + id, stream, stream + ".csv", deletion});
      settled.push_back(SettledItem{id, outcome, outcome == ItemOutcome::Rejected ? "bad email" : ""});
    }
    const int64_t batch = state().journal_batch("run-1", type, items);
    state().journal_task_id(batch, "task-1");
    state().settle_batch(batch, settled);
  }
  StreamOutcome stream(ObjectType type, const std::string& name, bool mirror = false, bool complete = true) {
    StreamOutcome s;
    s.source = "exports";
    s.stream = name;
    s.type = type;
    s.mirror = mirror;
    s.complete = complete;
    return s;
  }
  PlannedSends plan(RecordSpool& spool, const std::vector<StreamOutcome>& streams, ChangePolicy policy = {},
                    bool with_state = true, bool allow_mass_delete = false) {
    RunPlanner planner(with_state ? &state() : nullptr, clock_, policy, report_, causes_, dir_);
    return planner.plan(spool, streams, allow_mass_delete);
  }
  std::vector<PlannedRecord> sent(PlannedSends& sends, ObjectType type) {
    auto all = sends.take_records();
    auto it = all.find(type);
    return it == all.end() ? std::vector<PlannedRecord>{} : drain(*it->second);
  }

  TempDir tmp_;
  ManualClock clock_;
  SpoolDirectory dir_;
  std::unique_ptr<StateStore> state_;
  RunReport report_{"run-2"};
  FailureCauses causes_;
};

TEST_F(PlannerTest, DuplicatesAcrossChunksAndStreamsKeepTheNewerAndTheLaterOnATie) {
  RecordSpool spool(dir_, SpoolLimits{1024, 64, 1024});  // tiny chunks: the copies land in different runs
  auto add = [&](const std::string& id, const std::string& time, const std::string& stream, const std::string& loc) {
    spool.add(record(ObjectType::Account, id, time, stream, loc));
    for (int i = 0; i < 4; ++i) spool.add(record(ObjectType::Account, loc + "-filler-" + std::to_string(i)));
  };
  add("X", "2025-11-20T10:00:00Z", "east", "east.csv:2");
  add("X", "2025-11-20T09:00:00Z", "west", "west.csv:2");   // older: loses
  add("X", "2025-11-20T10:00:00Z", "west", "west.csv:9");   // tie with east: the later read wins
  add("Y", "2025-11-20T10:00:00.5Z", "east", "east.csv:3");
  add("Y", "2025-11-20T10:00:00Z", "west", "west.csv:3");  // older by half a second
  ASSERT_GT(spool.run_files(ObjectType::Account), 2u);

  PlannedSends sends = plan(spool, {stream(ObjectType::Account, "east"), stream(ObjectType::Account, "west")}, {}, false);
  auto out = sent(sends, ObjectType::Account);
  std::map<std::string, std::string> winner;
  for (const auto& r : out) winner[r.crm_id] = r.locator;
  EXPECT_EQ(out.size(), 22u);  // X, Y and 20 fillers
  EXPECT_EQ(winner["X"], "west.csv:9");
  EXPECT_EQ(winner["Y"], "east.csv:3");
  EXPECT_EQ(report_.counts(ObjectType::Account).duplicates, 3);
  EXPECT_EQ(report_.counts(ObjectType::Account).new_records, 22);
  std::vector<std::string> details;
  for (const auto& f : report_.failures()) {
    EXPECT_EQ(f.phase, Phase::Validation);
    EXPECT_EQ(f.field, "crm_account_id");
    details.push_back(f.locator + " | " + f.detail);
  }
  EXPECT_EQ(details, (std::vector<std::string>{
                         "west.csv:2 | duplicate crm_account_id 'X': superseded by east.csv:2 (modify_time "
                         "2025-11-20T10:00:00Z vs 2025-11-20T09:00:00Z)",
                         "east.csv:2 | duplicate crm_account_id 'X': superseded by west.csv:9 (modify_time "
                         "2025-11-20T10:00:00Z vs 2025-11-20T10:00:00Z)",
                         "west.csv:3 | duplicate crm_account_id 'Y': superseded by east.csv:3 (modify_time "
                         "2025-11-20T10:00:00.5Z vs 2025-11-20T10:00:00Z)"}));
}

TEST_F(PlannerTest, TheMergeJoinDecidesEachRecordAsChangeDetectionDoes) {
  settle(ObjectType::Account, {"a-same", "a-changed", "a-unconfirmed-before"}, ItemOutcome::Confirmed);
  settle(ObjectType::Account, {"a-unconfirmed-before"}, ItemOutcome::Unconfirmed);
  settle(ObjectType::Account, {"a-rejected"}, ItemOutcome::Rejected);
  settle(ObjectType::Account, {"a-gone"}, ItemOutcome::Confirmed);  // not read this run; not mirror
  RecordSpool spool(dir_);
  spool.add(record(ObjectType::Account, "a-same"));
  PlannedRecord changed = record(ObjectType::Account, "a-changed");
  changed.hash = "hash-new";
  spool.add(changed);
  spool.add(record(ObjectType::Account, "a-unconfirmed-before"));
  spool.add(record(ObjectType::Account, "a-rejected"));
  spool.add(record(ObjectType::Account, "a-new"));
  PlannedRecord del_unknown = record(ObjectType::Account, "a-delete-unknown");
  del_unknown.deletion = true;
  spool.add(del_unknown);
  PlannedRecord del_known = record(ObjectType::Account, "a-same");
  del_known.crm_id = "a-gone";
  del_known.deletion = true;
  spool.add(del_known);

  PlannedSends sends = plan(spool, {stream(ObjectType::Account, "accounts")});
  EXPECT_EQ(ids_of(sent(sends, ObjectType::Account)),
            (std::vector<std::string>{"a-changed", "a-gone", "a-new", "a-unconfirmed-before"}));
  TypeCounts c = report_.counts(ObjectType::Account);
  EXPECT_EQ(c.new_records, 1);
  EXPECT_EQ(c.changed, 2);  // a hash that differs, and one never confirmed in its last version
  EXPECT_EQ(c.unchanged, 2);  // a-same, and the deletion of an id ZRA never held
  EXPECT_EQ(c.still_rejected, 1);
  EXPECT_EQ(c.to_delete, 1);
  ASSERT_EQ(report_.failures().size(), 1u);
  const RecordFailure f = report_.failures()[0];
  EXPECT_EQ(f.crm_id, "a-rejected");
  EXPECT_EQ(f.phase, Phase::Remote);
  EXPECT_EQ(f.task_id, "task-1");
  EXPECT_EQ(f.detail.rfind("rejected by ZRA in run run-1: bad email (unchanged since;", 0), 0u) << f.detail;
  EXPECT_EQ(causes_[ObjectType::Account].count("a-rejected"), 1u);
}

TEST_F(PlannerTest, RejectedRecordsAreRetriedOnRequestOrOnceTheWaitIsOver) {
  settle(ObjectType::Lead, {"l1"}, ItemOutcome::Rejected, "leads");
  {
    RecordSpool spool(dir_);
    spool.add(record(ObjectType::Lead, "l1"));
    ChangePolicy retry;
    retry.retry_rejected = true;
    PlannedSends sends = plan(spool, {stream(ObjectType::Lead, "leads")}, retry);
    EXPECT_EQ(ids_of(sent(sends, ObjectType::Lead)), (std::vector<std::string>{"l1"}));
    EXPECT_EQ(report_.counts(ObjectType::Lead).retried, 1);
  }
  clock_.advance(std::chrono::hours(25));
  RecordSpool spool(dir_);
  spool.add(record(ObjectType::Lead, "l1"));
  PlannedSends sends = plan(spool, {stream(ObjectType::Lead, "leads")});
  EXPECT_EQ(ids_of(sent(sends, ObjectType::Lead)), (std::vector<std::string>{"l1"}));
  EXPECT_EQ(report_.counts(ObjectType::Lead).retried, 2);
}

TEST_F(PlannerTest, FullSendsEverythingAsChanged) {
  settle(ObjectType::Account, {"a1", "a2"}, ItemOutcome::Confirmed);
  RecordSpool spool(dir_);
  spool.add(record(ObjectType::Account, "a2"));
  spool.add(record(ObjectType::Account, "a1"));
  spool.add(record(ObjectType::Account, "a3"));
  ChangePolicy full;
  full.full = true;
  PlannedSends sends = plan(spool, {stream(ObjectType::Account, "accounts")}, full);
  EXPECT_EQ(ids_of(sent(sends, ObjectType::Account)), (std::vector<std::string>{"a1", "a2", "a3"}));
  EXPECT_EQ(report_.counts(ObjectType::Account).changed, 2);
  EXPECT_EQ(report_.counts(ObjectType::Account).new_records, 1);
}

// If SQLite's order differed from std::string's, the join would miss matches: they would count as new.
TEST_F(PlannerTest, TheJoinMatchesIdsWhateverTheirBytes) {
  const std::vector<std::string> ids = {"a", "B", "b", "Z", "_", "0", "9", "a b", "a-1", "a10", "a9", "\xc3\xa9t\xc3\xa9",
                                        "\xe2\x82\xac", "~", "A", "aa", "a\x7f", "\xf0\x9f\x98\x80", "!"};
  settle(ObjectType::Contact, ids, ItemOutcome::Confirmed, "contacts");
  RecordSpool spool(dir_);
  for (const auto& id : ids) spool.add(record(ObjectType::Contact, id, "2025-11-20T12:00:00Z", "contacts"));
  PlannedSends sends = plan(spool, {stream(ObjectType::Contact, "contacts")}, {}, true);
  EXPECT_TRUE(sent(sends, ObjectType::Contact).empty());
  EXPECT_EQ(report_.counts(ObjectType::Contact).unchanged, static_cast<int64_t>(ids.size()));
  EXPECT_EQ(report_.counts(ObjectType::Contact).new_records, 0);
}

TEST_F(PlannerTest, ThePageSizeDoesNotChangeTheDecisions) {
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back("id-" + std::to_string(i));
  settle(ObjectType::Account, ids, ItemOutcome::Confirmed);
  RecordSpool spool(dir_);
  for (int i = 0; i < 60; i += 2) spool.add(record(ObjectType::Account, "id-" + std::to_string(i)));
  RunPlanner planner(&state(), clock_, {}, report_, causes_, dir_, PlannerLimits{1u << 20, 1u << 20, 3});
  PlannedSends sends = planner.plan(spool, {stream(ObjectType::Account, "accounts")}, false);
  EXPECT_EQ(ids_of(sent(sends, ObjectType::Account)),
            (std::vector<std::string>{"id-50", "id-52", "id-54", "id-56", "id-58"}));
  EXPECT_EQ(report_.counts(ObjectType::Account).unchanged, 25);
}

TEST_F(PlannerTest, RecordsNamingAFailedRecordAreBlockedInDependencyOrder) {
  causes_[ObjectType::Account]["A3"] = "mapping error at accounts.csv:4: bad email";
  settle(ObjectType::Account, {"A1"}, ItemOutcome::Confirmed);
  settle(ObjectType::Account, {"A2"}, ItemOutcome::Rejected);  // still rejected: blocks its contacts too
  RecordSpool spool(dir_);
  PlannedRecord deal = record(ObjectType::Deal, "D1", "2025-11-20T12:00:00Z", "deals");
  deal.references = {{ObjectType::Account, "A1"}, {ObjectType::Contact, "C3"}};
  spool.add(deal);  // added first: the planner still decides contacts before deals
  PlannedRecord c2 = record(ObjectType::Contact, "C2", "2025-11-20T12:00:00Z", "contacts");
  c2.references = {{ObjectType::Account, "A2"}};
  spool.add(c2);
  PlannedRecord c3 = record(ObjectType::Contact, "C3", "2025-11-20T12:00:00Z", "contacts");
  c3.references = {{ObjectType::Account, "A3"}};
  spool.add(c3);
  spool.add(record(ObjectType::Account, "A1"));
  spool.add(record(ObjectType::Account, "A2"));
  PlannedSends sends = plan(spool, {stream(ObjectType::Account, "accounts"), stream(ObjectType::Contact, "contacts"),
                                    stream(ObjectType::Deal, "deals")});
  auto all = sends.take_records();
  for (auto& [type, source] : all) EXPECT_TRUE(drain(*source).empty()) << to_string(type);
  EXPECT_EQ(report_.counts(ObjectType::Contact).dependency_failed, 2);
  EXPECT_EQ(report_.counts(ObjectType::Deal).dependency_failed, 1);
  std::map<std::string, std::string> detail;
  for (const auto& f : report_.failures()) detail[f.crm_id] = f.detail;
  EXPECT_EQ(detail["C3"], "not sent: account 'A3' failed in this run (mapping error at accounts.csv:4: bad email)");
  EXPECT_EQ(detail["D1"].rfind("not sent: contact 'C3' failed in this run (dependency: account 'A3'", 0), 0u)
      << detail["D1"];
  EXPECT_EQ(detail["C2"].rfind("not sent: account 'A2' failed in this run (rejected by ZRA in run run-1", 0), 0u)
      << detail["C2"];
}

TEST_F(PlannerTest, MirrorDeletesWhatVanishedFromACompleteReadInStreamOrder) {
  std::vector<std::string> accounts, partners;
  for (int i = 0; i < 10; ++i) accounts.push_back("m" + std::to_string(i));
  for (int i = 0; i < 10; ++i) partners.push_back("p" + std::to_string(i));
  settle(ObjectType::Account, accounts, ItemOutcome::Confirmed, "accounts");
  settle(ObjectType::Account, partners, ItemOutcome::Confirmed, "partners");
  settle(ObjectType::Account, {"m9"}, ItemOutcome::Confirmed, "accounts", "hash-", true);  // deleted before
  RecordSpool spool(dir_);
  for (int i = 0; i < 8; ++i) spool.add(record(ObjectType::Account, "m" + std::to_string(i)));
  spool.add(record(ObjectType::Account, "p0", "2025-11-20T12:00:00Z", "accounts"));  // moved stream: seen
  for (int i = 1; i < 9; ++i) spool.add(record(ObjectType::Account, "p" + std::to_string(i), "2025-11-20T12:00:00Z", "partners"));
  PlannedSends sends = plan(spool, {stream(ObjectType::Account, "partners", true), stream(ObjectType::Account, "accounts", true)});
  auto dels = sends.take_deletions(ObjectType::Account);
  ASSERT_NE(dels, nullptr);
  auto out = drain(*dels);
  std::vector<std::string> got;
  for (const auto& r : out) {
    EXPECT_TRUE(r.deletion);
    EXPECT_EQ(r.body, R"({"crm_account_id":")" + r.crm_id + R"(","deletion":true})");
    got.push_back(r.stream + "/" + r.crm_id);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"partners/p9", "accounts/m8"}));
  EXPECT_EQ(report_.counts(ObjectType::Account).to_delete, 2);
}

TEST_F(PlannerTest, MirrorDeletesNothingAfterAPartialReadOrWithoutState) {
  settle(ObjectType::Account, {"m1", "m2", "m3"}, ItemOutcome::Confirmed);
  {
    RecordSpool spool(dir_);
    spool.add(record(ObjectType::Account, "m1"));
    PlannedSends sends = plan(spool, {stream(ObjectType::Account, "accounts", true, false)});
    EXPECT_EQ(sends.take_deletions(ObjectType::Account), nullptr);
  }
  RecordSpool spool(dir_);
  spool.add(record(ObjectType::Account, "m1"));
  PlannedSends sends = plan(spool, {stream(ObjectType::Account, "accounts", true)}, {}, false);
  EXPECT_EQ(sends.take_deletions(ObjectType::Account), nullptr);
  EXPECT_EQ(report_.counts(ObjectType::Account).to_delete, 0);
}

TEST_F(PlannerTest, TheMassDeleteGuardNamesTheCountsAndCanBeOverridden) {
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) ids.push_back("m" + std::to_string(i));
  settle(ObjectType::Account, ids, ItemOutcome::Confirmed);
  auto spool_with = [&](int n) {
    auto spool = std::make_unique<RecordSpool>(dir_);
    for (int i = 0; i < n; ++i) spool->add(record(ObjectType::Account, "m" + std::to_string(i)));
    return spool;
  };
  {
    auto spool = spool_with(7);  // 3 of 10 vanished: 30% > 20%
    try {
      plan(*spool, {stream(ObjectType::Account, "accounts", true)});
      FAIL() << "the guard did not trip";
    } catch (const FatalError& e) {
      EXPECT_NE(std::string(e.what()).find("mirror mode would delete 3 of 10 accounts of stream exports/accounts (30%"),
                std::string::npos)
          << e.what();
    }
  }
  auto spool = spool_with(7);
  PlannedSends sends = plan(*spool, {stream(ObjectType::Account, "accounts", true)}, {}, true, true);
  EXPECT_EQ(ids_of(drain(*sends.take_deletions(ObjectType::Account))), (std::vector<std::string>{"m7", "m8", "m9"}));
  // At the threshold exactly (2 of 10 = 20%) the guard lets it through.
  auto at = spool_with(8);
  PlannedSends ok = plan(*at, {stream(ObjectType::Account, "accounts", true)});
  EXPECT_EQ(ids_of(drain(*ok.take_deletions(ObjectType::Account))), (std::vector<std::string>{"m8", "m9"}));
}

TEST_F(PlannerTest, AMirrorStreamThatReadNothingDeletesEverythingOnlyWithTheOverride) {
  settle(ObjectType::Lead, {"l1", "l2"}, ItemOutcome::Confirmed, "leads");
  RecordSpool spool(dir_);
  PlannedSends sends = plan(spool, {stream(ObjectType::Lead, "leads", true)}, {}, true, true);
  EXPECT_EQ(ids_of(drain(*sends.take_deletions(ObjectType::Lead))), (std::vector<std::string>{"l1", "l2"}));
}

}  // namespace
}  // namespace zra
