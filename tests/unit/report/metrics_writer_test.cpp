// The rendered Prometheus text: exact output, carried values, escaping, bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/report/metrics_writer.h"
#include "core/report/run_report.h"

namespace zra {
namespace {

nlohmann::json one_type_summary(int exit_code) {
  return {{"run_id", "20261130T021500Z-3f9a"},
          {"exit_code", exit_code},
          {"types", {{"account", {{"read", 3}, {"confirmed", 2}, {"import_calls", 1}, {"tasks", 1}}}}},
          {"failures_by_phase", {{"remote", 1}, {"source", 0}}},
          {"failures", 1},
          {"duration_s", 12.5},
          {"api_calls",
           {{"by_label", {{"light", 4}, {"resource_intensive", 1}}},
            {"import_calls", 1},
            {"retries", 2},
            {"rate_limited", 1},
            {"token_requests", 1}}}};
}

TEST(MetricsRender, ExactTextForASummary) {
  const std::string expected =
      "# HELP zra_sync_records Records of the last run by object type and outcome.\n"
      "# TYPE zra_sync_records gauge\n"
      "zra_sync_records{type=\"account\",outcome=\"confirmed\"} 2\n"
      "zra_sync_records{type=\"account\",outcome=\"read\"} 3\n"
      "# HELP zra_sync_last_run_import_calls Import calls of the last run by object type.\n"
      "# TYPE zra_sync_last_run_import_calls gauge\n"
      "zra_sync_last_run_import_calls{type=\"account\"} 1\n"
      "# HELP zra_sync_last_run_tasks Import tasks of the last run by object type.\n"
      "# TYPE zra_sync_last_run_tasks gauge\n"
      "zra_sync_last_run_tasks{type=\"account\"} 1\n"
      "# HELP zra_sync_failures Failed records of the last run by phase (see errors.csv).\n"
      "# TYPE zra_sync_failures gauge\n"
      "zra_sync_failures{phase=\"remote\"} 1\n"
      "zra_sync_failures{phase=\"source\"} 0\n"
      "# HELP zra_sync_run_duration_seconds Wall-clock duration of the last run.\n"
      "# TYPE zra_sync_run_duration_seconds gauge\n"
      "zra_sync_run_duration_seconds 12.5\n"
      "# HELP zra_sync_last_run_exit_code Exit code of the last run: 0 ok, 1 some records failed, 2 config, "
      "3 fatal, 130 interrupted.\n"
      "# TYPE zra_sync_last_run_exit_code gauge\n"
      "zra_sync_last_run_exit_code 0\n"
      "# HELP zra_sync_last_run_timestamp_seconds Unix time the last run finished.\n"
      "# TYPE zra_sync_last_run_timestamp_seconds gauge\n"
      "zra_sync_last_run_timestamp_seconds 1764000000\n"
      "# HELP zra_sync_last_success_timestamp_seconds Unix time the last run with exit code 0 finished "
      "(0: never).\n"
      "# TYPE zra_sync_last_success_timestamp_seconds gauge\n"
      "zra_sync_last_success_timestamp_seconds 1764000000\n"
      "# HELP zra_sync_last_run_info Identifies the last run; the report is in report.dir/<run_id>.\n"
      "# TYPE zra_sync_last_run_info gauge\n"
      "zra_sync_last_run_info{run_id=\"20261130T021500Z-3f9a\",dry_run=\"false\"} 1\n"
      "# HELP zra_sync_import_calls_total Import calls sent to ZRA, over all runs.\n"
      "# TYPE zra_sync_import_calls_total counter\n"
      "zra_sync_import_calls_total 1\n"
      "# HELP zra_sync_retries_total Requests retried (5xx, timeouts, resets), over all runs.\n"
      "# TYPE zra_sync_retries_total counter\n"
      "zra_sync_retries_total 2\n"
      "# HELP zra_sync_rate_limited_total 429 answers from ZRA, over all runs.\n"
      "# TYPE zra_sync_rate_limited_total counter\n"
      "zra_sync_rate_limited_total 1\n"
      "# HELP zra_sync_token_requests_total OAuth token requests, over all runs.\n"
      "# TYPE zra_sync_token_requests_total counter\n"
      "zra_sync_token_requests_total 1\n"
      "# HELP zra_sync_api_calls_total Requests sent to ZRA by rate label, over all runs.\n"
      "# TYPE zra_sync_api_calls_total counter\n"
      "zra_sync_api_calls_total{label=\"light\"} 4\n"
      "zra_sync_api_calls_total{label=\"resource_intensive\"} 1\n"
      "# HELP zra_sync_runs_total Runs by exit code.\n"
      "# TYPE zra_sync_runs_total counter\n"
      "zra_sync_runs_total{exit_code=\"0\"} 1\n";
  EXPECT_EQ(render_prometheus_metrics(one_type_summary(0), 1764000000, ""), expected);
}

TEST(MetricsRender, FailedRunKeepsThePreviousLastSuccess) {
  const std::string first = render_prometheus_metrics(one_type_summary(0), 1000, "");
  const std::string second = render_prometheus_metrics(one_type_summary(1), 2000, first);
  EXPECT_NE(second.find("\nzra_sync_last_success_timestamp_seconds 1000\n"), std::string::npos) << second;
  EXPECT_NE(second.find("\nzra_sync_last_run_timestamp_seconds 2000\n"), std::string::npos) << second;
  EXPECT_NE(second.find("\nzra_sync_last_run_exit_code 1\n"), std::string::npos) << second;
  const std::string third = render_prometheus_metrics(one_type_summary(3), 3000, second);
  EXPECT_NE(third.find("\nzra_sync_last_success_timestamp_seconds 1000\n"), std::string::npos) << third;
  const std::string fourth = render_prometheus_metrics(one_type_summary(0), 4000, third);
  EXPECT_NE(fourth.find("\nzra_sync_last_success_timestamp_seconds 4000\n"), std::string::npos) << fourth;
}

TEST(MetricsRender, FailedFirstRunSaysNeverSucceeded) {
  const std::string text = render_prometheus_metrics(one_type_summary(130), 5000, "");
  EXPECT_NE(text.find("\nzra_sync_last_success_timestamp_seconds 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_runs_total{exit_code=\"130\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsRender, DryRunDoesNotAdvanceLastSuccess) {
  const std::string first = render_prometheus_metrics(one_type_summary(0), 1000, "");
  nlohmann::json dry = one_type_summary(0);
  dry["dry_run"] = true;
  const std::string text = render_prometheus_metrics(dry, 2000, first);
  EXPECT_NE(text.find("\nzra_sync_last_success_timestamp_seconds 1000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("dry_run=\"true\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsRender, CountersAccumulateOverRunsAndKeepSeriesAbsentFromThisRun) {
  const std::string first = render_prometheus_metrics(one_type_summary(0), 1000, "");
  nlohmann::json s = one_type_summary(1);
  s["api_calls"] = {{"by_label", {{"medium", 7}}}, {"import_calls", 3}, {"retries", 0}, {"rate_limited", 5},
                    {"token_requests", 1}};
  const std::string text = render_prometheus_metrics(s, 2000, first);
  EXPECT_NE(text.find("\nzra_sync_import_calls_total 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_retries_total 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_rate_limited_total 6\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_token_requests_total 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_api_calls_total{label=\"light\"} 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_api_calls_total{label=\"medium\"} 7\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_runs_total{exit_code=\"0\"} 1\nzra_sync_runs_total{exit_code=\"1\"} 1\n"),
            std::string::npos)
      << text;
}

TEST(MetricsRender, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_prometheus_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escape_prometheus_label_value("plain-value_1"), "plain-value_1");
  nlohmann::json s = one_type_summary(0);
  s["run_id"] = "run \"x\"\n\\";
  s["api_calls"]["by_label"] = {{"we\"ird} x", 2}};
  const std::string first = render_prometheus_metrics(s, 1000, "");
  EXPECT_NE(first.find("zra_sync_last_run_info{run_id=\"run \\\"x\\\"\\n\\\\\",dry_run=\"false\"} 1\n"),
            std::string::npos)
      << first;
  EXPECT_NE(first.find("\nzra_sync_api_calls_total{label=\"we\\\"ird} x\"} 2\n"), std::string::npos) << first;
  // The escaped series is read back from the previous file and carried as one series.
  const std::string second = render_prometheus_metrics(s, 2000, first);
  EXPECT_NE(second.find("\nzra_sync_api_calls_total{label=\"we\\\"ird} x\"} 4\n"), std::string::npos) << second;
}

TEST(MetricsRender, UnparsablePreviousLinesAreNotCarried) {
  const std::string previous =
      "garbage line without value\n"
      "zra_sync_import_calls_total not-a-number\n"
      "zra_sync_retries_total -5\n"
      "zra_sync_rate_limited_total{label=\"unterminated 3\n"
      "zra_sync_last_success_timestamp_seconds 777\n";
  const std::string text = render_prometheus_metrics(one_type_summary(1), 2000, previous);
  EXPECT_NE(text.find("\nzra_sync_last_success_timestamp_seconds 777\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_import_calls_total 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_retries_total 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_rate_limited_total 1\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("garbage"), std::string::npos) << text;
}

TEST(MetricsRender, NonNumericValueIsAnErrorNamingTheKey) {
  nlohmann::json s = one_type_summary(0);
  s["types"]["account"]["read"] = "three";
  try {
    render_prometheus_metrics(s, 1000, "");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("types.account.read"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("\"three\""), std::string::npos) << e.what();
  }
}

TEST(MetricsRender, MissingSectionsCountAsZero) {
  const std::string text = render_prometheus_metrics(nlohmann::json{{"exit_code", 2}}, 10, "");
  EXPECT_NE(text.find("\nzra_sync_run_duration_seconds 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_import_calls_total 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_last_run_exit_code 2\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("zra_sync_records{"), std::string::npos) << text;
}

TEST(MetricsRender, FollowsTheShapeOfARealRunReportSummary) {
  RunReport report("r-1");
  report.update(ObjectType::Deal, [](TypeCounts& c) {
    c.read = 5;
    c.dependency_failed = 2;
    c.new_records = 3;
  });
  report.add_failure({"deal", "D1", "erp", "deals", "deals.csv:3", Phase::Dependency, "", "account A1 failed", ""});
  report.set_info("duration_s", 1.25);
  const std::string text = render_prometheus_metrics(report.summary(1), 99, "");
  EXPECT_NE(text.find("\nzra_sync_records{type=\"deal\",outcome=\"dependency_failed\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("\nzra_sync_records{type=\"deal\",outcome=\"new\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("\nzra_sync_records{type=\"lead\",outcome=\"confirmed\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("\nzra_sync_failures{phase=\"dependency\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("\nzra_sync_failures{phase=\"unconfirmed\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("\nzra_sync_run_duration_seconds 1.25\n"), std::string::npos);
  EXPECT_EQ(text.find("outcome=\"import_calls\""), std::string::npos);
  EXPECT_EQ(text.find("outcome=\"tasks\""), std::string::npos);
}

}  // namespace
}  // namespace zra
