// The incremental state file (sandbox/state_journal.h): a snapshot plus an append-only journal, crash
// safe, compatible with state files written before the journal existed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "core/common/errors.h"
#include "core/common/log.h"
#include "sandbox/crm_store.h"
#include "sandbox/licensed_users.h"
#include "sandbox/state_file.h"
#include "sandbox/state_journal.h"
#include "tests/integration/sandbox/sandbox_fixture.h"

namespace zra::sandbox::test {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t count_lines(const std::string& path) {
  std::string text = read_all(path);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

json accounts(int from, int to) {
  json data = json::array();
  for (int i = from; i < to; ++i) data.push_back(account("A" + std::to_string(i)));
  return data;
}

class StateJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/sandbox_journal_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json";
    for (const char* suffix : {"", ".journal", ".tmp", ".journal.tmp"}) std::remove((path_ + suffix).c_str());
  }
  void TearDown() override { configure_logging(LogOptions{}, &std::cerr); }

  // A store with a journal opened on path_.
  struct Opened {
    std::unique_ptr<CrmStore> store = std::make_unique<CrmStore>("sandbox-account");
    std::unique_ptr<StateJournal> journal;
  };
  Opened open(uint64_t small_bytes = 0) {
    Opened o;
    o.journal = std::make_unique<StateJournal>(path_, small_bytes);
    o.journal->open(*o.store);
    return o;
  }
  void import(CrmStore& store, ObjectType type, const json& data) {
    ImportOutcome out = store.import(type, data, licensed_);
    ASSERT_EQ(out.failed, 0u) << (out.errors.empty() ? "" : out.errors[0].detail);
  }

  std::string path_;
  LicensedUsers licensed_;
};

TEST_F(StateJournalTest, EveryChangeIsOneLineAndReplaysToTheSameState) {
  Opened a = open();
  ASSERT_TRUE(a.store->register_crm(default_registration(), "2025-11-20T12:00:00Z"));
  import(*a.store, ObjectType::Account, accounts(0, 3));
  import(*a.store, ObjectType::Contact, json::array({contact("C1", "A1")}));
  json del = {{"crm_account_id", "A2"}, {"deletion", true}};
  import(*a.store, ObjectType::Account, json::array({del}));
  EXPECT_EQ(a.journal->journal_entries(), 4u);
  EXPECT_EQ(count_lines(path_ + ".journal"), 5u);  // header + 4 changes
  EXPECT_FALSE(std::ifstream(path_).good()) << "no snapshot until a compaction";

  Opened b = open();
  EXPECT_EQ(b.store->state(), a.store->state());
  EXPECT_EQ(b.store->state()["counts"]["account"], 2);
  EXPECT_EQ(b.journal->journal_entries(), 4u);
  // Appending continues the same journal.
  import(*b.store, ObjectType::Lead, json::array({lead("L1")}));
  Opened c = open();
  EXPECT_EQ(c.store->state(), b.store->state());
  EXPECT_EQ(c.store->state()["counts"]["lead"], 1);
}

TEST_F(StateJournalTest, CompactionWritesTheSnapshotAndStartsTheNextGeneration) {
  Opened a = open();
  ASSERT_TRUE(a.store->register_crm(default_registration(), "2025-11-20T12:00:00Z"));
  import(*a.store, ObjectType::Account, accounts(0, 10));
  a.journal->compact(*a.store);
  EXPECT_EQ(a.journal->generation(), 1u);
  EXPECT_EQ(a.journal->journal_entries(), 0u);
  EXPECT_EQ(read_all(path_ + ".journal"), "{\"generation\":1,\"sandbox_journal\":1}\n");
  json snapshot = json::parse(read_all(path_));
  EXPECT_EQ(snapshot["sandbox_state_version"], 1);
  EXPECT_EQ(snapshot["journal_generation"], 1);
  EXPECT_EQ(snapshot["records"]["account"].size(), 10u);
  EXPECT_EQ(snapshot["records"]["account"]["A3"], a.store->state()["records"]["account"]["A3"]);

  import(*a.store, ObjectType::Account, accounts(10, 12));
  Opened b = open();
  EXPECT_EQ(b.store->state(), a.store->state());
  EXPECT_EQ(b.store->state()["counts"]["account"], 12);
}

// The point of the journal: with a state larger than the journal, a task appends one line and the
// snapshot is not rewritten (before: the whole store was rewritten after every task).
TEST_F(StateJournalTest, ALargeStateIsNotRewrittenPerTask) {
  Opened a = open();
  ASSERT_TRUE(a.store->register_crm(default_registration(), "2025-11-20T12:00:00Z"));
  import(*a.store, ObjectType::Account, accounts(0, 2000));
  a.journal->compact(*a.store);
  const std::string snapshot = read_all(path_);
  ASSERT_GT(snapshot.size(), 100000u);
  for (int i = 0; i < 5; ++i) {
    import(*a.store, ObjectType::Account, accounts(5000 + i, 5001 + i));
    a.journal->compact_if_due(*a.store);
  }
  EXPECT_EQ(a.journal->compactions(), 1u);
  EXPECT_EQ(a.journal->journal_entries(), 5u);
  EXPECT_EQ(read_all(path_), snapshot);
  // Once the journal is as large as the snapshot, it is folded in.
  import(*a.store, ObjectType::Account, accounts(2000, 4500));
  a.journal->compact_if_due(*a.store);
  EXPECT_EQ(a.journal->compactions(), 2u);
  EXPECT_EQ(a.journal->journal_entries(), 0u);
  Opened b = open();
  EXPECT_EQ(b.store->state()["counts"]["account"], 4505);
}

TEST(CompactionPolicyTest, DueWhenTheJournalIsAsLargeAsTheSnapshotOrTheStateIsSmall) {
  EXPECT_FALSE(compaction_due(0, 0, 1000));          // nothing to fold in
  EXPECT_TRUE(compaction_due(0, 1, 0));              // no snapshot yet
  EXPECT_TRUE(compaction_due(5000, 5000, 0));
  EXPECT_FALSE(compaction_due(5000, 4999, 0));
  EXPECT_TRUE(compaction_due(600, 400, 1000));       // small: rewritten whole, as before journals
  EXPECT_FALSE(compaction_due(600, 401, 1000));
}

TEST_F(StateJournalTest, ATornLastEntryIsIgnoredWithAWarningAndCutOff) {
  {
    Opened a = open();
    ASSERT_TRUE(a.store->register_crm(default_registration(), "2025-11-20T12:00:00Z"));
    import(*a.store, ObjectType::Account, accounts(0, 2));
  }
  const std::string good = read_all(path_ + ".journal");
  {
    std::ofstream f(path_ + ".journal", std::ios::app | std::ios::binary);
    f << R"({"op":"import","type":"account","apply":[["A9",{"crm_acc)";  // the crash hit mid-append
  }
  std::ostringstream log;
  configure_logging(LogOptions{}, &log);
  Opened b = open();
  EXPECT_EQ(b.store->state()["counts"]["account"], 2);
  EXPECT_NE(log.str().find("ignoring the torn last entry of journal " + path_ + ".journal:4 (no end of line)"),
            std::string::npos)
      << log.str();
  EXPECT_EQ(read_all(path_ + ".journal"), good) << "the torn bytes are cut off before appending";
  import(*b.store, ObjectType::Account, accounts(2, 3));
  Opened c = open();
  EXPECT_EQ(c.store->state()["counts"]["account"], 3);
}

TEST_F(StateJournalTest, ACorruptEntryBeforeTheLastIsAnErrorNamingFileAndLine) {
  {
    Opened a = open();
    ASSERT_TRUE(a.store->register_crm(default_registration(), "2025-11-20T12:00:00Z"));
  }
  {
    std::ofstream f(path_ + ".journal", std::ios::app | std::ios::binary);
    f << "{not json\n" << R"({"op":"clear"})" << "\n";
  }
  try {
    open();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "sandbox: journal " + path_ + ".journal:3 is corrupt: not JSON");
    EXPECT_EQ(e.exit_code(), kExitUsage);
  }
  {
    std::ofstream f(path_ + ".journal", std::ios::trunc | std::ios::binary);
    f << "{\"generation\":0,\"sandbox_journal\":1}\n" << R"({"op":"explode"})" << "\n" << R"({"op":"clear"})" << "\n";
  }
  try {
    open();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "sandbox: " + path_ + ".journal:2: not a sandbox change: unknown op 'explode'");
  }
}

// A crash between the snapshot's rename and the new journal's: the journal on disk is the previous
// generation, already contained in the snapshot, so it is not replayed again.
TEST_F(StateJournalTest, AJournalOfAnOlderGenerationIsIgnored) {
  {
    Opened a = open();
    ASSERT_TRUE(a.store->register_crm(default_registration(), "2025-11-20T12:00:00Z"));
    import(*a.store, ObjectType::Account, accounts(0, 2));
    a.journal->compact(*a.store);  // generation 1
  }
  {
    std::ofstream f(path_ + ".journal", std::ios::trunc | std::ios::binary);
    f << "{\"generation\":0,\"sandbox_journal\":1}\n" << R"({"op":"clear"})" << "\n";
  }
  Opened b = open();
  EXPECT_EQ(b.store->state()["counts"]["account"], 2);
  EXPECT_TRUE(b.store->is_registered());
  import(*b.store, ObjectType::Account, accounts(2, 3));  // replaces the stale journal
  EXPECT_EQ(read_all(path_ + ".journal").rfind("{\"generation\":1,", 0), 0u);
  Opened c = open();
  EXPECT_EQ(c.store->state()["counts"]["account"], 3);
}

// The process died in a compaction after the switch to the next journal, before the new snapshot was
// renamed: snapshot and journal of generation 0, journal.next of generation 1 continuing them.
TEST_F(StateJournalTest, ACompactionCutShortBeforeTheSnapshotLosesNothing) {
  {
    Opened a = open();
    ASSERT_TRUE(a.store->register_crm(default_registration(), "2025-11-20T12:00:00Z"));
    import(*a.store, ObjectType::Account, accounts(0, 2));
  }
  json a9 = account("A9");
  a9["zra_account_id"] = "Z";
  {
    std::ofstream f(path_ + ".journal.next", std::ios::binary);
    f << "{\"generation\":1,\"sandbox_journal\":1}\n"
      << json({{"op", "import"}, {"type", "account"}, {"apply", json::array({json::array({"A9", a9})})}}).dump() << "\n";
  }
  Opened b = open();
  EXPECT_EQ(b.store->state()["counts"]["account"], 3);
  EXPECT_EQ(b.store->state()["records"]["account"]["A9"], a9);
  // Rewritten once at start, as a generation newer than any file that was on disk.
  EXPECT_EQ(b.journal->generation(), 2u);
  EXPECT_FALSE(std::ifstream(path_ + ".journal.next").good());
  EXPECT_EQ(read_all(path_ + ".journal"), "{\"generation\":2,\"sandbox_journal\":1}\n");
  EXPECT_EQ(json::parse(read_all(path_))["records"]["account"].size(), 3u);
  Opened c = open();
  EXPECT_EQ(c.store->state(), b.store->state());
}

// The process died after the new snapshot's rename, before journal.next became the journal: the old
// journal is already in the snapshot (not replayed again), journal.next is replayed.
TEST_F(StateJournalTest, ACompactionCutShortAfterTheSnapshotLosesNothing) {
  json expected;
  {
    Opened a = open();
    ASSERT_TRUE(a.store->register_crm(default_registration(), "2025-11-20T12:00:00Z"));
    import(*a.store, ObjectType::Account, accounts(0, 2));
    a.journal->compact(*a.store);  // generation 1
    import(*a.store, ObjectType::Account, accounts(2, 3));
    a.journal->compact(*a.store);  // generation 2, journal of generation 2
    import(*a.store, ObjectType::Account, accounts(3, 4));
    expected = a.store->state();
  }
  ASSERT_EQ(std::rename((path_ + ".journal").c_str(), (path_ + ".journal.next").c_str()), 0);
  {
    std::ofstream f(path_ + ".journal", std::ios::binary);
    f << "{\"generation\":1,\"sandbox_journal\":1}\n" << R"({"op":"clear"})" << "\n";
  }
  Opened b = open();
  EXPECT_EQ(b.store->state(), expected);
  EXPECT_EQ(b.store->state()["counts"]["account"], 4);
  Opened c = open();
  EXPECT_EQ(c.store->state(), expected);
}

// Changes go on while a compaction writes the snapshot: whatever the interleaving, snapshot plus
// journal load as the final state.
TEST_F(StateJournalTest, ChangesDuringACompactionAreKept) {
  Opened a = open();
  ASSERT_TRUE(a.store->register_crm(default_registration(), "2025-11-20T12:00:00Z"));
  import(*a.store, ObjectType::Account, accounts(0, 5000));
  std::thread writer([&] {
    for (int i = 0; i < 40; ++i) {
      json renamed = account("A" + std::to_string(i * 100));
      renamed["account_name"] = "Renamed " + std::to_string(i);
      json gone = {{"crm_account_id", "A" + std::to_string(i * 100 + 1)}, {"deletion", true}};
      import(*a.store, ObjectType::Account, json::array({renamed, gone, account("N" + std::to_string(i))}));
    }
  });
  a.journal->compact(*a.store);
  writer.join();
  a.journal->compact_if_due(*a.store);
  Opened b = open();
  EXPECT_EQ(b.store->state(), a.store->state());
  EXPECT_EQ(b.store->state()["counts"]["account"], 5000);  // 40 deleted, 40 added
  EXPECT_EQ(b.store->state()["records"]["account"]["A3900"]["account_name"], "Renamed 39");
}

// A state file written before journals existed (no journal_generation, no .journal) loads as it is.
TEST_F(StateJournalTest, AStateFileWithoutAJournalStillLoads) {
  CrmStore old("sandbox-account");
  ASSERT_TRUE(old.register_crm(default_registration(), "2025-11-20T12:00:00Z"));
  import(old, ObjectType::Account, accounts(0, 3));
  save_state_file(path_, old.persisted());  // the format of the previous sandbox
  Opened a = open();
  EXPECT_EQ(a.store->state(), old.state());
  EXPECT_EQ(a.journal->generation(), 0u);
  import(*a.store, ObjectType::Account, accounts(3, 4));
  Opened b = open();
  EXPECT_EQ(b.store->state()["counts"]["account"], 4);
}

TEST_F(StateJournalTest, ResetOfALargeStateRewritesTheSnapshotAtOnce) {
  Opened a = open(1);
  ASSERT_TRUE(a.store->register_crm(default_registration(), "2025-11-20T12:00:00Z"));
  import(*a.store, ObjectType::Account, accounts(0, 500));
  a.journal->compact(*a.store);
  a.store->clear();
  a.journal->compact_if_due(*a.store);
  EXPECT_EQ(a.journal->compactions(), 2u);
  json snapshot = json::parse(read_all(path_));
  EXPECT_TRUE(snapshot["registration"].is_null());
  EXPECT_EQ(snapshot["records"]["account"], json::object());
}

}  // namespace
}  // namespace zra::sandbox::test
