#include <chrono>
#include <thread>

#include "tests/integration/sandbox/sandbox_fixture.h"

namespace zra::sandbox::test {
namespace {

class OAuthTest : public SandboxTest {
 protected:
  TestResponse token_request(const std::string& query, const std::string& auth) {
    TestRequest req{"POST", "/oauth/token" + query, "", {}};
    if (!auth.empty()) req.headers.emplace_back("Authorization", auth);
    return send(req);
  }
  const std::string good_query = "?grant_type=account_credentials&account_id=sandbox-account";
};

TEST_F(OAuthTest, IssuesABearerTokenLikeZoom) {
  SandboxOptions o = fast_options();
  o.token_ttl_s = 3600;
  start(o);
  TestResponse r = token_request(good_query, basic_auth("sandbox-client", "sandbox-secret"));
  ASSERT_EQ(r.status, 200) << r.body;
  json body = r.json();
  EXPECT_EQ(body["token_type"], "bearer");
  EXPECT_EQ(body["expires_in"], 3);  // 3600 s at time scale 1000: real seconds
  EXPECT_FALSE(body["access_token"].get<std::string>().empty());
  EXPECT_NE(body["scope"].get<std::string>().find("zra:write:crm_deal:admin"), std::string::npos);
  EXPECT_EQ(r.header("content-type").value_or(""), "application/json");
}

TEST_F(OAuthTest, ExpiresInIsTheTtlAtTimeScaleOne) {
  SandboxOptions o = fast_options();
  o.time_scale = 1;
  o.token_ttl_s = 3600;
  start(o);
  EXPECT_EQ(token_request(good_query, basic_auth("sandbox-client", "sandbox-secret")).json()["expires_in"], 3600);
}

TEST_F(OAuthTest, RejectsBadCredentialsGrantAndAccount) {
  start();
  json invalid_client = {{"reason", "Invalid client_id or client_secret"}, {"error", "invalid_client"}};
  TestResponse wrong_secret = token_request(good_query, basic_auth("sandbox-client", "nope"));
  EXPECT_EQ(wrong_secret.status, 401);
  EXPECT_EQ(wrong_secret.json(), invalid_client);
  EXPECT_EQ(token_request(good_query, basic_auth("other", "sandbox-secret")).status, 401);
  EXPECT_EQ(token_request(good_query, "").json(), invalid_client);
  EXPECT_EQ(token_request(good_query, "Basic !!!notbase64").status, 401);

  TestResponse grant = token_request("?grant_type=client_credentials&account_id=sandbox-account",
                                     basic_auth("sandbox-client", "sandbox-secret"));
  EXPECT_EQ(grant.status, 400);
  EXPECT_EQ(grant.json(), (json{{"reason", "Unsupported grant type"}, {"error", "unsupported_grant_type"}}));

  TestResponse account = token_request("?grant_type=account_credentials&account_id=elsewhere",
                                       basic_auth("sandbox-client", "sandbox-secret"));
  EXPECT_EQ(account.status, 400);
  EXPECT_EQ(account.json(), (json{{"reason", "Invalid account_id"}, {"error", "invalid_request"}}));
  EXPECT_EQ(token_request("?grant_type=account_credentials", basic_auth("sandbox-client", "sandbox-secret")).json()["reason"],
            "Missing account_id");
}

TEST_F(OAuthTest, AcceptsParametersInAFormBody) {
  start();
  TestRequest req{"POST", "/oauth/token", "grant_type=account_credentials&account_id=sandbox-account",
                  {{"Authorization", basic_auth("sandbox-client", "sandbox-secret")},
                   {"Content-Type", "application/x-www-form-urlencoded"}}};
  EXPECT_EQ(send(req).status, 200);
}

TEST_F(OAuthTest, EveryV2CallNeedsAValidBearerToken) {
  start();
  json invalid = {{"code", 124}, {"message", "Invalid access token."}};
  for (const char* target : {"/v2/zra/crm/settings", "/v2/zra/crm/tasks/abc", "/v2/zra/crm/accounts?crm_account_ids=a",
                             "/v2/zra/crm/nothing-here"}) {
    TestResponse none = send({"GET", target, "", {}});
    EXPECT_EQ(none.status, 401) << target;
    EXPECT_EQ(none.json(), invalid) << target;
    TestResponse forged = send({"GET", target, "", {{"Authorization", "Bearer sbx_forged"}}});
    EXPECT_EQ(forged.status, 401) << target;
  }
  TestResponse post = send({"POST", "/v2/zra/crm/accounts", "{\"data\":[]}",
                            {{"Content-Type", "application/json"}}});
  EXPECT_EQ(post.status, 401);
  EXPECT_EQ(server().state()["counts"]["account"], 0);
}

TEST_F(OAuthTest, TokensExpireAfterTheScaledTtl) {
  SandboxOptions o = fast_options();
  o.token_ttl_s = 5;  // 5 ms real at time scale 1000
  start(o);
  std::string t = token();
  TestRequest req{"GET", "/v2/zra/crm/settings", "", {{"Authorization", "Bearer " + t}}};
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  TestResponse r = send(req);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.json()["code"], 124);
  // A new token works again (404: nothing registered yet, but authenticated).
  req.headers = {{"Authorization", "Bearer " + token()}};
  EXPECT_EQ(send(req).status, 404);
}

TEST_F(OAuthTest, TokenCallsAreCountedButNotFaulted) {
  SandboxOptions o = fast_options();
  o.fail_rate = 1;
  start(o);
  EXPECT_EQ(token_request(good_query, basic_auth("sandbox-client", "sandbox-secret")).status, 200);
  EXPECT_EQ(token_request(good_query, basic_auth("sandbox-client", "x")).status, 401);
  json req = server().requests();
  EXPECT_EQ(req["by_endpoint"]["POST /oauth/token"], 2);
  EXPECT_EQ(req["by_status"]["200"], 1);
  EXPECT_EQ(req["by_status"]["401"], 1);
}

}  // namespace
}  // namespace zra::sandbox::test
