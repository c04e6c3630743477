#include <sys/resource.h>

#include <memory>
#include <vector>

#include "tests/integration/sandbox/sandbox_fixture.h"

namespace zra::sandbox::test {
namespace {

class RobustnessTest : public SandboxTest {
 protected:
  // The server still answers normally.
  void expect_healthy() {
    TestResponse r = send({"GET", "/_sandbox/state", "", {}});
    EXPECT_EQ(r.status, 200);
  }
  std::string auth() { return "Authorization: Bearer " + token() + "\r\n"; }
};

TEST_F(RobustnessTest, TruncatedBodyGets400AndTheServerCarriesOn) {
  start();
  register_default();
  TestConnection c(port());
  c.write_raw("POST /v2/zra/crm/accounts HTTP/1.1\r\nHost: x\r\n" + auth() +
              "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"data\": [");
  c.shutdown_send();
  TestResponse r = c.read_response();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["message"], "Truncated request: the connection ended before the whole body arrived.");
  // A client that just goes away mid-body is harmless too.
  {
    TestConnection gone(port());
    gone.write_raw("POST /v2/zra/crm/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{");
  }
  expect_healthy();
  EXPECT_EQ(server().requests()["total"], 3);  // 2 tokens + register: the truncated ones never reached a route
}

TEST_F(RobustnessTest, TenMegabyteBodies) {
  start();
  register_default();
  // 10 MB of valid JSON: one record with a huge field is accepted, then reported by the task.
  json big = account("BIG");
  big["industry"] = std::string(10 * 1024 * 1024, 'x');
  json task = import_and_wait("accounts", json::array({big}));
  EXPECT_EQ(task["success_count"], 1);
  // 10 MB of garbage is a 400, not a crash.
  TestResponse garbage = post_raw("/v2/zra/crm/accounts", std::string(10 * 1024 * 1024, '{'), "application/json");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.json()["code"], 300);
  expect_healthy();
}

TEST_F(RobustnessTest, BodiesOverTheLimitGet413Json) {
  SandboxOptions o = fast_options();
  o.max_body_bytes = 1024 * 1024;
  start(o);
  register_default();
  TestResponse r = post_raw("/v2/zra/crm/accounts", std::string(2 * 1024 * 1024, ' '), "application/json");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.json(), (json{{"code", 413}, {"message", "Request body larger than 1048576 bytes."}}));
  expect_healthy();
}

TEST_F(RobustnessTest, InvalidUtf8Is400) {
  start();
  register_default();
  std::string body = "{\"data\":[{\"crm_account_id\":\"A\xff\xfe\",\"account_name\":\"x\",\"modify_time\":\"2025-11-20T12:00:00Z\"}]}";
  TestResponse r = post_raw("/v2/zra/crm/accounts", body, "application/json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json(), (json{{"code", 300}, {"message", "Request body is not valid UTF-8 (first invalid byte at offset 29)."}}));
  // Overlong encodings and lone surrogates are invalid too.
  EXPECT_EQ(post_raw("/v2/zra/crm/accounts", "{\"data\":[\"\xc0\xaf\"]}", "application/json").status, 400);
  EXPECT_EQ(post_raw("/v2/zra/crm/accounts", "{\"data\":[\"\xed\xa0\x80\"]}", "application/json").status, 400);
  // Valid multi-byte text goes through.
  json ok = account("Zoë-株式会社");
  EXPECT_EQ(import_and_wait("accounts", json::array({ok}))["success_count"], 1);
  EXPECT_TRUE(server().state()["records"]["account"].contains("Zoë-株式会社"));
}

TEST_F(RobustnessTest, WrongContentTypeIs415) {
  start();
  register_default();
  std::string body = json{{"data", json::array({account("A1")})}}.dump();
  for (const char* ct : {"text/plain", "application/x-www-form-urlencoded", "application/jsonx", ""}) {
    TestResponse r = post_raw("/v2/zra/crm/accounts", body, ct);
    EXPECT_EQ(r.status, 415) << ct;
    EXPECT_EQ(r.json()["code"], 415) << ct;
  }
  EXPECT_EQ(post_raw("/v2/zra/crm/accounts", body, "application/json;charset=UTF-8").status, 202);
}

TEST_F(RobustnessTest, MalformedHttpAndHugeHeadersGetJsonErrors) {
  start();
  {
    TestConnection c(port());
    c.write_raw("NOT HTTP AT ALL\r\n\r\n");
    TestResponse r = c.read_response();
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json()["code"], 400);
  }
  {
    TestConnection c(port());
    c.write_raw("GET /v2/zra/crm/settings HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
    TestResponse r = c.read_response();
    EXPECT_EQ(r.status, 431);
  }
  {
    TestConnection c(port());
    c.write_raw("POST /v2/zra/crm/settings HTTP/1.1\r\nHost: x\r\nContent-Length: banana\r\n\r\n");
    EXPECT_EQ(c.read_response().status, 400);
  }
  EXPECT_EQ(send({"GET", "/elsewhere", "", {}}).status, 404);
  expect_healthy();
}

TEST_F(RobustnessTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  std::string t = token();
  TestConnection c(port());
  for (int i = 0; i < 5; ++i) {
    TestResponse r = c.send({"GET", "/v2/zra/crm/settings", "", {{"Authorization", "Bearer " + t}}});
    EXPECT_EQ(r.status, 404) << i;
  }
}

TEST_F(RobustnessTest, ExpectContinueIsHonoured) {
  start();
  register_default();
  std::string body = json{{"data", json::array({account("A1")})}}.dump();
  TestConnection c(port());
  c.write_raw("POST /v2/zra/crm/accounts HTTP/1.1\r\nHost: x\r\n" + auth() +
              "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n\r\n");
  TestResponse cont = c.read_response();
  EXPECT_EQ(cont.status, 100);
  c.write_raw(body);
  EXPECT_EQ(c.read_response().status, 202);
}

TEST_F(RobustnessTest, AThousandConcurrentConnections) {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 2300 && lim.rlim_max >= 2300) {
    lim.rlim_cur = 2300;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  getrlimit(RLIMIT_NOFILE, &lim);
  ASSERT_GE(lim.rlim_cur, 2300u) << "needs 2 file descriptors per connection (client and server side)";
  start();
  std::string t = token();
  constexpr int kConnections = 1000;
  std::vector<std::unique_ptr<TestConnection>> conns;
  conns.reserve(kConnections);
  for (int i = 0; i < kConnections; ++i) conns.push_back(std::make_unique<TestConnection>(port()));
  // Every connection is open at once; each sends a request, then all answers are read.
  std::string req = "GET /v2/zra/crm/tasks/none HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + t + "\r\n\r\n";
  for (auto& c : conns) c->write_raw(req);
  int answered = 0;
  for (auto& c : conns) answered += c->read_response().status == 404 ? 1 : 0;
  EXPECT_EQ(answered, kConnections);
  conns.clear();
  expect_healthy();
  EXPECT_EQ(server().requests()["by_endpoint"]["GET /v2/zra/crm/tasks/{taskId}"], kConnections);
}

}  // namespace
}  // namespace zra::sandbox::test
