// Unit tests: retries, Retry-After, backoff, rate limit and authentication, on FakeTransport and ManualClock.
#include <gtest/gtest.h>

#include <chrono>

#include "plugins/rest/authenticator.h"
#include "plugins/rest/request_sender.h"
#include "plugins/rest/rest_errors.h"
#include "tests/support/fake_transport.h"

namespace zra::rest {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// uniform() = 0.5, so a (full-jitter) backoff of B waits exactly 0.5 * B.
class HalfRandom : public RandomSource {
 public:
  double uniform() override { return 0.5; }
};

struct SenderFixture : ::testing::Test {
  FakeTransport transport;
  ManualClock clock;
  HalfRandom random;
  std::vector<std::string> logged;
  RetryPolicy policy{3, milliseconds(100), milliseconds(1000), seconds(300)};

  RequestSender sender(double rps = 0) {
    return RequestSender(transport, clock, random, policy, rps,
                         [this](int, const std::string& m) { logged.push_back(m); },
                         [](std::string s) { return s; });
  }
  static HttpRequest get(std::string url = "http://127.0.0.1/c") {
    HttpRequest r;
    r.url = std::move(url);
    return r;
  }
};

TEST(RetryAfter, SecondsHttpDateAndIsoInstant) {
  const Clock::WallTime now = std::chrono::system_clock::from_time_t(1445412480);  // 2015-10-21T07:28:00Z
  EXPECT_EQ(retry_after_delay("120", now), milliseconds(120000));
  EXPECT_EQ(retry_after_delay(" 0 ", now), milliseconds(0));
  EXPECT_EQ(retry_after_delay("1.5", now), milliseconds(1500));
  EXPECT_EQ(retry_after_delay("Wed, 21 Oct 2015 07:28:30 GMT", now), milliseconds(30000));
  EXPECT_EQ(retry_after_delay("2015-10-21T07:29:00Z", now), milliseconds(60000));
  EXPECT_EQ(retry_after_delay("2015-10-21T09:29:00.250+02:00", now), milliseconds(60250));
  EXPECT_EQ(retry_after_delay("Wed, 21 Oct 2015 07:00:00 GMT", now), milliseconds(0));  // past
  EXPECT_EQ(retry_after_delay("soon", now), std::nullopt);
  EXPECT_EQ(retry_after_delay("-3", now), std::nullopt);
  EXPECT_EQ(retry_after_delay("", now), std::nullopt);
  // Absurd values are clamped (to 100 years) by the shared parser, never overflowing: "too long to wait".
  EXPECT_GT(retry_after_delay("99999999999999999999", now), milliseconds(std::chrono::hours(24 * 365 * 99)));
}

TEST_F(SenderFixture, Honours429RetryAfterThenSucceeds) {
  transport.push(429, R"({"code":429,"message":"per-second rate limit"})", {{"Retry-After", "2"}});
  transport.push(200, "[]");
  RequestSender s = sender();
  HttpResponse r = s.send(get());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(s.last_attempts(), 2);
  EXPECT_EQ(clock.slept(), seconds(2));
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0], "GET http://127.0.0.1/c: HTTP 429; retry 1/3 in 2000 ms");
}

TEST_F(SenderFixture, BacksOffExponentiallyOn5xxAndReturnsTheLastAnswer) {
  for (int i = 0; i < 4; ++i) transport.push(503, "busy");
  RequestSender s = sender();
  HttpResponse r = s.send(get());
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(s.last_attempts(), 4);
  EXPECT_EQ(transport.request_count(), 4u);
  // 0.5 * (100, 200, 400)
  EXPECT_EQ(clock.slept(), milliseconds(50 + 100 + 200));
}

TEST_F(SenderFixture, BackoffIsCapped) {
  policy.max_retries = 6;
  for (int i = 0; i < 7; ++i) transport.push(500);
  RequestSender s = sender();
  EXPECT_EQ(s.send(get()).status, 500);
  // 0.5 * (100, 200, 400, 800, 1000, 1000)
  EXPECT_EQ(clock.slept(), milliseconds(50 + 100 + 200 + 400 + 500 + 500));
}

TEST_F(SenderFixture, DoesNotRetry4xx) {
  transport.push(404, "nope");
  RequestSender s = sender();
  EXPECT_EQ(s.send(get()).status, 404);
  EXPECT_EQ(s.last_attempts(), 1);
  EXPECT_EQ(clock.slept(), milliseconds(0));
}

TEST_F(SenderFixture, RetriesTransportErrorsThenRethrows) {
  transport.push_error(TransportError("connection reset"));
  transport.push(200, "ok");
  RequestSender s = sender();
  EXPECT_EQ(s.send(get()).body, "ok");
  for (int i = 0; i < 4; ++i) transport.push_error(TransportError("connection refused"));
  EXPECT_THROW(s.send(get()), TransportError);
  EXPECT_EQ(s.last_attempts(), 4);
}

TEST_F(SenderFixture, TlsFailuresAreNotRetried) {
  transport.push_error(TransportError("certificate verify failed", false, true));
  RequestSender s = sender();
  EXPECT_THROW(s.send(get()), TransportError);
  EXPECT_EQ(transport.request_count(), 1u);
}

TEST_F(SenderFixture, ARetryAfterLongerThanTheCapIsNotWaitedFor) {
  transport.push(429, "daily limit", {{"Retry-After", "86400"}});
  RequestSender s = sender();
  EXPECT_EQ(s.send(get()).status, 429);
  EXPECT_EQ(clock.slept(), milliseconds(0));
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_NE(logged[0].find("Retry-After: 86400, longer than 300 s"), std::string::npos) << logged[0];
}

TEST_F(SenderFixture, SpacesRequestsToTheConfiguredRate) {
  for (int i = 0; i < 3; ++i) transport.push(200);
  RequestSender s = sender(4);  // one request per 250 ms
  for (int i = 0; i < 3; ++i) s.send(get());
  EXPECT_EQ(clock.slept(), milliseconds(500));
}

struct AuthFixture : SenderFixture {
  SecretMask mask;
  std::unique_ptr<RequestSender> snd;
  std::unique_ptr<Authenticator> auth;

  void make(AuthSpec spec) {
    snd = std::make_unique<RequestSender>(sender());
    auth = std::make_unique<Authenticator>(std::move(spec), *snd, clock, mask, seconds(5));
  }
  HttpRequest applied(std::string url = "http://127.0.0.1/c") {
    HttpRequest r = get(std::move(url));
    auth->apply(r);
    return r;
  }
  static AuthSpec oauth() {
    AuthSpec a;
    a.type = AuthType::OAuth2ClientCredentials;
    a.token_url = "http://127.0.0.1/oauth/token";
    a.client_id = "client-1";
    a.client_secret = "very-secret";
    a.scope = "crm.read contacts";
    return a;
  }
};

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST_F(AuthFixture, BearerBasicAndApiKeys) {
  AuthSpec bearer;
  bearer.type = AuthType::Bearer;
  bearer.token = "tok-abc";
  make(bearer);
  EXPECT_EQ(request_header(applied(), "Authorization"), "Bearer tok-abc");

  AuthSpec basic;
  basic.type = AuthType::Basic;
  basic.username = "Aladdin";
  basic.password = "open sesame";
  make(basic);
  EXPECT_EQ(request_header(applied(), "Authorization"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");

  AuthSpec header_key;
  header_key.type = AuthType::ApiKey;
  header_key.header = "X-Api-Key";
  header_key.value = "key-123";
  make(header_key);
  EXPECT_EQ(request_header(applied(), "X-Api-Key"), "key-123");

  AuthSpec query_key;
  query_key.type = AuthType::ApiKey;
  query_key.query = "api_key";
  query_key.value = "key 456";
  make(query_key);
  EXPECT_EQ(applied("http://127.0.0.1/c?api_key=stale&page=2").url, "http://127.0.0.1/c?page=2&api_key=key%20456");
  EXPECT_EQ(mask.apply("GET http://127.0.0.1/c?api_key=key%20456 and key 456"), "GET http://127.0.0.1/c?api_key=*** and ***");
}

TEST_F(AuthFixture, OAuthTokenIsCachedAndRefreshedBeforeExpiry) {
  int issued = 0;
  transport.on("POST", "/oauth/token", [&](const HttpRequest& r) {
    EXPECT_EQ(request_header(r, "Authorization"), "Basic " + base64_encode("client-1:very-secret"));
    EXPECT_EQ(r.body, "grant_type=client_credentials&scope=crm.read%20contacts");
    ++issued;
    return make_json_response(200, {{"access_token", "at-" + std::to_string(issued)}, {"expires_in", 3600}});
  });
  make(oauth());
  EXPECT_EQ(request_header(applied(), "Authorization"), "Bearer at-1");
  clock.advance(seconds(3539));
  EXPECT_EQ(request_header(applied(), "Authorization"), "Bearer at-1");
  clock.advance(seconds(1));  // 60 s before expiry
  EXPECT_EQ(request_header(applied(), "Authorization"), "Bearer at-2");
  auth->invalidate();
  EXPECT_EQ(request_header(applied(), "Authorization"), "Bearer at-3");
  EXPECT_EQ(auth->tokens_fetched(), 3);
  EXPECT_EQ(mask.apply("at-2 very-secret"), "*** ***");
}

TEST_F(AuthFixture, OAuthClientCredentialsInTheBody) {
  AuthSpec spec = oauth();
  spec.client_auth_basic = false;
  spec.scope.clear();
  transport.on("POST", "/oauth/token", [&](const HttpRequest& r) {
    EXPECT_EQ(request_header(r, "Authorization"), "");
    EXPECT_EQ(r.body, "grant_type=client_credentials&client_id=client-1&client_secret=very-secret");
    return make_json_response(200, {{"access_token", "body-token"}, {"expires_in", "60"}});
  });
  make(spec);
  EXPECT_EQ(request_header(applied(), "Authorization"), "Bearer body-token");
}

TEST_F(AuthFixture, OAuthRefusalIsAStreamErrorWithoutSecrets) {
  transport.push(401, R"({"error":"invalid_client","echo":"very-secret"})");
  make(oauth());
  try {
    applied();
    FAIL();
  } catch (const StreamError& e) {
    EXPECT_EQ(std::string(e.what()),
              "OAuth2 token request to http://127.0.0.1/oauth/token failed: HTTP 401 (check client_id, client_secret "
              "and scope): {\"error\":\"invalid_client\",\"echo\":\"***\"}");
    EXPECT_EQ(e.status(), ZRA_ERROR);
  }
  transport.push(200, R"({"token":"x"})");
  EXPECT_THROW(applied(), StreamError);
  for (int i = 0; i < 4; ++i) transport.push_error(TransportError("connection refused"));
  try {
    applied();
    FAIL();
  } catch (const StreamError& e) {
    EXPECT_EQ(e.status(), ZRA_ERROR_IO);
  }
}

}  // namespace
}  // namespace zra::rest
