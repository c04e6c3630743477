#include <cstdio>
#include <fstream>

#include "tests/integration/sandbox/sandbox_fixture.h"

namespace zra::sandbox::test {
namespace {

using ImportTest = SandboxTest;

TEST_F(ImportTest, RefusesBeforeRegistrationAndBadBodies) {
  SandboxOptions o = fast_options();
  o.max_items = 3;
  start(o);
  TestResponse not_registered = post("/v2/zra/crm/accounts", {{"data", json::array({account("A1")})}});
  EXPECT_EQ(not_registered.status, 409);
  EXPECT_EQ(not_registered.json(), (json{{"code", 409}, {"message", "Not connected to CRM API."}}));
  register_default();

  TestResponse malformed = post_raw("/v2/zra/crm/accounts", "{\"data\": [", "application/json");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.json()["code"], 300);
  EXPECT_EQ(malformed.json()["message"].get<std::string>().rfind("Request Body should be a valid JSON object.", 0), 0u);

  for (const char* body : {"{}", "{\"data\": {}}", "[1,2]", "{\"records\": []}", "null"}) {
    TestResponse r = post_raw("/v2/zra/crm/contacts", body, "application/json");
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.json(), (json{{"code", 300},
                              {"message", "Invalid request body: a JSON object with a 'data' array is required."},
                              {"errors", {{{"field", "data"}, {"message", "data is required and must be an array of contacts"}}}}}))
        << body;
  }

  json four = json::array({lead("L1"), lead("L2"), lead("L3"), lead("L4")});
  TestResponse too_many = post("/v2/zra/crm/leads", {{"data", four}});
  EXPECT_EQ(too_many.status, 413);
  EXPECT_EQ(too_many.json(), (json{{"code", 413}, {"message", "Too many import items: 4 items, at most 3 per request."}}));
  four.erase(3);
  EXPECT_EQ(post("/v2/zra/crm/leads", {{"data", four}}).status, 202);
  EXPECT_EQ(server().requests()["import_items"], 3);
}

TEST_F(ImportTest, ValidRecordsAreStoredWithAStableZraId) {
  start();
  register_default();
  json full = {{"crm_account_id", "006aa00000JkrQiiAx"}, {"deletion", false}, {"owner_email", "jchill@example.com"},
               {"account_name", "Some Company"}, {"domain", "example.com"}, {"type", "Prospect"},
               {"industry", "Electronics"}, {"annual_revenue", 750000}, {"phone", "800-0555-0100"},
               {"employees", 30}, {"modify_time", "2025-11-20T12:00:00Z"}, {"create_time", "2025-11-20T12:00:00Z"}};
  json task = import_and_wait("accounts", json::array({full, account("A2")}));
  EXPECT_EQ(task["task_status"], "SUCCESS");
  EXPECT_EQ(task["total_count"], 2);
  EXPECT_EQ(task["success_count"], 2);
  EXPECT_EQ(task["failed_count"], 0);
  EXPECT_EQ(task["errors"], json::array());

  json stored = server().state()["records"]["account"]["006aa00000JkrQiiAx"];
  std::string zra_id = stored["zra_account_id"].get<std::string>();
  EXPECT_EQ(zra_id.rfind("OPENAPI", 0), 0u);
  EXPECT_EQ(zra_id.size(), 7 + 22 + std::string("006aa00000JkrQiiAx").size());
  EXPECT_EQ(zra_id.substr(29), "006aa00000JkrQiiAx");
  EXPECT_FALSE(stored.contains("deletion"));
  EXPECT_EQ(stored["annual_revenue"], 750000);

  // An upsert replaces the record; the zra id stays.
  json changed = account("006aa00000JkrQiiAx");
  changed["account_name"] = "Renamed";
  ASSERT_EQ(import_and_wait("accounts", json::array({changed}))["success_count"], 1);
  json after = server().state()["records"]["account"]["006aa00000JkrQiiAx"];
  EXPECT_EQ(after["account_name"], "Renamed");
  EXPECT_FALSE(after.contains("domain"));
  EXPECT_EQ(after["zra_account_id"], zra_id);
}

struct BadRecord {
  const char* type;
  json record;
  std::string detail;
};

TEST_F(ImportTest, EachInvalidRecordIsReportedWithIndexIdAndDetail) {
  std::string users = ::testing::TempDir() + "/sandbox_licensed_users.txt";
  {
    std::ofstream f(users);
    f << "# licensed\nowner@example.com\n\n  Boss@Example.com  \n";
  }
  SandboxOptions o = fast_options();
  o.licensed_users_file = users;
  start(o);
  register_default();
  ASSERT_EQ(import_and_wait("accounts", json::array({account("A1")}))["success_count"], 1);
  ASSERT_EQ(import_and_wait("contacts", json::array({contact("C1", "A1")}))["success_count"], 1);

  auto with = [](json r, const std::string& k, json v) {
    r[k] = std::move(v);
    return r;
  };
  auto without = [](json r, const std::string& k) {
    r.erase(k);
    return r;
  };
  std::vector<BadRecord> cases = {
      {"accounts", without(account("A2"), "account_name"), "missing required field 'account_name'"},
      {"accounts", with(account("A2"), "account_name", ""), "required field 'account_name' is empty"},
      {"accounts", with(account("A2"), "employees", "30"), "field 'employees' must be an integer, got '30'"},
      {"accounts", with(account("A2"), "annual_revenue", "lots"), "field 'annual_revenue' must be a number, got 'lots'"},
      {"accounts", with(account("A2"), "modify_time", "2025-11-20 12:00"),
       "field 'modify_time' must be an ISO-8601 date-time with a zone (2025-11-20T12:00:00Z), got '2025-11-20 12:00'"},
      {"accounts", with(account("A2"), "modify_time", "2025-11-20T12:00:00"),
       "field 'modify_time' must be an ISO-8601 date-time with a zone (2025-11-20T12:00:00Z), got '2025-11-20T12:00:00'"},
      {"accounts", with(account("A2"), "owner_email", "nope"), "invalid email 'nope' in field 'owner_email'"},
      {"accounts", with(account("A2"), "colour", "red"), "unknown field 'colour'"},
      {"contacts", with(contact("C2"), "contact_email", "a@b"), "invalid email 'a@b' in field 'contact_email'"},
      {"contacts", contact("C2", "A9"), "crm_account_id 'A9' does not reference an imported account (import accounts first)"},
      {"deals", with(deal("D1", "A1"), "close_date", "2025-11-20T00:00:00Z"),
       "field 'close_date' must be an ISO-8601 date (2025-11-20), got '2025-11-20T00:00:00Z'"},
      {"deals", with(deal("D1", "A1"), "close_date", "2025-02-30"),
       "field 'close_date' must be an ISO-8601 date (2025-11-20), got '2025-02-30'"},
      {"deals", deal("D1", "A1", "Won"), "stage 'Won' is not one of the registered deal stages"},
      {"deals", deal("D1", "A1", "prospecting"), "stage 'prospecting' is not one of the registered deal stages"},
      {"deals", with(deal("D1", "A1"), "owner_email", "intern@example.com"),
       "owner_email 'intern@example.com' is not a ZRA-licensed user"},
      {"deals", deal("D1", "A9"), "crm_account_id 'A9' does not reference an imported account (import accounts first)"},
      {"deals", with(deal("D1", "A1"), "contacts", json::array({{{"crm_contact_id", "C1"}}, {{"crm_contact_id", "C9"}}})),
       "contacts[1].crm_contact_id 'C9' does not reference an imported contact (import contacts first)"},
      {"deals", with(deal("D1", "A1"), "contacts", json::array({{{"contact_name", "x"}}})),
       "missing required field 'contacts[0].crm_contact_id'"},
      {"deals", with(deal("D1", "A1"), "team_member_emails", json::array({"a@example.com", "bad"})),
       "invalid email 'bad' in field 'team_member_emails[1]'"},
      {"deals", with(deal("D1", "A1"), "is_private", "no"), "field 'is_private' must be a boolean, got 'no'"},
      {"deals", without(deal("D1", "A1"), "stage"), "missing required field 'stage'"},
      {"leads", with(lead("L1"), "lead_email", "x y@example.com"), "invalid email 'x y@example.com' in field 'lead_email'"},
      {"leads", {{"deletion", true}}, "missing required field 'crm_lead_id'"},
      {"leads", json(5), "record must be a JSON object, got '5'"},
  };
  for (const auto& c : cases) {
    // The bad record sits between two good ones, so record_index is 1.
    json good_first, good_last;
    std::string t = c.type;
    if (t == "accounts") { good_first = account("G1"); good_last = account("G2"); }
    if (t == "contacts") { good_first = contact("G1"); good_last = contact("G2", "A1"); }
    if (t == "deals") { good_first = deal("G1", "A1"); good_last = deal("G2", "A1", "Closed Won"); }
    if (t == "leads") { good_first = lead("G1"); good_last = lead("G2"); }
    json task = import_and_wait(t, json::array({good_first, c.record, good_last}));
    ASSERT_EQ(task["task_status"], "SUCCESS") << c.detail;
    EXPECT_EQ(task["total_count"], 3) << c.detail;
    EXPECT_EQ(task["success_count"], 2) << c.detail;
    EXPECT_EQ(task["failed_count"], 1) << c.detail;
    ASSERT_EQ(task["errors"].size(), 1u) << task.dump();
    json err = task["errors"][0];
    EXPECT_EQ(err["record_index"], 1) << c.detail;
    std::string expected_id;
    if (c.record.is_object()) {
      for (const char* k : {"crm_account_id", "crm_contact_id", "crm_deal_id", "crm_lead_id"}) {
        std::string key = k;
        if (key.find(t.substr(0, t.size() - 1)) != std::string::npos && c.record.contains(key)) {
          expected_id = c.record[key];
        }
      }
    }
    EXPECT_EQ(err["record_id"], expected_id) << c.detail;
    EXPECT_EQ(err["detail"], c.detail);
  }
  // Licensed users compare case-insensitively; deals with every valid field pass.
  json full = deal("D2", "A1", "Closed Lost");
  full["owner_email"] = "boss@example.com";
  full["contacts"] = json::array({{{"crm_contact_id", "C1"}, {"contact_email", "c1@example.com"}}});
  full["amount"] = 12300.5;
  full["close_date"] = "2025-11-20";
  full["probability"] = 75;
  full["is_private"] = false;
  full["stage_modify_time"] = "2025-11-20T12:00:00+02:00";
  full["team_member_emails"] = json::array({"a@example.com"});
  EXPECT_EQ(import_and_wait("deals", json::array({full}))["errors"], json::array());
}

TEST_F(ImportTest, SeveralProblemsOfOneRecordAreJoined) {
  start();
  register_default();
  json bad = {{"crm_deal_id", "D1"}, {"deal_name", "x"}, {"modify_time", "2025-11-20T12:00:00Z"},
              {"owner_email", "o@example.com"}, {"stage", "Nope"}, {"crm_account_id", "A404"}, {"amount", "1"}};
  json task = import_and_wait("deals", json::array({bad}));
  EXPECT_EQ(task["errors"][0]["detail"],
            "field 'amount' must be a number, got '1'; "
            "crm_account_id 'A404' does not reference an imported account (import accounts first); "
            "stage 'Nope' is not one of the registered deal stages");
  EXPECT_EQ(task["success_count"], 0);
}

TEST_F(ImportTest, ReferencesAreCheckedWhenTheTaskRuns) {
  start();
  register_default();
  // A contact imported before its account fails...
  json early = import_and_wait("contacts", json::array({contact("C1", "A1")}));
  EXPECT_EQ(early["failed_count"], 1);
  EXPECT_EQ(early["errors"][0]["detail"],
            "crm_account_id 'A1' does not reference an imported account (import accounts first)");
  // ...and passes once the account's task succeeded.
  ASSERT_EQ(import_and_wait("accounts", json::array({account("A1")}))["success_count"], 1);
  EXPECT_EQ(import_and_wait("contacts", json::array({contact("C1", "A1")}))["success_count"], 1);
  json d = deal("D1", "A1");
  d["contacts"] = json::array({{{"crm_contact_id", "C1"}}});
  EXPECT_EQ(import_and_wait("deals", json::array({d}))["success_count"], 1);
  json counts = server().state()["counts"];
  EXPECT_EQ(counts, (json{{"account", 1}, {"contact", 1}, {"deal", 1}, {"lead", 0}}));
}

TEST_F(ImportTest, SubmittedBackToBackTheAccountTaskRunsFirst) {
  start();
  register_default();
  // Tasks run in submit order, so a contact task submitted right after its account's task passes.
  TestResponse a = post("/v2/zra/crm/accounts", {{"data", json::array({account("A1")})}});
  TestResponse c = post("/v2/zra/crm/contacts", {{"data", json::array({contact("C1", "A1")})}});
  ASSERT_EQ(a.status, 202);
  ASSERT_EQ(c.status, 202);
  EXPECT_EQ(wait_task(c.json()["task_id"])["success_count"], 1);
}

TEST_F(ImportTest, DeletionNeedsOnlyTheIdAndUnknownIdsAreANoOp) {
  start();
  register_default();
  ASSERT_EQ(import_and_wait("leads", json::array({lead("L1"), lead("L2")}))["success_count"], 2);
  json task = import_and_wait("leads", json::array({{{"crm_lead_id", "L1"}, {"deletion", true}},
                                                    {{"crm_lead_id", "never-imported"}, {"deletion", true}}}));
  EXPECT_EQ(task["success_count"], 2);
  EXPECT_EQ(task["errors"], json::array());
  json leads = server().state()["records"]["lead"];
  EXPECT_FALSE(leads.contains("L1"));
  EXPECT_TRUE(leads.contains("L2"));
  // deletion:false is an ordinary upsert and needs every required field.
  json half = {{"crm_lead_id", "L3"}, {"deletion", false}};
  EXPECT_EQ(import_and_wait("leads", json::array({half}))["errors"][0]["detail"],
            "missing required field 'lead_name'; missing required field 'modify_time'");
  // Unknown fields are rejected on deletions too.
  EXPECT_EQ(import_and_wait("leads", json::array({{{"crm_lead_id", "L2"}, {"deletion", true}, {"x", 1}}}))["errors"][0]["detail"],
            "unknown field 'x'");
}

TEST_F(ImportTest, EmptyDataIsAnEmptySuccessfulTask) {
  start();
  register_default();
  json task = import_and_wait("accounts", json::array());
  EXPECT_EQ(task["task_status"], "SUCCESS");
  EXPECT_EQ(task["total_count"], 0);
}

TEST_F(ImportTest, TwoThousandRecordsAreAcceptedQuicklyAndValidatedFast) {
  start();
  register_default();
  json data = json::array();
  for (int i = 0; i < 2000; ++i) {
    json a = account("ACC" + std::to_string(i));
    a["owner_email"] = "owner" + std::to_string(i) + "@example.com";
    a["domain"] = "example" + std::to_string(i) + ".com";
    a["annual_revenue"] = 1000.5 * i;
    a["employees"] = i;
    a["create_time"] = "2025-11-20T12:00:00Z";
    data.push_back(a);
  }
  data[1999]["employees"] = "many";
  std::string body = json{{"data", data}}.dump();
  token_ = token();
  auto t0 = std::chrono::steady_clock::now();
  TestResponse r = post_raw("/v2/zra/crm/accounts", body, "application/json");
  double accept_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.status, 202);
  json task = wait_task(r.json()["task_id"]);
  EXPECT_EQ(task["success_count"], 1999);
  EXPECT_EQ(task["errors"][0]["record_index"], 1999);
  double run_ms = 0;
  json tasks = send({"GET", "/_sandbox/tasks", "", {}}).json();
  for (const auto& t : tasks["tasks"]) {
    if (t["task_id"] == r.json()["task_id"]) run_ms = t["run_ms"];
  }
  std::printf("[ perf     ] import of 2000 accounts (%zu bytes): 202 after %.1f ms (client-side, loopback); "
              "task validation + upsert %.1f ms server time\n",
              body.size(), accept_ms, run_ms);
  EXPECT_GT(run_ms, 0.0);
}

}  // namespace
}  // namespace zra::sandbox::test
