// 429, 5xx and transport errors: exact waits on a ManualClock, retry budgets, label pauses, threads.
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "core/common/log.h"
#include "tests/unit/client/client_fixture.h"

namespace zra {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

const json kPending = {{"task_status", "PENDING"}};
const json kQps429 = {{"code", 429}, {"message", "You have reached the maximum per-second rate limit for this API."}};

TEST_F(ZraClientTest, RetryAfterSecondsIsHonoured) {
  http.push_json(429, kQps429, {{"Retry-After", "7"}, {"X-RateLimit-Reset", "1764000100"}});
  http.push_json(200, kPending);
  client().get_task("T1");
  EXPECT_EQ(clock.slept(), seconds(7));
  const ClientStats s = client_->stats();
  EXPECT_EQ(s.rate_limited, 1);
  EXPECT_EQ(s.retries, 1);
  EXPECT_EQ(s.calls_by_label.at("light"), 2);
}

TEST_F(ZraClientTest, RetryAfterInstantIsHonoured) {
  // ManualClock starts at 2025-11-24T16:00:00Z.
  http.push_json(429, kQps429, {{"Retry-After", "2025-11-24T16:00:12Z"}});
  http.push_json(200, kPending);
  client().get_task("T1");
  EXPECT_EQ(clock.slept(), seconds(12));
}

TEST_F(ZraClientTest, RetryAfterHttpDateIsHonoured) {
  http.push_json(429, kQps429, {{"Retry-After", "Mon, 24 Nov 2025 16:00:05 GMT"}});
  http.push_json(200, kPending);
  client().get_task("T1");
  EXPECT_EQ(clock.slept(), seconds(5));
}

TEST_F(ZraClientTest, RateLimitResetIsUsedWithoutRetryAfter) {
  http.push_json(429, kQps429, {{"X-RateLimit-Reset", "1764000020"}, {"X-RateLimit-Type", "QPS"}});
  http.push_json(200, kPending);
  client().get_task("T1");
  EXPECT_EQ(clock.slept(), seconds(20));
}

TEST_F(ZraClientTest, A429WithoutHeadersBacksOff) {
  http.push(429).push(429).push_json(200, kPending);
  client().get_task("T1");
  EXPECT_EQ(clock.slept(), milliseconds(250 + 500));  // 0.5 * 500 ms, then 0.5 * 1000 ms
  EXPECT_EQ(client_->stats().rate_limited, 2);
}

TEST_F(ZraClientTest, A429PausesTheWholeLabelNotOthers) {
  std::vector<std::pair<int64_t, int64_t>> seen;  // (light wait ms, medium wait ms) when the sleep starts
  clock.on_sleep = [&](nanoseconds) {
    seen.emplace_back(std::chrono::duration_cast<milliseconds>(client_->limiter().time_until_available(RateLabel::Light)).count(),
                      std::chrono::duration_cast<milliseconds>(client_->limiter().time_until_available(RateLabel::Medium)).count());
  };
  http.push_json(429, kQps429, {{"Retry-After", "30"}});
  http.push_json(200, kPending);
  client().get_task("T1");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].first, 30000);
  EXPECT_EQ(seen[0].second, 0);
}

TEST_F(ZraClientTest, DailyLimitHeaderIsFatalAtOnce) {
  http.push_json(429, {{"code", 429}, {"message", "You have reached the maximum daily rate limit for this API."}},
                 {{"X-RateLimit-Type", "Daily-limit"}, {"X-RateLimit-Reset", "2025-11-25T00:00:00Z"}});
  try {
    client().import(ObjectType::Account, "{}");
    FAIL();
  } catch (const NetworkExhaustedError& e) {
    EXPECT_TRUE(e.daily_limit());
    ASSERT_TRUE(e.resets_at().has_value());
    EXPECT_EQ(format_utc(*e.resets_at()), "2025-11-25T00:00:00Z");
    EXPECT_EQ(std::string(e.what()),
              "POST " + std::string(kBase) +
                  "/zra/crm/accounts answered 429: ZRA's daily rate limit is used up; it resets at "
                  "2025-11-25T00:00:00Z (X-RateLimit-Reset). Run again after that; confirmed records will not be "
                  "sent again.");
  }
  EXPECT_EQ(clock.slept(), nanoseconds(0));
  EXPECT_EQ(api_requests().size(), 1u);
}

TEST_F(ZraClientTest, DailyLimitInTheBodyAloneIsFatalToo) {
  http.push_json(429, {{"code", 429}, {"message", "You have reached the maximum daily rate limit for this API."}});
  try {
    client().unregister(false);
    FAIL();
  } catch (const NetworkExhaustedError& e) {
    EXPECT_TRUE(e.daily_limit());
    EXPECT_FALSE(e.resets_at().has_value());
    EXPECT_NE(std::string(e.what()).find("daily rate limit is used up; ZRA did not say when it resets"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(ZraClientTest, A429AskingForTooLongAWaitIsFatal) {
  http.push_json(429, kQps429, {{"Retry-After", "3600"}});
  try {
    client().get_task("T1");
    FAIL();
  } catch (const NetworkExhaustedError& e) {
    EXPECT_FALSE(e.daily_limit());
    EXPECT_EQ(std::string(e.what()), "GET " + std::string(kBase) +
                                         "/zra/crm/tasks/T1 answered 429 asking to wait 3600.000 s (Retry-After), "
                                         "longer than the 900 s we wait for a rate limit; it resets at "
                                         "2025-11-24T17:00:00Z");
  }
  EXPECT_EQ(clock.slept(), nanoseconds(0));
}

TEST_F(ZraClientTest, RepeatedRateLimitsUseUpTheAttempts) {
  ClientOptions o = options();
  o.max_attempts = 2;
  http.push(429, "", {{"Retry-After", "1"}}).push(429, "", {{"Retry-After", "1"}});
  try {
    client(o).get_task("T1");
    FAIL();
  } catch (const NetworkExhaustedError& e) {
    EXPECT_EQ(std::string(e.what()),
              "GET " + std::string(kBase) + "/zra/crm/tasks/T1 was rate limited (429) 2 times in a row (zra.max_retries)");
  }
  EXPECT_EQ(api_requests().size(), 2u);
}

TEST_F(ZraClientTest, ServerErrorsBackOffExactlyThenSucceed) {
  http.push(503).push(502).push(500).push_json(202, {{"task_id", "T7"}});
  EXPECT_EQ(client().import(ObjectType::Deal, R"({"data":[]})"), "T7");
  EXPECT_EQ(clock.slept(), milliseconds(250 + 500 + 1000));
  const ClientStats s = client_->stats();
  EXPECT_EQ(s.retries, 3);
  EXPECT_EQ(s.import_calls, 4);
  EXPECT_EQ(s.calls_by_label.at("resource_intensive"), 4);
}

TEST_F(ZraClientTest, ServerErrorBackoffWithASeededSourceIsReproducible) {
  auto run = [this](uint64_t seed) {
    ManualClock c;
    auto rnd = make_random_source(seed);
    FakeTransport t;
    t.on("POST", "/oauth/token", [](const HttpRequest&) { return make_json_response(200, {{"access_token", "seeded-tok"}}); });
    t.push(500).push(500).push(500).push_json(200, kPending);
    ZraClient c1(options(), t, c, *rnd);
    c1.get_task("T1");
    return c.slept();
  };
  // Full jitter: the n-th retry waits uniform * 500 ms * 2^(n-1); recompute from the same seed.
  auto expected = make_random_source(42);
  nanoseconds sum(0);
  for (int n = 1; n <= 3; ++n) {
    sum += nanoseconds(static_cast<int64_t>(expected->uniform() * 500e6 * (1 << (n - 1))));
  }
  EXPECT_EQ(run(42), sum);
  EXPECT_EQ(run(42), run(42));
  EXPECT_NE(run(42), run(43));
}

TEST_F(ZraClientTest, RetriesExhaustedNameTheCallAndTheLastFailure) {
  ClientOptions o = options();
  o.max_attempts = 3;
  http.push(500).push(502).push(503, R"({"message":"upstream down"})");
  try {
    client(o).get_task("T1");
    FAIL();
  } catch (const NetworkExhaustedError& e) {
    EXPECT_EQ(std::string(e.what()), "GET " + std::string(kBase) +
                                         R"(/zra/crm/tasks/T1 failed 3 times (zra.max_retries); last: answered 503 '{"message":"upstream down"}')");
    EXPECT_EQ(e.exit_code(), kExitFatal);
  }
  EXPECT_EQ(api_requests().size(), 3u);
  EXPECT_EQ(clock.slept(), milliseconds(250 + 500));
}

TEST_F(ZraClientTest, TransportErrorsAndTimeoutsAreRetried) {
  http.push_error(TransportError("connection reset by peer"))
      .push_error(TransportError("timed out after 60000 ms", true))
      .push_json(200, kPending);
  EXPECT_EQ(client().get_task("T1").status, "PENDING");
  EXPECT_EQ(client_->stats().retries, 2);
  EXPECT_EQ(clock.slept(), milliseconds(250 + 500));
}

TEST_F(ZraClientTest, TlsErrorsAreNotRetried) {
  http.push_error(TransportError("certificate verify failed", false, true));
  EXPECT_THROW(client().get_task("T1"), TransportError);
  EXPECT_EQ(api_requests().size(), 1u);
}

TEST_F(ZraClientTest, RetriesAreLoggedWithoutSecrets) {
  std::ostringstream out;
  configure_logging(LogOptions{}, &out);
  http.push(503).push_json(401, {{"code", 124}}).push_json(200, kPending);
  client().get_task("T1");
  configure_logging(LogOptions{}, &std::cerr);
  const std::string log = out.str();
  EXPECT_NE(log.find("/zra/crm/tasks/T1 answered 503; retrying in 0.250 s"), std::string::npos) << log;
  EXPECT_NE(log.find("answered 401; fetching a new OAuth token and trying once more"), std::string::npos) << log;
  EXPECT_EQ(log.find(kClientSecret), std::string::npos) << log;
  EXPECT_EQ(log.find("zra-access-token-"), std::string::npos) << log;
}

TEST_F(ZraClientTest, TwoThreadsImportAndPollAtOnce) {
  http.on("POST", "/zra/crm/", [](const HttpRequest&) { return make_json_response(202, {{"task_id", "T"}}); });
  http.on("GET", "/zra/crm/tasks/", [](const HttpRequest&) { return make_json_response(200, {{"task_status", "SUCCESS"}}); });
  ZraClient& c = client();
  std::thread importer([&] {
    for (int i = 0; i < 40; ++i) EXPECT_EQ(c.import(ObjectType::Account, R"({"data":[]})"), "T");
  });
  std::thread poller([&] {
    for (int i = 0; i < 40; ++i) EXPECT_TRUE(c.get_task("T").is_final());
  });
  importer.join();
  poller.join();
  const ClientStats s = c.stats();
  EXPECT_EQ(s.import_calls, 40);
  EXPECT_EQ(s.calls_by_label.at("resource_intensive"), 40);
  EXPECT_EQ(s.calls_by_label.at("light"), 40);
  EXPECT_EQ(s.token_requests, 1);
  EXPECT_EQ(s.retries, 0);
  // 40 imports at 20/min: the 21st waited for the first minute to pass.
  EXPECT_GE(clock.slept(), seconds(60));
}

}  // namespace
}  // namespace zra
