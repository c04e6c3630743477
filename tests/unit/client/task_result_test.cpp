#include "core/client/task_result.h"

#include <gtest/gtest.h>

#include "core/client/zra_errors.h"

namespace zra {
namespace {

const std::string kCall = "GET https://api.zoom.us/v2/zra/crm/tasks/T1";

TEST(ParseTaskResult, ReadsTheReferenceExample) {
  const TaskResult r = parse_task_result(kCall, "T1", R"({
    "task_id": "HlqrLAsuS4OrbY8ablyOvg", "task_type": "IMPORT_DEALS", "task_status": "SUCCESS",
    "errors": [{"record_index": 101, "record_id": "006aa00000JkrQiiAx", "detail": "missing required field 'owner'"}],
    "total_count": 50, "success_count": 49, "failed_count": 1,
    "start_time": "2025-11-20T12:00:00Z", "end_time": "2025-11-20T12:00:00Z"})");
  EXPECT_EQ(r.task_id, "HlqrLAsuS4OrbY8ablyOvg");
  EXPECT_EQ(r.task_type, "IMPORT_DEALS");
  EXPECT_EQ(r.status, "SUCCESS");
  EXPECT_TRUE(r.is_final());
  EXPECT_EQ(r.total_count, 50);
  EXPECT_EQ(r.success_count, 49);
  EXPECT_EQ(r.failed_count, 1);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].record_index, 101);
  EXPECT_EQ(r.errors[0].record_id, "006aa00000JkrQiiAx");
  EXPECT_EQ(r.errors[0].detail, "missing required field 'owner'");
}

TEST(ParseTaskResult, ToleratesMissingAndOddlyTypedFields) {
  const TaskResult r = parse_task_result(kCall, "T1", R"({
    "task_status": "running", "total_count": "12", "success_count": null, "failed_count": 3.0,
    "errors": [{"record_index": "4", "record_id": 17}, {"detail": "no index"}, "bare string", null]})");
  EXPECT_EQ(r.task_id, "T1");  // absent: the requested id
  EXPECT_EQ(r.status, "RUNNING");
  EXPECT_FALSE(r.is_final());
  EXPECT_EQ(r.task_type, "");
  EXPECT_EQ(r.total_count, 12);
  EXPECT_EQ(r.success_count, 0);
  EXPECT_EQ(r.failed_count, 3);
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.errors[0].record_index, 4);
  EXPECT_EQ(r.errors[0].record_id, "17");
  EXPECT_EQ(r.errors[1].record_index, -1);
  EXPECT_EQ(r.errors[1].detail, "no index");
  EXPECT_EQ(r.errors[2].detail, "bare string");
  EXPECT_EQ(r.errors[3].detail, "");
}

TEST(ParseTaskResult, PendingAndFailed) {
  EXPECT_FALSE(parse_task_result(kCall, "T1", R"({"task_status":"PENDING"})").is_final());
  const TaskResult failed = parse_task_result(kCall, "T1", R"({"task_status":"FAILED","errors":null})");
  EXPECT_TRUE(failed.is_final());
  EXPECT_TRUE(failed.errors.empty());
}

void expect_format_error(const std::string& body, const std::string& expected_message) {
  try {
    parse_task_result(kCall, "T1", body);
    FAIL() << "no error for " << body;
  } catch (const ResponseFormatError& e) {
    EXPECT_EQ(std::string(e.what()), expected_message);
    EXPECT_EQ(e.exit_code(), kExitFatal);
  }
}

TEST(ParseTaskResult, BodiesWeCannotUseNameTheCallAndShowAnExcerpt) {
  expect_format_error("<html><body>502 Bad Gateway</body></html>",
                      kCall + " answered with an unexpected body (not a JSON object): "
                              "'<html><body>502 Bad Gateway</body></html>'");
  expect_format_error("", kCall + " answered with an unexpected body (not a JSON object): ''");
  expect_format_error(R"({"task_id":"T1"})",
                      kCall + R"( answered with an unexpected body (no task_status): '{"task_id":"T1"}')");
  expect_format_error(R"({"task_status":"CANCELLED"})",
                      kCall + R"( answered with an unexpected body (unknown task_status 'CANCELLED'): '{"task_status":"CANCELLED"}')");
  expect_format_error(R"({"task_status":"SUCCESS","errors":{}})",
                      kCall + R"( answered with an unexpected body (errors is not an array): '{"task_status":"SUCCESS","errors":{}}')");
  expect_format_error(R"({"task_status":"SUCCESS","total_count":"many"})",
                      kCall + R"( answered with an unexpected body (total_count is not an integer): '{"task_status":"SUCCESS","total_count":"many"}')");
}

TEST(ParseTaskResult, LongBodiesAreCutAndControlCharactersBlanked) {
  const std::string body = "line1\nline2\t" + std::string(300, 'x');
  try {
    parse_task_result(kCall, "T1", body);
    FAIL();
  } catch (const ResponseFormatError& e) {
    const std::string expected_excerpt = "line1 line2 " + std::string(160 - 12, 'x') + "...";
    EXPECT_EQ(std::string(e.what()),
              kCall + " answered with an unexpected body (not a JSON object): '" + expected_excerpt + "'");
  }
}

}  // namespace
}  // namespace zra
