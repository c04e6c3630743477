#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/engine/planned_record.h"
#include "core/engine/registration_check.h"
#include "core/engine/run_summary.h"
#include "core/engine/task_tracker.h"

namespace zra {
namespace {

std::vector<PlannedRecord> batch_of(std::initializer_list<const char*> ids) {
  std::vector<PlannedRecord> out;
  for (const char* id : ids) {
    PlannedRecord r;
    r.crm_id = id;
    out.push_back(r);
  }
  return out;
}

TaskResult success(std::vector<TaskRecordError> errors, int64_t failed) {
  TaskResult r;
  r.task_id = "T1";
  r.status = "SUCCESS";
  r.errors = std::move(errors);
  r.failed_count = failed;
  return r;
}

std::vector<RecordResult> results(const std::vector<RecordVerdict>& v) {
  std::vector<RecordResult> out;
  for (const auto& x : v) out.push_back(x.result);
  return out;
}

TEST(TaskVerdicts, ConfirmsOnlyWhatSuccessDidNotList) {
  std::vector<std::string> unmatched;
  auto v = verdicts_for(success({{1, "b", "missing required field 'owner'"}}, 1), batch_of({"a", "b", "c"}), unmatched);
  EXPECT_EQ(results(v), (std::vector<RecordResult>{RecordResult::Confirmed, RecordResult::Rejected, RecordResult::Confirmed}));
  EXPECT_EQ(v[1].detail, "missing required field 'owner'");
  EXPECT_TRUE(unmatched.empty());
}

TEST(TaskVerdicts, MatchesByIdWhenTheIndexDisagrees) {
  std::vector<std::string> unmatched;
  auto v = verdicts_for(success({{101, "c", "bad"}, {0, "zz", "?"}}, 1), batch_of({"a", "b", "c"}), unmatched);
  EXPECT_EQ(results(v), (std::vector<RecordResult>{RecordResult::Confirmed, RecordResult::Confirmed, RecordResult::Rejected}));
  ASSERT_EQ(unmatched.size(), 1u);
  EXPECT_NE(unmatched[0].find("zz"), std::string::npos);
}

TEST(TaskVerdicts, UnexplainedFailuresConfirmNothing) {
  std::vector<std::string> unmatched;
  auto v = verdicts_for(success({}, 2), batch_of({"a", "b"}), unmatched);
  EXPECT_EQ(results(v), (std::vector<RecordResult>{RecordResult::Unconfirmed, RecordResult::Unconfirmed}));
  EXPECT_NE(v[0].detail.find("reported 2 failures"), std::string::npos);
}

TEST(TaskVerdicts, FailedTaskLeavesEverythingUnconfirmed) {
  TaskResult r;
  r.task_id = "T9";
  r.status = "FAILED";
  std::vector<std::string> unmatched;
  auto v = verdicts_for(r, batch_of({"a", "b"}), unmatched);
  EXPECT_EQ(results(v), (std::vector<RecordResult>{RecordResult::Unconfirmed, RecordResult::Unconfirmed}));
  EXPECT_NE(v[0].detail.find("T9 ended FAILED"), std::string::npos);
}

TEST(TrackedTask, PollsWithBackoffUpToTheMaximumAndTimesOut) {
  auto t0 = Clock::Instant(std::chrono::seconds(100));
  TrackedTask t("T", t0, {std::chrono::milliseconds(100), std::chrono::milliseconds(300), std::chrono::seconds(2)});
  EXPECT_EQ(t.next_poll(), t0 + std::chrono::milliseconds(100));
  t.poll_later(t0 + std::chrono::milliseconds(100));
  EXPECT_EQ(t.next_poll(), t0 + std::chrono::milliseconds(100 + 151));
  t.poll_later(t0 + std::chrono::seconds(1));
  t.poll_later(t0 + std::chrono::seconds(1));
  EXPECT_EQ(t.next_poll(), t0 + std::chrono::seconds(1) + std::chrono::milliseconds(300));
  EXPECT_FALSE(t.timed_out(t0 + std::chrono::milliseconds(1999)));
  EXPECT_TRUE(t.timed_out(t0 + std::chrono::seconds(2)));
}

TEST(ModifyTime, OrdersFractionsAfterWholeSeconds) {
  EXPECT_LT(compare_modify_time("2025-11-20T12:00:00Z", "2025-11-20T12:00:00.500Z"), 0);
  EXPECT_GT(compare_modify_time("2025-11-20T12:00:01Z", "2025-11-20T12:00:00.999Z"), 0);
  EXPECT_EQ(compare_modify_time("2025-11-20T12:00:00.5Z", "2025-11-20T12:00:00.500Z"), 0);
  EXPECT_LT(compare_modify_time("", "2025-11-20T12:00:00Z"), 0);
}

TEST(Plan, ImportCallsAreCeilOfRecordsOverBatch) {
  EXPECT_EQ(import_calls_for(0, 2000), 0);
  EXPECT_EQ(import_calls_for(1, 2000), 1);
  EXPECT_EQ(import_calls_for(2000, 2000), 1);
  EXPECT_EQ(import_calls_for(2001, 2000), 2);
  EXPECT_EQ(import_calls_for(600000, 2000), 300);
}

TEST(Registration, NamesEveryDifference) {
  CrmConfig c;
  c.crm_type = "acme";
  c.deal_stages = {{"Prospecting", "OPEN"}, {"Closed Won", "CLOSED_WON"}, {"New", "OPEN"}};
  nlohmann::json live = {{"crm_type", "acme"},
                         {"deal_stages",
                          {{{"stage_name", "Prospecting"}, {"stage_type", "OPEN"}},
                           {{"stage_name", "Closed Won"}, {"stage_type", "OPEN"}},
                           {{"stage_name", "Old"}, {"stage_type", "CLOSED_LOST"}}}}};
  auto d = registration_differences(c, live);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0], "stage 'Closed Won' is CLOSED_WON in the config but OPEN in ZRA");
  EXPECT_EQ(d[1], "stage 'New' is in the config but not registered in ZRA");
  EXPECT_EQ(d[2], "stage 'Old' (CLOSED_LOST) is registered in ZRA but not in the config");
}

}  // namespace
}  // namespace zra
