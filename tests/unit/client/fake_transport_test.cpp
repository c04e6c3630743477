#include "tests/support/fake_transport.h"

#include <gtest/gtest.h>

namespace zra {
namespace {

HttpRequest get(std::string url, std::string method = "GET") {
  HttpRequest r;
  r.method = std::move(method);
  r.url = std::move(url);
  return r;
}

TEST(FakeTransport, RouteQueuesThenPersistentRoutesThenGlobalQueue) {
  FakeTransport t;
  t.push(200, "global-1").push(201, "global-2");
  t.push_for("GET", "/tasks/", make_response(200, "task-1"));
  t.on("POST", "/oauth/token", [](const HttpRequest&) { return make_response(200, "token"); });

  EXPECT_EQ(t.send(get("https://x/tasks/1")).body, "task-1");
  EXPECT_EQ(t.send(get("https://x/tasks/1")).body, "global-1");  // route queue used up
  EXPECT_EQ(t.send(get("https://x/oauth/token", "POST")).body, "token");
  EXPECT_EQ(t.send(get("https://x/oauth/token", "POST")).body, "token");
  EXPECT_EQ(t.send(get("https://x/other")).status, 201);
  EXPECT_EQ(t.pending(), 0u);
  EXPECT_EQ(t.request_count(), 5u);
  EXPECT_EQ(t.count("POST", "/oauth/"), 2u);
  EXPECT_EQ(t.count("", "/tasks/"), 2u);
  EXPECT_EQ(t.request(4).url, "https://x/other");
  EXPECT_THROW(t.request(5), std::out_of_range);
}

TEST(FakeTransport, ScriptedTransportErrorsAndUnscriptedRequestsThrow) {
  FakeTransport t;
  t.push_error(TransportError("reset by peer", true));
  try {
    t.send(get("https://x/a"));
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_TRUE(e.timed_out());
  }
  try {
    t.send(get("https://x/b"));
    FAIL();
  } catch (const std::logic_error& e) {
    EXPECT_EQ(std::string(e.what()), "FakeTransport: no scripted answer for request #2: GET https://x/b");
  }
}

TEST(FakeTransport, JsonResponsesAndRequestHeaders) {
  FakeTransport t;
  t.push_json(202, {{"task_id", "t1"}});
  HttpRequest r = get("https://x/a", "POST");
  r.headers = {{"Authorization", "Bearer z"}};
  const HttpResponse res = t.send(r);
  EXPECT_EQ(res.body, R"({"task_id":"t1"})");
  EXPECT_EQ(res.header("content-type").value_or(""), "application/json");
  EXPECT_EQ(request_header(t.request(0), "authorization"), "Bearer z");
  EXPECT_EQ(request_header(t.request(0), "missing"), "");
}

}  // namespace
}  // namespace zra
