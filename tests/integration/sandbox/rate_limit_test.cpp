#include <chrono>
#include <cmath>
#include <thread>

#include "core/common/clock.h"
#include "core/common/errors.h"
#include "sandbox/rate_limits.h"
#include "sandbox/sandbox_time.h"
#include "tests/integration/sandbox/sandbox_fixture.h"

namespace zra::sandbox::test {
namespace {

using RateLimitTest = SandboxTest;

// Time runs 1000x slower, so a burst never straddles a window boundary.
SandboxOptions frozen(const std::string& plan) {
  SandboxOptions o = fast_options();
  o.rate_limits = true;
  o.plan = plan;
  o.time_scale = 0.001;
  o.task_delay_s = 0;
  return o;
}

TEST_F(RateLimitTest, ImportsAreResourceIntensivePerMinute) {
  start(frozen("pro"));
  register_default();
  for (int i = 0; i < 10; ++i) {
    TestResponse ok = post("/v2/zra/crm/leads", {{"data", json::array()}});
    ASSERT_EQ(ok.status, 202) << i;
    EXPECT_EQ(ok.header("x-ratelimit-category").value_or(""), "Resource-intensive");
    EXPECT_EQ(ok.header("x-ratelimit-remaining").value_or(""), std::to_string(9 - i));
  }
  TestResponse r = post("/v2/zra/crm/accounts", {{"data", json::array({account("A1")})}});
  ASSERT_EQ(r.status, 429);
  EXPECT_EQ(r.json(), (json{{"code", 429},
                            {"message", "You have reached the maximum per-minute rate limit for this API. Try again later."}}));
  EXPECT_EQ(r.header("x-ratelimit-category").value_or(""), "Resource-intensive");
  EXPECT_EQ(r.header("x-ratelimit-type").value_or(""), "QPS");
  EXPECT_EQ(r.header("x-ratelimit-limit").value_or(""), "10");
  EXPECT_EQ(r.header("x-ratelimit-remaining").value_or(""), "0");
  // 60 server seconds at time scale 0.001 is about 60000 real seconds.
  double retry = std::stod(r.header("retry-after").value_or("0"));
  EXPECT_GT(retry, 59000);
  EXPECT_LE(retry, 60000);
  EXPECT_EQ(r.header("x-ratelimit-reset"), r.header("retry-after"));
  // A refused import stored nothing and was still counted.
  EXPECT_EQ(server().state()["counts"]["account"], 0);
  json req = server().requests();
  EXPECT_EQ(req["by_label"]["RESOURCE-INTENSIVE"], 11);
  EXPECT_EQ(req["by_status"]["429"], 1);
  // Other labels have their own windows.
  EXPECT_EQ(get("/v2/zra/crm/settings").status, 200);
}

TEST_F(RateLimitTest, LightMediumHeavyPerSecondOnBusiness) {
  start(frozen("business"));
  register_default();  // 1 HEAVY
  for (int i = 0; i < 80; ++i) ASSERT_EQ(get("/v2/zra/crm/settings").status, 200) << i;
  TestResponse light = get("/v2/zra/crm/tasks/none");
  EXPECT_EQ(light.status, 429);
  EXPECT_EQ(light.json()["message"], "You have reached the maximum per-second rate limit for this API. Try again later.");
  EXPECT_EQ(light.header("x-ratelimit-category").value_or(""), "Light");
  EXPECT_EQ(light.header("x-ratelimit-limit").value_or(""), "80");

  for (int i = 0; i < 60; ++i) ASSERT_EQ(get("/v2/zra/crm/leads?crm_lead_ids=x").status, 200) << i;
  EXPECT_EQ(get("/v2/zra/crm/leads?crm_lead_ids=x").header("x-ratelimit-category").value_or(""), "Medium");

  for (int i = 1; i < 40; ++i) ASSERT_NE(del("/v2/zra/crm/settings").status, 429) << i;
  TestResponse heavy = post("/v2/zra/crm/settings", default_registration());
  EXPECT_EQ(heavy.status, 429);
  EXPECT_EQ(heavy.header("x-ratelimit-category").value_or(""), "Heavy");
  EXPECT_EQ(heavy.header("x-ratelimit-limit").value_or(""), "40");
}

TEST_F(RateLimitTest, TheWindowReopensAfterRetryAfter) {
  SandboxOptions o = fast_options();
  o.rate_limits = true;
  o.plan = "pro";
  o.time_scale = 200;  // a minute is 300 ms
  o.task_delay_s = 0;
  start(o);
  register_default();
  TestResponse refused;
  for (int i = 0; i < 25 && refused.status != 429; ++i) refused = post("/v2/zra/crm/leads", {{"data", json::array()}});
  ASSERT_EQ(refused.status, 429);
  std::string wait = refused.header("retry-after").value_or("");
  ASSERT_FALSE(wait.empty());
  double seconds = std::stod(wait);
  EXPECT_GT(seconds, 0.0);
  EXPECT_LE(seconds, 0.3);
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(std::ceil(seconds * 1000)) + 5));
  EXPECT_EQ(post("/v2/zra/crm/leads", {{"data", json::array()}}).status, 202);
}

TEST_F(RateLimitTest, OffMeansNoLimitAndNoHeaders) {
  SandboxOptions o = frozen("pro");
  o.rate_limits = false;
  start(o);
  register_default();
  for (int i = 0; i < 12; ++i) ASSERT_EQ(post("/v2/zra/crm/leads", {{"data", json::array()}}).status, 202);
  EXPECT_FALSE(get("/v2/zra/crm/settings").header("x-ratelimit-category").has_value());
}

// The daily cap and window arithmetic, on a manual clock (no HTTP, no waiting).
TEST(RateLimiterTest, DailyCapIsSharedByHeavyAndResourceIntensiveAndResetsAtMidnightUtc) {
  ManualClock clock;  // 2025-11-24T16:00:00Z
  ScaledTime time(clock, 1.0);
  RateLimiter limiter(plan_limits("pro"), true, time);
  int allowed = 0;
  // 10 HEAVY per second, 10 RI per minute: move the clock one second after every 10 HEAVY calls.
  for (int second = 0; second < 3100 && allowed < 30000; ++second) {
    for (int i = 0; i < 10; ++i) allowed += limiter.acquire(RateLabel::Heavy).allowed ? 1 : 0;
    if (second % 60 == 0) {
      for (int i = 0; i < 10; ++i) allowed += limiter.acquire(RateLabel::ResourceIntensive).allowed ? 1 : 0;
    }
    clock.advance(std::chrono::seconds(1));
  }
  EXPECT_EQ(allowed, 30000);
  RateDecision d = limiter.acquire(RateLabel::ResourceIntensive);
  EXPECT_FALSE(d.allowed);
  EXPECT_TRUE(d.daily);
  EXPECT_EQ(d.message, "You have exceeded the daily rate limit (30000) of API requests permitted for this account. "
                       "You may resume these requests at GMT 00:00:00.");
  std::map<std::string, std::string> h(d.headers.begin(), d.headers.end());
  EXPECT_EQ(h["X-RateLimit-Type"], "Daily-limit");
  EXPECT_EQ(h["X-RateLimit-Category"], "Resource-intensive");
  EXPECT_EQ(h["X-RateLimit-Limit"], "30000");
  EXPECT_EQ(h["X-RateLimit-Remaining"], "0");
  EXPECT_EQ(h["Retry-After"], "2025-11-25T00:00:00Z");
  // LIGHT and MEDIUM are not under the daily cap.
  EXPECT_TRUE(limiter.acquire(RateLabel::Light).allowed);
  // After midnight UTC the cap starts again.
  clock.advance(std::chrono::hours(8));
  EXPECT_TRUE(limiter.acquire(RateLabel::Heavy).allowed);
}

TEST(RateLimiterTest, FixedWindowsPerSecondAndPerMinute) {
  ManualClock clock;
  ScaledTime time(clock, 1.0);
  RateLimiter limiter(plan_limits("business"), true, time);
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(limiter.acquire(RateLabel::Heavy).allowed) << i;
  RateDecision d = limiter.acquire(RateLabel::Heavy);
  ASSERT_FALSE(d.allowed);
  std::map<std::string, std::string> h(d.headers.begin(), d.headers.end());
  EXPECT_EQ(h["Retry-After"], "1");
  clock.advance(std::chrono::milliseconds(999));
  EXPECT_FALSE(limiter.acquire(RateLabel::Heavy).allowed);
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_TRUE(limiter.acquire(RateLabel::Heavy).allowed);

  for (int i = 0; i < 20; ++i) ASSERT_TRUE(limiter.acquire(RateLabel::ResourceIntensive).allowed) << i;
  clock.advance(std::chrono::seconds(30));
  RateDecision ri = limiter.acquire(RateLabel::ResourceIntensive);
  ASSERT_FALSE(ri.allowed);
  std::map<std::string, std::string> rh(ri.headers.begin(), ri.headers.end());
  EXPECT_EQ(rh["Retry-After"], "29");  // the first minute ends 60 s after start; now is 31 s
  clock.advance(std::chrono::seconds(29));
  EXPECT_TRUE(limiter.acquire(RateLabel::ResourceIntensive).allowed);
}

TEST(RateLimiterTest, TimeScaleShortensWindowsAndTheDay) {
  ManualClock clock;
  ScaledTime time(clock, 1000.0);
  RateLimiter limiter(plan_limits("pro"), true, time);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.acquire(RateLabel::ResourceIntensive).allowed);
  RateDecision d = limiter.acquire(RateLabel::ResourceIntensive);
  std::map<std::string, std::string> h(d.headers.begin(), d.headers.end());
  EXPECT_EQ(h["Retry-After"], "0.060");  // a minute is 60 ms
  clock.advance(std::chrono::milliseconds(61));
  EXPECT_TRUE(limiter.acquire(RateLabel::ResourceIntensive).allowed);
}

TEST(RateLimiterTest, UnknownPlanIsAnError) {
  EXPECT_THROW(plan_limits("enterprise"), Error);
  EXPECT_EQ(plan_limits("pro").per_window[static_cast<size_t>(RateLabel::Light)], 30);
  EXPECT_EQ(plan_limits("business").daily, 60000);
}

}  // namespace
}  // namespace zra::sandbox::test
