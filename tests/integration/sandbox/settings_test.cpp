#include "tests/integration/sandbox/sandbox_fixture.h"

namespace zra::sandbox::test {
namespace {

using SettingsTest = SandboxTest;

TEST_F(SettingsTest, RegisterShowUnregister) {
  start();
  TestResponse none = get("/v2/zra/crm/settings");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(none.json(), (json{{"code", 404}, {"message", "Not connected to a CRM API."}}));

  TestResponse created = post("/v2/zra/crm/settings", default_registration());
  ASSERT_EQ(created.status, 201) << created.body;
  json reg = created.json();
  EXPECT_EQ(reg["crm_type"], "acme");
  EXPECT_EQ(reg["crm_name"], "Acme CRM");
  EXPECT_EQ(reg["currency_type"], "USD");  // default
  EXPECT_EQ(reg["deal_stages"][1], (json{{"stage_name", "Negotiation"}, {"stage_type", "OPEN"}}));  // default type
  EXPECT_EQ(reg["url_pattern_account"], "https://crm.acme.example/a/{id}");
  EXPECT_EQ(reg["create_time"].get<std::string>().size(), 20u);  // 2025-11-20T12:00:00Z
  EXPECT_EQ(reg["create_time"], reg["modify_time"]);

  TestResponse shown = get("/v2/zra/crm/settings");
  EXPECT_EQ(shown.status, 200);
  EXPECT_EQ(shown.json(), reg);

  TestResponse again = post("/v2/zra/crm/settings", default_registration());
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json(), (json{{"code", 409}, {"message", "Already connected to a CRM or CRM API."}}));

  TestResponse gone = del("/v2/zra/crm/settings");
  EXPECT_EQ(gone.status, 204);
  EXPECT_TRUE(gone.body.empty());
  EXPECT_EQ(del("/v2/zra/crm/settings").status, 404);
  EXPECT_EQ(get("/v2/zra/crm/settings").status, 404);
}

TEST_F(SettingsTest, CrmNameDefaultsToCrmType) {
  start();
  json body = default_registration();
  body.erase("crm_name");
  EXPECT_EQ(post("/v2/zra/crm/settings", body).json()["crm_name"], "acme");
}

struct BadRegistration {
  const char* name;
  std::function<void(json&)> change;
  std::string field;
  std::string message;
};

TEST_F(SettingsTest, EachValidationRuleAnswers400WithTheFieldAndMessage) {
  start();
  auto stages = [](int n) {
    json list = json::array({{{"stage_name", "W"}, {"stage_type", "CLOSED_WON"}},
                             {{"stage_name", "L"}, {"stage_type", "CLOSED_LOST"}}});
    for (int i = 2; i < n; ++i) list.push_back({{"stage_name", "S" + std::to_string(i)}});
    return list;
  };
  std::vector<BadRegistration> cases = {
      {"no crm_type", [](json& b) { b.erase("crm_type"); }, "crm_type", "crm_type is required"},
      {"crm_type number", [](json& b) { b["crm_type"] = 5; }, "crm_type", "crm_type must be a string"},
      {"crm_type too long", [](json& b) { b["crm_type"] = "a23456789012345678"; }, "crm_type",
       "crm_type must be 1-16 characters matching ^[a-zA-Z][a-zA-Z0-9_]*$, got 'a23456789012345678'"},
      {"crm_type empty", [](json& b) { b["crm_type"] = ""; }, "crm_type",
       "crm_type must be 1-16 characters matching ^[a-zA-Z][a-zA-Z0-9_]*$, got ''"},
      {"crm_type digit first", [](json& b) { b["crm_type"] = "1acme"; }, "crm_type",
       "crm_type must be 1-16 characters matching ^[a-zA-Z][a-zA-Z0-9_]*$, got '1acme'"},
      {"crm_type dash", [](json& b) { b["crm_type"] = "ac-me"; }, "crm_type",
       "crm_type must be 1-16 characters matching ^[a-zA-Z][a-zA-Z0-9_]*$, got 'ac-me'"},
      {"no stages", [](json& b) { b.erase("deal_stages"); }, "deal_stages", "deal_stages is required"},
      {"stages not array", [](json& b) { b["deal_stages"] = "x"; }, "deal_stages", "deal_stages must be an array"},
      {"zero stages", [](json& b) { b["deal_stages"] = json::array(); }, "deal_stages",
       "deal_stages must have at least one stage"},
      {"51 stages", [&](json& b) { b["deal_stages"] = stages(51); }, "deal_stages",
       "deal_stages can have at most 50 stages, got 51"},
      {"duplicate name", [](json& b) { b["deal_stages"][1]["stage_name"] = "Prospecting"; }, "deal_stages[1].stage_name",
       "duplicate stage_name 'Prospecting': each deal stage name must be unique"},
      {"bad stage type", [](json& b) { b["deal_stages"][0]["stage_type"] = "WON"; }, "deal_stages[0].stage_type",
       "stage_type must be OPEN, CLOSED_WON or CLOSED_LOST, got \"WON\""},
      {"missing stage name", [](json& b) { b["deal_stages"][0].erase("stage_name"); }, "deal_stages[0].stage_name",
       "stage_name is required"},
      {"empty stage name", [](json& b) { b["deal_stages"][0]["stage_name"] = ""; }, "deal_stages[0].stage_name",
       "stage_name must be a non-empty string"},
      {"no CLOSED_LOST", [](json& b) { b["deal_stages"].erase(3); }, "deal_stages",
       "each stage type must have at least one stage: no CLOSED_LOST stage"},
      {"only open", [](json& b) { b["deal_stages"] = json::array({{{"stage_name", "A"}}}); }, "deal_stages",
       "each stage type must have at least one stage: no CLOSED_WON stage"},
      {"unknown field", [](json& b) { b["url_patterns"] = json::object(); }, "url_patterns", "unknown field 'url_patterns'"},
      {"unknown stage field", [](json& b) { b["deal_stages"][0]["order"] = 1; }, "deal_stages[0].order",
       "unknown field 'order'"},
      {"currency not string", [](json& b) { b["currency_type"] = 1; }, "currency_type", "currency_type must be a string"},
  };
  for (const auto& c : cases) {
    json body = default_registration();
    c.change(body);
    TestResponse r = post("/v2/zra/crm/settings", body);
    ASSERT_EQ(r.status, 400) << c.name << ": " << r.body;
    json err = r.json();
    EXPECT_EQ(err["code"], 300) << c.name;
    EXPECT_EQ(err["message"], "Bad CRM registration information.") << c.name;
    ASSERT_GE(err["errors"].size(), 1u) << c.name;
    EXPECT_EQ(err["errors"][0], (json{{"field", c.field}, {"message", c.message}})) << c.name << ": " << r.body;
  }
  // 50 stages is the limit, not past it.
  json fifty = default_registration();
  fifty["deal_stages"] = stages(50);
  EXPECT_EQ(post("/v2/zra/crm/settings", fifty).status, 201);
  EXPECT_EQ(server().requests()["by_status"]["400"], cases.size());
}

TEST_F(SettingsTest, BodyMustBeJson) {
  start();
  EXPECT_EQ(post_raw("/v2/zra/crm/settings", "{\"crm_type\":", "application/json").json()["code"], 300);
  TestResponse wrong_type = post_raw("/v2/zra/crm/settings", default_registration().dump(), "text/plain");
  EXPECT_EQ(wrong_type.status, 415);
  EXPECT_EQ(wrong_type.json()["message"],
            "Unsupported Media Type: the body must be application/json, got 'text/plain'.");
  EXPECT_EQ(post_raw("/v2/zra/crm/settings", default_registration().dump(), "").status, 415);
  EXPECT_EQ(post_raw("/v2/zra/crm/settings", default_registration().dump(), "Application/JSON; charset=utf-8").status, 201);
  EXPECT_EQ(post_raw("/v2/zra/crm/settings", "[1]", "application/json").json()["errors"][0]["message"],
            "the registration must be a JSON object");
}

TEST_F(SettingsTest, UnregisterKeepsRecordsUnlessRemoveAll) {
  start();
  register_default();
  ASSERT_EQ(import_and_wait("accounts", json::array({account("A1")}))["success_count"], 1);
  ASSERT_EQ(del("/v2/zra/crm/settings").status, 204);
  EXPECT_EQ(server().state()["counts"]["account"], 1);
  // Imports need a registration.
  EXPECT_EQ(post("/v2/zra/crm/accounts", {{"data", json::array({account("A2")})}}).status, 409);
  register_default();
  EXPECT_EQ(del("/v2/zra/crm/settings?remove_all=maybe").status, 400);
  EXPECT_EQ(del("/v2/zra/crm/settings?remove_all=true").status, 204);
  json state = server().state();
  EXPECT_EQ(state["counts"]["account"], 0);
  EXPECT_TRUE(state["registration"].is_null());
}

TEST_F(SettingsTest, WrongMethodIs405) {
  start();
  TestRequest req{"PUT", "/v2/zra/crm/settings", "", {{"Authorization", "Bearer " + token()}}};
  TestResponse r = send(req);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow").value_or(""), "GET, POST, DELETE");
  EXPECT_EQ(get("/v2/zra/crm/unknown").status, 404);
}

}  // namespace
}  // namespace zra::sandbox::test
