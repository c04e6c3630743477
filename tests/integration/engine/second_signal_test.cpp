// A second SIGINT/SIGTERM exits at once (exit 130, no waiting for tasks in flight) and still leaves a state
// file that SQLite finds intact, `state show` reads, and the next run completes: it reads the results of
// the tasks that were in flight from the journal instead of sending their records again.
// And a first signal ends the run within --grace even while every call to ZRA fails and is being retried.
#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <set>
#include <thread>

#include "tests/integration/engine/sync_fixture.h"

namespace zra::testing {
namespace {

using Steady = std::chrono::steady_clock;

constexpr int kValidLeads = 30;
const char* kInvalidLead = "L-bad";  // a malformed email: invalid locally, never sent

std::string leads_csv() {
  std::string csv = "Id,Name,Email,Company,Modified\n";
  for (int i = 0; i < kValidLeads; ++i) {
    csv += "L" + std::to_string(i) + ",Lead " + std::to_string(i) + ",l" + std::to_string(i) +
           "@x.example,Co,2025-11-20T12:00:00Z\n";
  }
  return csv + std::string(kInvalidLead) + ",Bad lead,not-an-email,Co,2025-11-20T12:00:00Z\n";
}

// Waits until `path` contains `text` (the run's stderr, written as it goes); false after `limit`.
bool wait_for_text(const std::string& path, const std::string& text, std::chrono::seconds limit) {
  for (auto end = Steady::now() + limit; Steady::now() < end;) {
    if (read_text(path).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// "ok" when the file passes SQLite's own consistency check, else what the check (or the open) said.
std::string integrity_check(const std::string& path) {
  sqlite3* db = nullptr;
  std::string result;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    result = std::string("cannot open: ") + sqlite3_errmsg(db);
  } else {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) != SQLITE_OK) {
      result = std::string("cannot prepare: ") + sqlite3_errmsg(db);
    } else {
      while (sqlite3_step(st) == SQLITE_ROW) {
        result += (result.empty() ? "" : "\n") + std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
      }
      sqlite3_finalize(st);
    }
  }
  sqlite3_close(db);
  return result;
}

class SecondSignalTest : public SyncFixture, public ::testing::WithParamInterface<int> {
 protected:
  void SetUp() override {
    SyncFixture::SetUp();
    write_default_mappings();
  }
};

TEST_P(SecondSignalTest, ExitsAtOnceLeavingAConsistentStateTheNextRunCompletes) {
  const int sig = GetParam();
  sandbox::SandboxOptions o = sandbox_options_;
  o.task_delay_s = 3;  // tasks stay in flight well past the second signal
  o.slow_rate = 1;     // and every answer is slow
  o.slow_ms = 100;
  start_sandbox(o);
  write_file("data/leads.csv", leads_csv());
  write_config("  - name: exports\n    plugin: csv\n    streams:\n"
               "      - { name: leads, object: lead, path: data/leads.csv, mapping: mappings/leads.yaml }\n",
               "  batch_size: 10\n  max_in_flight_tasks: 2\n");
  register_crm();

  Spawned run = zra_sync_background({"run", "-c", "CONFIG", "--grace", "60", "--log-format", "json"}, "run");
  ASSERT_TRUE(wait_for_text(run.err_file, "\"import.submitted\"", std::chrono::seconds(30))) << read_text(run.err_file);
  ASSERT_EQ(kill(run.pid, sig), 0);
  // The scheduler logs run.stopping once no import call is under way: only tasks are in flight now.
  ASSERT_TRUE(wait_for_text(run.err_file, "\"run.stopping\"", std::chrono::seconds(10))) << read_text(run.err_file);
  const auto second = Steady::now();
  ASSERT_EQ(kill(run.pid, sig), 0);
  const int code = wait_for(run);
  const double seconds = std::chrono::duration<double>(Steady::now() - second).count();
  const std::string err = read_text(run.err_file);
  EXPECT_EQ(code, 130) << err;
  EXPECT_LT(seconds, 2.0) << "the second signal must not wait for the tasks in flight (3 s)\n" << err;
  EXPECT_NE(err.find("second signal: exiting now"), std::string::npos) << err;
  const int64_t sent_before_rerun = import_items();
  EXPECT_GT(sent_before_rerun, 0);
  EXPECT_LT(sent_before_rerun, kValidLeads) << "the first signal stops new imports";

  // The state as the abrupt exit left it: readable by the CLI, intact for SQLite.
  CommandResult show = zra_sync({"state", "show", "-c", "CONFIG"});
  EXPECT_EQ(show.exit_code, 0) << show.out << show.err;
  EXPECT_EQ(integrity_check((dir_ / "state/state.db").string()), "ok");

  // The next run reads the in-flight tasks' results from the journal, sends only the rest, and converges.
  CommandResult rerun = zra_sync({"run", "-c", "CONFIG", "--log-format", "json"});
  EXPECT_EQ(rerun.exit_code, 1) << "one invalid lead\n" << rerun.out << rerun.err;
  EXPECT_NE(rerun.err.find("\"journal.resume\""), std::string::npos) << rerun.err;
  EXPECT_EQ(import_items(), kValidLeads) << "no record of a task in flight was sent again";
  std::set<std::string> ids;
  const nlohmann::json leads = stored("lead");  // items() refers to it: it must outlive the loop
  for (const auto& [id, record] : leads.items()) ids.insert(id);
  std::set<std::string> want;
  for (int i = 0; i < kValidLeads; ++i) want.insert("L" + std::to_string(i));
  EXPECT_EQ(ids, want);
  EXPECT_EQ(integrity_check((dir_ / "state/state.db").string()), "ok");
}

// ZRA goes away mid-run (the sandbox stops: connection refused), so the task polls are retried with
// backoff waits of up to 60 s and zra.max_retries would keep them going for minutes; one signal with
// --grace 2 must still end the run within about 2 s, as interrupted (130) rather than fatal (3), with its
// report written and the records of the tasks in flight reported unconfirmed.
TEST_P(SecondSignalTest, OneSignalEndsTheRunWithinTheGraceWhileZraIsUnreachable) {
  const int sig = GetParam();
  sandbox::SandboxOptions o = sandbox_options_;
  o.task_delay_s = 30;  // tasks stay in flight: the run keeps polling them
  start_sandbox(o);
  write_file("data/leads.csv", leads_csv());
  write_config(
      "  - name: exports\n    plugin: csv\n    streams:\n"
      "      - { name: leads, object: lead, path: data/leads.csv, mapping: mappings/leads.yaml }\n",
      "  batch_size: 10\n  max_in_flight_tasks: 1\n  max_retries: 20\n  request_timeout_s: 5\n");
  register_crm();

  Spawned run = zra_sync_background({"run", "-c", "CONFIG", "--grace", "2", "--log-format", "json"}, "run");
  ASSERT_TRUE(wait_for_text(run.err_file, "\"import.submitted\"", std::chrono::seconds(30)))
      << read_text(run.err_file);
  sandbox_->stop();
  ASSERT_TRUE(wait_for_text(run.err_file, "\"zra.retry\"", std::chrono::seconds(10)))
      << read_text(run.err_file);
  const auto signalled = Steady::now();
  ASSERT_EQ(kill(run.pid, sig), 0);
  const int code = wait_for(run);
  const double seconds = std::chrono::duration<double>(Steady::now() - signalled).count();
  const std::string err = read_text(run.err_file);
  EXPECT_EQ(code, 130) << err;
  EXPECT_LT(seconds, 15.0) << "--grace 2 must bound the retries in progress\n" << err;
  EXPECT_EQ(err.find("second signal"), std::string::npos) << err;
  EXPECT_NE(err.find("the run is stopping"), std::string::npos) << err;

  const nlohmann::json summary = report_summary();
  EXPECT_EQ(summary["exit_code"], 130) << summary.dump();
  EXPECT_EQ(summary["types"]["lead"]["confirmed"], 0) << summary.dump();
  EXPECT_EQ(summary["types"]["lead"]["unconfirmed"], kValidLeads) << summary.dump();
  int64_t in_flight = 0, interrupted = 0;
  for (const auto& e : report_errors()) {
    const std::string detail = e.value("detail", "");
    if (detail.find("task still running when the run stopped") != std::string::npos) ++in_flight;
    if (detail == "not sent: the run was interrupted") ++interrupted;
  }
  EXPECT_EQ(in_flight, 10) << "the one task in flight";
  EXPECT_EQ(in_flight + interrupted, kValidLeads);
}

INSTANTIATE_TEST_SUITE_P(Signals, SecondSignalTest, ::testing::Values(SIGTERM, SIGINT),
                         [](const ::testing::TestParamInfo<int>& p) { return p.param == SIGTERM ? "Sigterm" : "Sigint"; });

}  // namespace
}  // namespace zra::testing
