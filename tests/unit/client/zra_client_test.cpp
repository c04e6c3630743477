// The typed calls, OAuth use and the mapping of statuses to errors.
#include <gtest/gtest.h>

#include "tests/unit/client/client_fixture.h"

namespace zra {
namespace {

using nlohmann::json;

template <class E>
E expect_throw(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception: " << e.what();
    throw;
  }
  ADD_FAILURE() << "no exception";
  throw std::logic_error("no exception");
}

TEST_F(ZraClientTest, GetRegistrationSendsBearerTokenAndReturnsTheBody) {
  http.push_json(200, {{"crm_type", "acme"}, {"deal_stages", json::array()}});
  const json reg = client().get_registration();
  EXPECT_EQ(reg["crm_type"], "acme");
  const auto reqs = api_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].url, "https://api.zoom.example/v2/zra/crm/settings");
  EXPECT_EQ(request_header(reqs[0], "Authorization"), "Bearer zra-access-token-1");
  EXPECT_EQ(request_header(reqs[0], "Accept"), "application/json");
  EXPECT_EQ(reqs[0].timeout, std::chrono::milliseconds(60000));
  const ClientStats s = client_->stats();
  EXPECT_EQ(s.calls_by_label.at("light"), 1);
  EXPECT_EQ(s.token_requests, 1);
  EXPECT_EQ(s.retries, 0);
}

TEST_F(ZraClientTest, BaseUrlTrailingSlashIsIgnored) {
  ClientOptions o = options();
  o.base_url = "http://127.0.0.1:9999/v2/";
  http.push_json(200, json::object());
  client(o).get_registration();
  EXPECT_EQ(api_requests()[0].url, "http://127.0.0.1:9999/v2/zra/crm/settings");
}

TEST_F(ZraClientTest, RegisterPostsTheBodyAndReturnsTheStoredRegistration) {
  const json body = {{"crm_type", "acme"}, {"deal_stages", {{{"stage_name", "Open"}, {"stage_type", "OPEN"}}}}};
  http.push_json(201, {{"crm_type", "acme"}, {"create_time", "2025-11-20T12:00:00Z"}});
  const json stored = client().register_crm(body);
  EXPECT_EQ(stored["create_time"], "2025-11-20T12:00:00Z");
  const auto r = api_requests().at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, std::string(kBase) + "/zra/crm/settings");
  EXPECT_EQ(r.body, body.dump());
  EXPECT_EQ(request_header(r, "Content-Type"), "application/json");
  EXPECT_EQ(client_->stats().calls_by_label.at("heavy"), 1);
}

TEST_F(ZraClientTest, UnregisterSendsDeleteWithRemoveAll) {
  http.push(204).push(204);
  client().unregister(true);
  client_->unregister(false);
  const auto reqs = api_requests();
  EXPECT_EQ(reqs[0].method, "DELETE");
  EXPECT_EQ(reqs[0].url, std::string(kBase) + "/zra/crm/settings?remove_all=true");
  EXPECT_EQ(reqs[1].url, std::string(kBase) + "/zra/crm/settings");
  EXPECT_EQ(client_->stats().calls_by_label.at("heavy"), 2);
}

TEST_F(ZraClientTest, ImportPostsToThePluralPathAndReturnsTheTaskId) {
  const std::string body = R"({"data":[{"crm_contact_id":"c1"}]})";
  http.push_json(202, {{"task_id", "HlqrLAsuS4OrbY8ablyOvg"}});
  EXPECT_EQ(client().import(ObjectType::Contact, body), "HlqrLAsuS4OrbY8ablyOvg");
  const auto r = api_requests().at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, std::string(kBase) + "/zra/crm/contacts");
  EXPECT_EQ(r.body, body);
  const ClientStats s = client_->stats();
  EXPECT_EQ(s.import_calls, 1);
  EXPECT_EQ(s.calls_by_label.at("resource_intensive"), 1);
}

TEST_F(ZraClientTest, ImportAnswerWithoutTaskIdIsAFormatError) {
  http.push_json(202, {{"id", "x"}});
  const auto e = expect_throw<ResponseFormatError>([&] { client().import(ObjectType::Account, "{}"); });
  EXPECT_EQ(std::string(e.what()), std::string("POST ") + kBase +
                                       R"(/zra/crm/accounts answered with an unexpected body (no task_id): '{"id":"x"}')");
}

TEST_F(ZraClientTest, GetTaskParsesAndRejectsNonJson) {
  http.push_json(200, {{"task_id", "T1"}, {"task_status", "SUCCESS"}, {"total_count", 2}, {"success_count", 2}});
  http.push(200, "<html>gateway</html>");
  const TaskResult t = client().get_task("T1");
  EXPECT_EQ(t.status, "SUCCESS");
  EXPECT_EQ(t.success_count, 2);
  EXPECT_EQ(api_requests().at(0).url, std::string(kBase) + "/zra/crm/tasks/T1");
  const auto e = expect_throw<ResponseFormatError>([&] { client_->get_task("T1"); });
  EXPECT_EQ(std::string(e.what()), std::string("GET ") + kBase +
                                       "/zra/crm/tasks/T1 answered with an unexpected body (not a JSON object): "
                                       "'<html>gateway</html>'");
}

TEST_F(ZraClientTest, GetRecordsSplitsIntoCallsOfAtMostOneHundredIds) {
  std::vector<std::string> ids;
  for (int i = 0; i < 250; ++i) ids.push_back("a" + std::to_string(i));
  std::vector<size_t> ids_per_call;
  for (int call = 0; call < 3; ++call) {
    http.push_handler([&ids_per_call](const HttpRequest& r) {
      const std::string list = r.url.substr(r.url.find("crm_account_ids=") + 16);
      ids_per_call.push_back(static_cast<size_t>(std::count(list.begin(), list.end(), ',')) + 1);
      const std::string first = list.substr(0, list.find(','));
      return make_json_response(200, {{"data", {{{"crm_account_id", first}}}}});
    });
  }
  const auto records = client().get_records(ObjectType::Account, ids);
  EXPECT_EQ(ids_per_call, (std::vector<size_t>{100, 100, 50}));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]["crm_account_id"], "a0");
  EXPECT_EQ(records[1]["crm_account_id"], "a100");
  EXPECT_EQ(records[2]["crm_account_id"], "a200");
  const auto reqs = api_requests();
  EXPECT_EQ(reqs[2].url.rfind(std::string(kBase) + "/zra/crm/accounts?crm_account_ids=a200,a201,", 0), 0u);
  EXPECT_EQ(client_->stats().calls_by_label.at("medium"), 3);
}

TEST_F(ZraClientTest, GetRecordsEncodesIdsToleratesMissingDataAndSkipsEmptyLists) {
  http.push_json(200, json::object());
  EXPECT_TRUE(client().get_records(ObjectType::Deal, {"d 1", "d,2"}).empty());
  EXPECT_EQ(api_requests().at(0).url, std::string(kBase) + "/zra/crm/deals?crm_deal_ids=d%201,d%2C2");
  EXPECT_TRUE(client_->get_records(ObjectType::Lead, {}).empty());
  EXPECT_EQ(api_requests().size(), 1u);
  http.push_json(200, {{"data", "oops"}});
  EXPECT_THROW(client_->get_records(ObjectType::Lead, {"l1"}), ResponseFormatError);
}

// --- status mapping ---

TEST_F(ZraClientTest, ImportOn409IsNotRegistered) {
  http.push_json(409, {{"code", 409}, {"message", "Not connected to CRM API."}});
  const auto e = expect_throw<NotRegisteredError>([&] { client().import(ObjectType::Deal, "{}"); });
  EXPECT_EQ(std::string(e.what()),
            "CRM is not registered with ZRA: run `zra-sync crm register -c <config>` (POST " + std::string(kBase) +
                "/zra/crm/deals answered 409: Not connected to CRM API.)");
  EXPECT_EQ(e.exit_code(), kExitFatal);
}

TEST_F(ZraClientTest, GetRecordsOn409AndSettingsOn404AreNotRegistered) {
  http.push(409).push(404).push(404);
  EXPECT_THROW(client().get_records(ObjectType::Account, {"a"}), NotRegisteredError);
  EXPECT_THROW(client_->get_registration(), NotRegisteredError);
  EXPECT_THROW(client_->unregister(false), NotRegisteredError);
}

TEST_F(ZraClientTest, RegisterOn409IsAlreadyRegistered) {
  http.push_json(409, {{"code", 409}, {"message", "Already connected to a CRM or CRM API."}});
  const auto e = expect_throw<AlreadyRegisteredError>([&] { client().register_crm({{"crm_type", "x"}}); });
  EXPECT_EQ(e.status(), 409);
  EXPECT_EQ(e.api_message(), "Already connected to a CRM or CRM API.");
}

TEST_F(ZraClientTest, RegisterOn400IsAnApiErrorWithDetails) {
  http.push_json(400, {{"code", 300},
                       {"message", "Bad CRM registration information"},
                       {"errors", {{{"field", "crm_type"}, {"message", "must match ^[a-zA-Z][a-zA-Z0-9_]*$"}},
                                   {{"field", "deal_stages"}, {"message", "CLOSED_WON missing"}}}}});
  const auto e = expect_throw<ApiError>([&] { client().register_crm({{"crm_type", "1x"}}); });
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.code(), 300);
  ASSERT_EQ(e.details().size(), 2u);
  EXPECT_EQ(e.details()[1].field, "deal_stages");
  EXPECT_EQ(std::string(e.what()), "POST " + std::string(kBase) +
                                       "/zra/crm/settings answered 400 (code 300): Bad CRM registration information; "
                                       "crm_type: must match ^[a-zA-Z][a-zA-Z0-9_]*$; deal_stages: CLOSED_WON missing");
}

TEST_F(ZraClientTest, ImportOn413IsPayloadTooLargeAndNotRetried) {
  http.push_json(413, {{"code", 413}, {"message", "Too many import items."}});
  const auto e = expect_throw<PayloadTooLargeError>([&] { client().import(ObjectType::Account, "{}"); });
  EXPECT_EQ(e.status(), 413);
  EXPECT_EQ(api_requests().size(), 1u);
  EXPECT_EQ(client_->stats().retries, 0);
}

TEST_F(ZraClientTest, TaskOn404IsTaskNotFound) {
  http.push_json(404, {{"code", 404}, {"message", "Async task not found or expired."}});
  const auto e = expect_throw<TaskNotFoundError>([&] { client().get_task("T9"); });
  EXPECT_EQ(std::string(e.what()),
            "GET " + std::string(kBase) + "/zra/crm/tasks/T9 answered 404: Async task not found or expired.");
}

TEST_F(ZraClientTest, OtherClientErrorsAreApiErrorsEvenWithoutJson) {
  http.push(403, "Forbidden\n");
  const auto e = expect_throw<ApiError>([&] { client().get_task("T1"); });
  EXPECT_EQ(e.status(), 403);
  EXPECT_EQ(e.code(), 0);
  EXPECT_EQ(std::string(e.what()), "GET " + std::string(kBase) + "/zra/crm/tasks/T1 answered 403: 'Forbidden '");
  EXPECT_EQ(api_requests().size(), 1u);
}

// --- OAuth in calls ---

TEST_F(ZraClientTest, TokenIsReusedThenRefreshedBeforeExpiry) {
  for (int i = 0; i < 3; ++i) http.push_json(200, {{"task_status", "PENDING"}});
  client().get_task("T1");
  client_->get_task("T1");
  EXPECT_EQ(client_->stats().token_requests, 1);
  clock.advance(std::chrono::seconds(3300));  // 5 minutes before the hour is up
  client_->get_task("T1");
  EXPECT_EQ(client_->stats().token_requests, 2);
  EXPECT_EQ(request_header(api_requests().at(2), "Authorization"), "Bearer zra-access-token-2");
}

TEST_F(ZraClientTest, A401RefreshesTheTokenOnceAndRetries) {
  http.push_json(401, {{"code", 124}, {"message", "Invalid access token."}});
  http.push_json(200, {{"task_status", "RUNNING"}});
  EXPECT_EQ(client().get_task("T1").status, "RUNNING");
  const auto reqs = api_requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(request_header(reqs[0], "Authorization"), "Bearer zra-access-token-1");
  EXPECT_EQ(request_header(reqs[1], "Authorization"), "Bearer zra-access-token-2");
  EXPECT_EQ(client_->stats().token_requests, 2);
  EXPECT_EQ(client_->stats().retries, 1);
}

TEST_F(ZraClientTest, A401AfterTheRefreshIsAnAuthError) {
  http.push_json(401, {{"code", 124}, {"message", "Invalid access token."}});
  http.push_json(401, {{"code", 124}, {"message", "Invalid access token."}});
  const auto e = expect_throw<AuthError>([&] { client().import(ObjectType::Lead, "{}"); });
  EXPECT_EQ(std::string(e.what()),
            "POST " + std::string(kBase) +
                "/zra/crm/leads answered 401 (code 124): Invalid access token. (again after a fresh OAuth token: "
                "check the app's scopes and that it is activated)");
  EXPECT_EQ(api_requests().size(), 2u);
  EXPECT_EQ(client_->stats().token_requests, 2);
}

TEST_F(ZraClientTest, RefusedCredentialsNameTheTokenUrlButNotTheSecret) {
  FakeTransport refusing;
  refusing.push_json(400, {{"reason", "Invalid client_id or client_secret"}, {"error", "invalid_client"}});
  ZraClient c(options(), refusing, clock, random);
  const auto e = expect_throw<AuthError>([&] { c.get_registration(); });
  const std::string message = e.what();
  EXPECT_NE(message.find("POST https://zoom.example/oauth/token answered 400: Invalid client_id or client_secret"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find(kClientSecret), std::string::npos);
  EXPECT_EQ(refusing.request_count(), 1u);  // no API call without a token
}

// --- construction ---

TEST_F(ZraClientTest, PlainHttpIsRefusedExceptForLoopback) {
  ClientOptions o = options();
  o.base_url = "http://api.zoom.us/v2";
  EXPECT_THROW(ZraClient(o, http, clock, random), FatalError);
  o = options();
  o.token_url = "http://zoom.us/oauth/token";
  EXPECT_THROW(ZraClient(o, http, clock, random), FatalError);
  o = options();
  o.base_url = "http://127.0.0.1:8080/v2";
  o.token_url = "http://localhost:8080/oauth/token";
  EXPECT_NO_THROW(ZraClient(o, http, clock, random));
  o = options();
  o.max_attempts = 0;
  EXPECT_THROW(ZraClient(o, http, clock, random), Error);
}

}  // namespace
}  // namespace zra
