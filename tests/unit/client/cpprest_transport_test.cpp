// The real transport against a loopback Beast server: statuses, headers and bodies round-trip, and
// connection failures become TransportError with the right flags.
#include <gtest/gtest.h>

#include "core/http/http_transport.h"
#include "tests/unit/client/loopback_http_server.h"

namespace zra {
namespace {

TEST(CpprestTransport, RoundTripsMethodPathQueryHeadersAndBody) {
  ServedRequest seen;
  LoopbackHttpServer server([&](const ServedRequest& r) {
    seen = r;
    ServedAnswer a;
    a.status = 202;
    a.headers = {{"X-RateLimit-Remaining", "17"}, {"Content-Type", "application/json"}};
    a.body = R"({"task_id":"abc"})";
    return a;
  });
  auto transport = make_cpprest_transport();
  HttpRequest req;
  req.method = "POST";
  req.url = server.base_url() + "/v2/zra/crm/accounts?x=a%2Cb";
  req.headers = {{"Authorization", "Bearer tok"}, {"Content-Type", "application/json"}};
  req.body = R"({"data":[{"crm_account_id":"1"}]})";
  const HttpResponse res = transport->send(req);

  EXPECT_EQ(res.status, 202);
  EXPECT_EQ(res.body, R"({"task_id":"abc"})");
  EXPECT_EQ(res.header("x-ratelimit-remaining").value_or(""), "17");
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/v2/zra/crm/accounts?x=a%2Cb");
  EXPECT_EQ(seen.header("Authorization"), "Bearer tok");
  EXPECT_EQ(seen.header("Content-Type"), "application/json");
  EXPECT_EQ(seen.body, R"({"data":[{"crm_account_id":"1"}]})");
}

TEST(CpprestTransport, ReturnsErrorStatusesWithoutThrowing) {
  int next = 0;
  const int statuses[] = {400, 404, 413, 429, 500, 503};
  LoopbackHttpServer server([&](const ServedRequest&) {
    ServedAnswer a;
    a.status = statuses[next++];
    a.headers = {{"Retry-After", "3"}};
    a.body = R"({"code":)" + std::to_string(a.status) + "}";
    return a;
  });
  auto transport = make_cpprest_transport();
  for (int expected : statuses) {
    HttpRequest req;
    req.url = server.base_url() + "/v2/zra/crm/settings";
    const HttpResponse res = transport->send(req);
    EXPECT_EQ(res.status, expected);
    EXPECT_EQ(res.body, R"({"code":)" + std::to_string(expected) + "}");
    EXPECT_EQ(res.header("Retry-After").value_or(""), "3");
  }
  EXPECT_EQ(server.served(), 6);
}

TEST(CpprestTransport, DeleteWithEmptyBodyAnd204) {
  LoopbackHttpServer server([](const ServedRequest& r) {
    ServedAnswer a;
    a.status = r.method == "DELETE" ? 204 : 500;
    return a;
  });
  auto transport = make_cpprest_transport();
  HttpRequest req;
  req.method = "DELETE";
  req.url = server.base_url() + "/v2/zra/crm/settings?remove_all=true";
  const HttpResponse res = transport->send(req);
  EXPECT_EQ(res.status, 204);
  EXPECT_EQ(res.body, "");
}

TEST(CpprestTransport, DroppedConnectionIsATransportErrorNotTimedOut) {
  LoopbackHttpServer server([](const ServedRequest&) {
    ServedAnswer a;
    a.kind = ServedAnswer::Kind::Drop;
    return a;
  });
  auto transport = make_cpprest_transport();
  HttpRequest req;
  req.url = server.base_url() + "/v2/zra/crm/tasks/t1";
  try {
    transport->send(req);
    FAIL() << "expected TransportError";
  } catch (const TransportError& e) {
    EXPECT_FALSE(e.timed_out()) << e.what();
    EXPECT_FALSE(e.tls()) << e.what();
    EXPECT_NE(std::string(e.what()).find("GET " + server.base_url() + "/v2/zra/crm/tasks/t1"), std::string::npos)
        << e.what();
  }
}

TEST(CpprestTransport, SlowAnswerIsATimedOutTransportError) {
  LoopbackHttpServer server([](const ServedRequest&) {
    ServedAnswer a;
    a.kind = ServedAnswer::Kind::Stall;
    a.stall = std::chrono::milliseconds(700);
    return a;
  });
  auto transport = make_cpprest_transport();
  HttpRequest req;
  req.url = server.base_url() + "/slow";
  req.timeout = std::chrono::milliseconds(200);
  try {
    transport->send(req);
    FAIL() << "expected TransportError";
  } catch (const TransportError& e) {
    EXPECT_TRUE(e.timed_out()) << e.what();
    EXPECT_NE(std::string(e.what()).find("timed out after 200 ms"), std::string::npos) << e.what();
  }
}

TEST(CpprestTransport, RefusedConnectionIsATransportError) {
  unsigned short port = 0;
  {
    LoopbackHttpServer server([](const ServedRequest&) { return ServedAnswer{}; });
    port = server.port();
  }  // closed: nothing listens on the port any more
  auto transport = make_cpprest_transport();
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/x";
  EXPECT_THROW(transport->send(req), TransportError);
}

TEST(CpprestTransport, MalformedUrlIsATransportError) {
  auto transport = make_cpprest_transport();
  HttpRequest req;
  req.url = "not a url";
  EXPECT_THROW(transport->send(req), TransportError);
}

}  // namespace
}  // namespace zra
