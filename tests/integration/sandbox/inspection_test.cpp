#include "tests/integration/sandbox/sandbox_fixture.h"

namespace zra::sandbox::test {
namespace {

using InspectionTest = SandboxTest;

TEST_F(InspectionTest, StateShowsRegistrationRecordsAndCounts) {
  start();
  json empty = send({"GET", "/_sandbox/state", "", {}}).json();
  EXPECT_EQ(empty, (json{{"registration", nullptr},
                         {"records", {{"account", json::object()}, {"contact", json::object()},
                                      {"deal", json::object()}, {"lead", json::object()}}},
                         {"counts", {{"account", 0}, {"contact", 0}, {"deal", 0}, {"lead", 0}}}}));
  register_default();
  import_and_wait("leads", json::array({lead("L1")}));
  json state = send({"GET", "/_sandbox/state", "", {}}).json();
  EXPECT_EQ(state["registration"]["crm_type"], "acme");
  EXPECT_EQ(state["records"]["lead"]["L1"]["lead_name"], "Lead L1");
  EXPECT_EQ(state["counts"]["lead"], 1);
  EXPECT_EQ(state, server().state());
}

TEST_F(InspectionTest, RequestsCountsPerEndpointLabelAndStatus) {
  start();
  register_default();
  TestResponse r = post("/v2/zra/crm/accounts", {{"data", json::array({account("A1"), account("A2")})}});
  std::string task_id = r.json()["task_id"];
  wait_task(task_id);
  post("/v2/zra/crm/deals", {{"data", "nope"}});
  get("/v2/zra/crm/accounts?crm_account_ids=A1");

  json req = send({"GET", "/_sandbox/requests", "", {}}).json();
  EXPECT_EQ(req, server().requests());
  int polls = req["by_endpoint"]["GET /v2/zra/crm/tasks/{taskId}"];
  EXPECT_GE(polls, 1);
  EXPECT_EQ(req["total"], 5 + polls);
  EXPECT_EQ(req["by_endpoint"]["POST /oauth/token"], 1);
  EXPECT_EQ(req["by_endpoint"]["POST /v2/zra/crm/settings"], 1);
  EXPECT_EQ(req["by_endpoint"]["POST /v2/zra/crm/accounts"], 1);
  EXPECT_EQ(req["by_endpoint"]["POST /v2/zra/crm/deals"], 1);
  EXPECT_EQ(req["by_endpoint"]["GET /v2/zra/crm/accounts"], 1);
  EXPECT_EQ(req["by_label"], (json{{"HEAVY", 1}, {"LIGHT", polls}, {"MEDIUM", 1}, {"RESOURCE-INTENSIVE", 2}}));
  EXPECT_EQ(req["by_status"]["202"], 1);
  EXPECT_EQ(req["by_status"]["400"], 1);
  EXPECT_EQ(req["import_items"], 2);
  json import_line = req["log"][2];
  EXPECT_EQ(import_line, (json{{"seq", 3}, {"method", "POST"}, {"path", "/v2/zra/crm/accounts"}, {"status", "202"},
                               {"label", "RESOURCE-INTENSIVE"}, {"items", 2}, {"task_id", task_id}}));
  // The inspection endpoints themselves are not counted.
  EXPECT_EQ(send({"GET", "/_sandbox/requests", "", {}}).json()["total"], req["total"]);
}

TEST_F(InspectionTest, ResetForgetsEverything) {
  start();
  register_default();
  import_and_wait("leads", json::array({lead("L1")}));
  TestResponse r = send({"POST", "/_sandbox/reset", "", {}});
  EXPECT_EQ(r.status, 200);
  json state = server().state();
  EXPECT_TRUE(state["registration"].is_null());
  EXPECT_EQ(state["counts"]["lead"], 0);
  EXPECT_EQ(server().requests()["total"], 0);
  EXPECT_EQ(server().requests()["log"], json::array());
  EXPECT_EQ(send({"GET", "/_sandbox/reset", "", {}}).status, 405);
  EXPECT_EQ(send({"GET", "/_sandbox/nothing", "", {}}).status, 404);
  // Tokens survive a reset.
  EXPECT_EQ(get("/v2/zra/crm/settings").status, 404);
}

}  // namespace
}  // namespace zra::sandbox::test
