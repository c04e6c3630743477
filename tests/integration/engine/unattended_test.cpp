// Running unattended: SIGTERM mid-run, JSON logs, the metrics file, since-cursors.
#include <signal.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/engine/spine_data.h"
#include "tests/integration/engine/sync_fixture.h"

namespace zra::testing {
namespace {

using nlohmann::json;

std::string leads_csv(int n, const std::string& modified = "2025-11-20T12:00:00Z") {
  std::string csv = "Id,Name,Email,Company,Modified\n";
  for (int i = 0; i < n; ++i) {
    csv += "L" + std::to_string(i) + ",Lead " + std::to_string(i) + ",l@x.example,Co," + modified + "\n";
  }
  return csv;
}
const char* kLeads =
    "  - name: exports\n    plugin: csv\n    streams:\n"
    "      - { name: leads, object: lead, path: data/leads.csv, mapping: mappings/leads.yaml }\n";

class UnattendedTest : public SyncFixture {
 protected:
  void SetUp() override {
    SyncFixture::SetUp();
    write_default_mappings();
  }
};

TEST_F(UnattendedTest, SigtermFinishesTasksInFlightSavesStateAndExits130) {
  sandbox::SandboxOptions o = sandbox_options_;
  o.task_delay_s = 0.4;
  start_sandbox(o);
  write_file("data/leads.csv", leads_csv(100));
  write_config(kLeads, "  batch_size: 10\n  max_in_flight_tasks: 2\n");
  register_crm();
  Spawned run = zra_sync_background({"run", "-c", "CONFIG"}, "term");
  for (int i = 0; i < 300 && import_calls() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GT(import_calls(), 0);
  kill(run.pid, SIGTERM);
  int code = wait_for(run);
  EXPECT_EQ(code, 130) << read_text(run.err_file);
  json summary = report_summary();
  EXPECT_EQ(summary["exit_code"], 130);
  int64_t confirmed = summary["types"]["lead"]["confirmed"];
  EXPECT_GT(confirmed, 0) << "tasks in flight were allowed to finish";
  EXPECT_LT(confirmed, 100);
  EXPECT_EQ(stored("lead").size(), static_cast<size_t>(confirmed));
  // The rest is sent by the next run, and nothing confirmed is sent again.
  int64_t items = import_items();
  CommandResult rerun = zra_sync({"run", "-c", "CONFIG"});
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  EXPECT_EQ(stored("lead").size(), 100u);
  EXPECT_EQ(import_items() - items, 100 - confirmed);
}

TEST_F(UnattendedTest, JsonLogsAreOneObjectPerLineWithTheRunId) {
  write_file("data/leads.csv", leads_csv(5));
  write_config(kLeads);
  register_crm();
  CommandResult r = zra_sync({"run", "-c", "CONFIG", "--log-format", "json", "--no-progress"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::istringstream lines(r.err);
  int n = 0;
  std::set<std::string> events;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    json j = json::parse(line);  // throws (fails the test) on anything that is not one JSON object
    ASSERT_TRUE(j.is_object());
    EXPECT_TRUE(j.contains("time") && j.contains("level") && j.contains("event")) << line;
    EXPECT_EQ(j.value("run_id", ""), report_summary()["run_id"]) << line;
    events.insert(j["event"].get<std::string>());
    ++n;
  }
  EXPECT_GT(n, 2);
  EXPECT_TRUE(events.count("import.submitted")) << r.err;
  EXPECT_TRUE(events.count("task.final")) << r.err;
}

TEST_F(UnattendedTest, MetricsFileIsWrittenAndKeepsTheLastSuccess) {
  write_file("data/leads.csv", leads_csv(5));
  write_config(kLeads, "", "");
  // report.metrics_file: rewrite the config's report line.
  std::string cfg = read_text((dir_ / "sync.yaml").string());
  cfg.replace(cfg.find("report: { dir: reports }"), 24, "report: { dir: reports, metrics_file: reports/zra-sync.prom }");
  write_file("sync.yaml", cfg);
  register_crm();
  ASSERT_EQ(zra_sync({"run", "-c", "CONFIG"}).exit_code, 0);
  std::string prom = read_text((dir_ / "reports/zra-sync.prom").string());
  EXPECT_NE(prom.find("zra_sync_records{type=\"lead\",outcome=\"confirmed\"} 5"), std::string::npos) << prom;
  EXPECT_NE(prom.find("zra_sync_last_run_exit_code 0"), std::string::npos) << prom;
  auto last_success = [](const std::string& text) {
    auto p = text.find("\nzra_sync_last_success_timestamp_seconds ");
    return p == std::string::npos ? std::string() : text.substr(p + 1, text.find('\n', p + 1) - p - 1);
  };
  std::string success_line = last_success(prom);
  ASSERT_FALSE(success_line.empty()) << prom;
  write_file("data/leads.csv", leads_csv(5) + "broken\n");
  EXPECT_EQ(zra_sync({"run", "-c", "CONFIG"}).exit_code, 1);
  std::string prom2 = read_text((dir_ / "reports/zra-sync.prom").string());
  EXPECT_NE(prom2.find("zra_sync_last_run_exit_code 1"), std::string::npos);
  EXPECT_EQ(last_success(prom2), success_line) << "a failed run keeps the last success";
}

}  // namespace
}  // namespace zra::testing
