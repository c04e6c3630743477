#include <chrono>
#include <set>
#include <thread>

#include "tests/integration/sandbox/sandbox_fixture.h"

namespace zra::sandbox::test {
namespace {

using TaskTest = SandboxTest;

TEST_F(TaskTest, GoesPendingRunningSuccessWithEveryField) {
  SandboxOptions o = fast_options();
  o.time_scale = 10;
  o.task_delay_s = 2;  // PENDING 100 ms, RUNNING 100 ms (real)
  start(o);
  register_default();
  TestResponse r = post("/v2/zra/crm/leads", {{"data", json::array({lead("L1"), lead("L2")})}});
  ASSERT_EQ(r.status, 202);
  std::string id = r.json()["task_id"];
  EXPECT_EQ(id.size(), 22u);
  for (char c : id) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;

  std::set<std::string> seen;
  json final_body;
  for (int i = 0; i < 1000; ++i) {
    json body = get("/v2/zra/crm/tasks/" + id).json();
    std::string status = body["task_status"];
    if (status == "PENDING") {
      EXPECT_FALSE(body.contains("errors"));
      EXPECT_FALSE(body.contains("start_time"));
      EXPECT_EQ(body["total_count"], 2);
    }
    if (status == "RUNNING") {
      EXPECT_TRUE(body.contains("start_time"));
    }
    seen.insert(status);
    if (status == "SUCCESS") {
      final_body = body;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(seen, (std::set<std::string>{"PENDING", "RUNNING", "SUCCESS"}));
  EXPECT_EQ(final_body["task_id"], id);
  EXPECT_EQ(final_body["task_type"], "IMPORT_LEADS");
  EXPECT_EQ(final_body["total_count"], 2);
  EXPECT_EQ(final_body["success_count"], 2);
  EXPECT_EQ(final_body["failed_count"], 0);
  EXPECT_EQ(final_body["errors"], json::array());
  for (const char* k : {"create_time", "start_time", "end_time", "modify_time"}) {
    std::string t = final_body[k];
    EXPECT_EQ(t.size(), 20u) << k << "=" << t;
    EXPECT_EQ(t.back(), 'Z') << k;
  }
  EXPECT_EQ(final_body["modify_time"], final_body["end_time"]);
}

TEST_F(TaskTest, TaskTypesFollowTheObjectType) {
  start();
  register_default();
  EXPECT_EQ(import_and_wait("accounts", json::array())["task_type"], "IMPORT_ACCOUNTS");
  EXPECT_EQ(import_and_wait("contacts", json::array())["task_type"], "IMPORT_CONTACTS");
  EXPECT_EQ(import_and_wait("deals", json::array())["task_type"], "IMPORT_DEALS");
}

TEST_F(TaskTest, UnknownTaskIs404AndFinishedTasksExpire) {
  SandboxOptions o = fast_options();
  o.task_expire_s = 20;  // 20 ms real
  start(o);
  register_default();
  TestResponse unknown = get("/v2/zra/crm/tasks/HlqrLAsuS4OrbY8ablyOvg");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json(), (json{{"code", 404}, {"message", "Async task not found or expired."}}));

  TestResponse r = post("/v2/zra/crm/leads", {{"data", json::array({lead("L1")})}});
  std::string id = r.json()["task_id"];
  EXPECT_EQ(wait_task(id)["task_status"], "SUCCESS");
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(get("/v2/zra/crm/tasks/" + id).status, 404);
  // The data stays; only the task is gone.
  EXPECT_EQ(server().state()["counts"]["lead"], 1);
}

TEST_F(TaskTest, UnregisteredBeforeTheTaskRanFailsIt) {
  SandboxOptions o = fast_options();
  o.time_scale = 1;
  o.task_delay_s = 0.3;
  start(o);
  register_default();
  TestResponse r = post("/v2/zra/crm/leads", {{"data", json::array({lead("L1")})}});
  ASSERT_EQ(del("/v2/zra/crm/settings").status, 204);
  json task = wait_task(r.json()["task_id"]);
  EXPECT_EQ(task["task_status"], "FAILED");
  EXPECT_EQ(task["failed_count"], 1);
  EXPECT_EQ(server().state()["counts"]["lead"], 0);
}

}  // namespace
}  // namespace zra::sandbox::test
