// A stop while a ZRA call is being retried (ZRA unreachable): the scheduler's run ends within the grace,
// tasks in flight are reported unconfirmed and stay journalled, unsent records are reported interrupted.
// FakeTransport + ManualClock: milliseconds, deterministic.
#include <gtest/gtest.h>

#include <atomic>

#include "core/engine/import_scheduler.h"
#include "core/state/state_store.h"
#include "tests/unit/client/client_fixture.h"
#include "tests/unit/engine/engine_test_support.h"

namespace zra {
namespace {

using engine_test::record;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

constexpr seconds kGrace{30};
constexpr milliseconds kSlice{200};  // ClientOptions::stop_check_interval and the scheduler's longest sleep
const char* kRunId = "run-stop";
const char* kStillRunning = "task still running when the run stopped; the next run reads its result";
const char* kInterrupted = "not sent: the run was interrupted";

class SchedulerStopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http.on("POST", "/oauth/token", [](const HttpRequest&) {
      return make_json_response(200, {{"access_token", "tok"}, {"expires_in", 3600}});
    });
    ClientOptions o = test_client_options();
    // Waits of 4, 8, 16, 32, 60... s: retries would outlast a 30 s grace by minutes.
    o.backoff_initial = seconds(8);
    o.backoff_max = seconds(120);
    client = std::make_unique<ZraClient>(o, http, clock, random);
    state = StateStore::open((dir.path() / "state.db").string(), clock);
  }

  std::unique_ptr<ImportScheduler> scheduler() {
    SchedulerOptions o;
    o.batch_size = 2;
    o.max_in_flight = 1;
    o.poll = {milliseconds(500), milliseconds(5000), seconds(3600)};
    o.grace = kGrace;
    return std::make_unique<ImportScheduler>(*client, state.get(), report, causes, clock, o, kRunId, stop);
  }
  std::map<ObjectType, std::vector<PlannedRecord>> four_accounts() const {
    std::vector<PlannedRecord> v;
    for (const char* id : {"A1", "A2", "A3", "A4"}) v.push_back(record(ObjectType::Account, id));
    return {{ObjectType::Account, v}};
  }
  // Sets the stop flag at the first sleep that starts once `ready()` holds; remembers when.
  void stop_when(std::function<bool()> ready) {
    clock.on_sleep = [this, ready](nanoseconds) {
      if (!stop && ready()) {
        stop = true;
        stopped_at = clock.now();
      }
    };
  }
  std::vector<RecordFailure> failures_with(const std::string& detail_start) const {
    std::vector<RecordFailure> out;
    for (const auto& f : report.failures()) {
      if (f.detail.rfind(detail_start, 0) == 0) out.push_back(f);
    }
    return out;
  }

  HookedClock clock;
  FixedRandom random{0.5};
  FakeTransport http;
  engine_test::TempDir dir;
  std::unique_ptr<StateStore> state;
  std::unique_ptr<ZraClient> client;
  RunReport report{kRunId};
  FailureCauses causes;
  std::atomic<bool> stop{false};
  Clock::Instant stopped_at{};
};

TEST_F(SchedulerStopTest, PollsThatKeepFailingEndTheRunWithinTheGrace) {
  http.on("POST", "/zra/crm/accounts", [](const HttpRequest&) {
    return make_json_response(202, {{"task_id", "T1"}});
  });
  http.on("GET", "/zra/crm/tasks/", [](const HttpRequest&) { return make_response(503, "{}"); });
  stop_when([this] { return http.count("GET", "/zra/crm/tasks/") >= 1; });  // in the first backoff wait
  state->begin_run(kRunId);

  auto s = scheduler();
  EXPECT_NO_THROW(s->run(four_accounts()));
  EXPECT_TRUE(stop.load());
  EXPECT_LE(clock.now() - stopped_at, kGrace + kSlice);
  EXPECT_EQ(http.count("POST", "/zra/crm/accounts"), 1u);
  EXPECT_LT(http.count("GET", "/zra/crm/tasks/"), 8u) << "the retries were cut short";

  const TypeCounts c = report.counts(ObjectType::Account);
  EXPECT_EQ(c.sent, 2);
  EXPECT_EQ(c.confirmed, 0);
  EXPECT_EQ(c.unconfirmed, 4);
  const auto in_flight = failures_with(kStillRunning);
  ASSERT_EQ(in_flight.size(), 2u);
  EXPECT_EQ(in_flight[0].crm_id, "A1");
  EXPECT_EQ(in_flight[0].phase, Phase::Unconfirmed);
  EXPECT_EQ(in_flight[0].task_id, "T1");
  const auto unsent = failures_with(kInterrupted);
  ASSERT_EQ(unsent.size(), 2u);
  EXPECT_EQ(unsent[0].crm_id, "A3");
  EXPECT_EQ(unsent[1].crm_id, "A4");
  EXPECT_EQ(report.failure_count(), 4);

  // Nothing abandoned: the next run reads T1's result instead of sending A1 and A2 again.
  const auto pending = state->pending_batches();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].task_id, "T1");
  ASSERT_EQ(pending[0].items.size(), 2u);
  EXPECT_EQ(pending[0].items[0].crm_id, "A1");
}

TEST_F(SchedulerStopTest, WithoutAStopPollsThatKeepFailingAreStillFatal) {
  http.on("POST", "/zra/crm/accounts", [](const HttpRequest&) {
    return make_json_response(202, {{"task_id", "T1"}});
  });
  http.on("GET", "/zra/crm/tasks/", [](const HttpRequest&) { return make_response(503, "{}"); });
  state->begin_run(kRunId);
  EXPECT_THROW(scheduler()->run(four_accounts()), NetworkExhaustedError);
  EXPECT_EQ(http.count("GET", "/zra/crm/tasks/"), 8u);
}

TEST_F(SchedulerStopTest, AnImportBeingRetriedAtTheStopIsUnconfirmedAndResentNextRun) {
  http.on("POST", "/zra/crm/accounts", [](const HttpRequest&) { return make_response(503, "{}"); });
  stop_when([] { return true; });  // in the first backoff wait of the first import
  state->begin_run(kRunId);

  auto s = scheduler();
  EXPECT_NO_THROW(s->run(four_accounts()));
  EXPECT_LE(clock.now() - stopped_at, kGrace + kSlice);
  EXPECT_EQ(http.count("POST", "/zra/crm/accounts"), 4u);  // at 0, 4, 12 and 28 s; the next wait passes 30 s

  const TypeCounts c = report.counts(ObjectType::Account);
  EXPECT_EQ(c.unconfirmed, 4);
  EXPECT_EQ(c.import_calls, 1);
  const auto not_confirmed = failures_with("import not confirmed: POST " + std::string(kBase) +
                                           "/zra/crm/accounts given up: the run is stopping");
  ASSERT_EQ(not_confirmed.size(), 2u) << report.failures().at(0).detail;
  EXPECT_EQ(not_confirmed[0].phase, Phase::Unconfirmed);
  EXPECT_EQ(not_confirmed[0].crm_id, "A1");
  EXPECT_EQ(failures_with(kInterrupted).size(), 2u);

  // The batch stays journalled without a task id: the next run releases it and sends it again.
  const auto pending = state->pending_batches();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].task_id, "");
}

TEST_F(SchedulerStopTest, SettlingAnEarlierRunsTaskEndsWithinTheGraceAndKeepsItJournalled) {
  state->begin_run("run-0");
  const int64_t batch =
      state->journal_batch("run-0", ObjectType::Account, {{"A1", "hash-A1", "accounts", "a.csv:1", false}});
  state->journal_task_id(batch, "T0");
  http.on("GET", "/zra/crm/tasks/T0", [](const HttpRequest&) { return make_response(503, "{}"); });
  stop = true;
  stopped_at = clock.now();

  scheduler()->settle_journal();
  EXPECT_LE(clock.now() - stopped_at, kGrace + kSlice);
  const auto pending = state->pending_batches();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].task_id, "T0");
}

TEST_F(SchedulerStopTest, SettlingAPendingTaskStopsPollingAtTheGrace) {
  state->begin_run("run-0");
  const int64_t batch =
      state->journal_batch("run-0", ObjectType::Account, {{"A1", "hash-A1", "accounts", "a.csv:1", false}});
  state->journal_task_id(batch, "T0");
  http.on("GET", "/zra/crm/tasks/T0", [](const HttpRequest&) {
    return make_json_response(200, {{"task_status", "PENDING"}});
  });
  stop = true;
  stopped_at = clock.now();

  scheduler()->settle_journal();
  EXPECT_LE(clock.now() - stopped_at, kGrace + kSlice);
  EXPECT_GT(http.count("GET", "/zra/crm/tasks/T0"), 1u) << "polled during the grace";
  ASSERT_EQ(state->pending_batches().size(), 1u);
}

}  // namespace
}  // namespace zra
