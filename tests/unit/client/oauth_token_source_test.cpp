#include "core/client/oauth_token_source.h"

#include <gtest/gtest.h>

#include "core/client/zra_errors.h"
#include "core/common/log.h"
#include "tests/support/fake_transport.h"

namespace zra {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class FixedRandom : public RandomSource {
 public:
  double uniform() override { return 0.5; }
};

class OAuthTokenSourceTest : public ::testing::Test {
 protected:
  OAuthTokenSource make(int max_attempts = 3) {
    return OAuthTokenSource({"https://zoom.example/oauth/token", "acct 1", "client-abc", "oauth-test-secret-42"},
                            {max_attempts, {milliseconds(500), milliseconds(60000)}, milliseconds(60000)}, http,
                            clock, random);
  }
  void issue_tokens(int expires_in = 3600) {
    http.on("POST", "/oauth/token", [this, expires_in](const HttpRequest&) {
      ++issued;
      return make_json_response(200, {{"access_token", "oauth-access-token-" + std::to_string(issued)},
                                      {"token_type", "bearer"},
                                      {"expires_in", expires_in},
                                      {"scope", "iq_crm:write:admin"}});
    });
  }
  ManualClock clock;
  FixedRandom random;
  FakeTransport http;
  int issued = 0;
};

TEST(Base64, KnownVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode("id:secret"), "aWQ6c2VjcmV0");
}

TEST_F(OAuthTokenSourceTest, RequestsAccountCredentialsWithBasicAuthAndCaches) {
  issue_tokens();
  auto tokens = make();
  EXPECT_EQ(tokens.token(), "oauth-access-token-1");
  EXPECT_EQ(tokens.token(), "oauth-access-token-1");
  ASSERT_EQ(http.request_count(), 1u);
  const HttpRequest r = http.request(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://zoom.example/oauth/token?grant_type=account_credentials&account_id=acct%201");
  EXPECT_EQ(request_header(r, "Authorization"), "Basic " + base64_encode("client-abc:oauth-test-secret-42"));
  EXPECT_EQ(tokens.requests(), 1);
  // The token and the credentials are registered secrets.
  EXPECT_EQ(redact("t=oauth-access-token-1 s=oauth-test-secret-42"), "t=*** s=***");
}

TEST_F(OAuthTokenSourceTest, RefreshesFiveMinutesBeforeExpiry) {
  issue_tokens(3600);
  auto tokens = make();
  EXPECT_EQ(tokens.token(), "oauth-access-token-1");
  clock.advance(seconds(3299));
  EXPECT_EQ(tokens.token(), "oauth-access-token-1");
  clock.advance(seconds(1));
  EXPECT_EQ(tokens.token(), "oauth-access-token-2");
  EXPECT_EQ(tokens.requests(), 2);
}

TEST_F(OAuthTokenSourceTest, ShortLivedTokensRefreshAtHalfLife) {
  issue_tokens(60);
  auto tokens = make();
  tokens.token();
  clock.advance(seconds(29));
  EXPECT_EQ(tokens.token(), "oauth-access-token-1");
  clock.advance(seconds(1));
  EXPECT_EQ(tokens.token(), "oauth-access-token-2");
}

TEST_F(OAuthTokenSourceTest, InvalidateDropsOnlyTheCurrentToken) {
  issue_tokens();
  auto tokens = make();
  tokens.token();
  tokens.invalidate("some-older-token");
  EXPECT_EQ(tokens.token(), "oauth-access-token-1");
  tokens.invalidate("oauth-access-token-1");
  EXPECT_EQ(tokens.token(), "oauth-access-token-2");
}

TEST_F(OAuthTokenSourceTest, RefusalIsAnAuthErrorWithZoomsReasonAndNoSecret) {
  http.push_json(401, {{"reason", "Invalid client_id or client_secret oauth-test-secret-42"}, {"error", "invalid_client"}});
  auto tokens = make();
  try {
    tokens.token();
    FAIL();
  } catch (const AuthError& e) {
    EXPECT_EQ(std::string(e.what()),
              "the OAuth token endpoint refused the credentials of client_id 'client-abc' for account_id 'acct 1': "
              "POST https://zoom.example/oauth/token answered 401: Invalid client_id or client_secret *** "
              "(invalid_client)");
    EXPECT_EQ(e.exit_code(), kExitFatal);
  }
  EXPECT_EQ(http.request_count(), 1u);  // a refusal is not retried
}

TEST_F(OAuthTokenSourceTest, ServerErrorsAndTransportErrorsAreRetriedWithBackoff) {
  // Route queues come before the persistent token route.
  http.push_for("POST", "/oauth/token", make_response(503));
  http.push_handler_for("POST", "/oauth/token",
                        [](const HttpRequest&) -> HttpResponse { throw TransportError("connection reset"); });
  issue_tokens();
  auto tokens = make();
  EXPECT_EQ(tokens.token(), "oauth-access-token-1");
  EXPECT_EQ(http.request_count(), 3u);
  EXPECT_EQ(clock.slept(), milliseconds(250 + 500));
}

TEST_F(OAuthTokenSourceTest, UnreachableEndpointExhaustsAttempts) {
  http.push(500).push(502).push(503);
  auto tokens = make(3);
  try {
    tokens.token();
    FAIL();
  } catch (const NetworkExhaustedError& e) {
    EXPECT_EQ(std::string(e.what()),
              "could not get an OAuth token from https://zoom.example/oauth/token after 3 attempts; last: answered 503");
  }
}

TEST_F(OAuthTokenSourceTest, AnswerWithoutTokenIsAFormatError) {
  http.push_json(200, {{"token_type", "bearer"}});
  auto tokens = make();
  try {
    tokens.token();
    FAIL();
  } catch (const ResponseFormatError& e) {
    EXPECT_EQ(std::string(e.what()),
              R"(POST https://zoom.example/oauth/token answered with an unexpected body (no access_token): '{"token_type":"bearer"}')");
  }
}

}  // namespace
}  // namespace zra
