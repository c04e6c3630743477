// The limiter's model: at most `count` calls in any `per_seconds` window (sliding log), timed on a
// ManualClock so every wait is exact.
#include "core/client/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/client/zra_errors.h"

namespace zra {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

RateLimits limits_with(RateLabel label, RateSpec spec) {
  RateLimits limits = RateLimits::for_plan("business");
  limits.of(label) = spec;
  return limits;
}

TEST(RateLabel, NamesRoundTrip) {
  EXPECT_EQ(to_string(RateLabel::Light), "light");
  EXPECT_EQ(to_string(RateLabel::Medium), "medium");
  EXPECT_EQ(to_string(RateLabel::Heavy), "heavy");
  EXPECT_EQ(to_string(RateLabel::ResourceIntensive), "resource_intensive");
  for (RateLabel l : kAllRateLabels) EXPECT_EQ(parse_rate_label(to_string(l)), l);
  EXPECT_FALSE(parse_rate_label("Heavy").has_value());
}

TEST(RateLimits, PlansMatchTheDesignTable) {
  const RateLimits pro = RateLimits::for_plan("pro");
  EXPECT_EQ(pro.of(RateLabel::Light).count, 30);
  EXPECT_EQ(pro.of(RateLabel::Medium).count, 20);
  EXPECT_EQ(pro.of(RateLabel::Heavy).count, 10);
  EXPECT_EQ(pro.of(RateLabel::ResourceIntensive).count, 10);
  EXPECT_EQ(pro.of(RateLabel::ResourceIntensive).per_seconds, 60);
  EXPECT_EQ(pro.daily.count, 30000);
  EXPECT_EQ(pro.daily.per_seconds, 86400);
  const RateLimits business = RateLimits::for_plan("business");
  EXPECT_EQ(business.of(RateLabel::Light).count, 80);
  EXPECT_EQ(business.of(RateLabel::Medium).count, 60);
  EXPECT_EQ(business.of(RateLabel::Heavy).count, 40);
  EXPECT_EQ(business.of(RateLabel::ResourceIntensive).count, 20);
  EXPECT_EQ(business.of(RateLabel::ResourceIntensive).per_seconds, 60);
  EXPECT_EQ(business.daily.count, 60000);
}

TEST(RateLimits, UnknownPlanIsAUsageError) {
  try {
    RateLimits::for_plan("enterprise");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "zra.plan: unknown plan 'enterprise' (expected pro, business or custom)");
    EXPECT_EQ(e.exit_code(), kExitUsage);
  }
}

TEST(RateLimits, OverridesApplyByNameAndRejectUnknownKeysAtomically) {
  RateLimits limits = RateLimits::for_plan("pro");
  limits.override_with({{"resource_intensive", {5, 60}}, {"daily", {100, 86400}}});
  EXPECT_EQ(limits.of(RateLabel::ResourceIntensive).count, 5);
  EXPECT_EQ(limits.daily.count, 100);
  try {
    limits.override_with({{"light", {1, 1}}, {"ultra", {1, 1}}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "zra.rate_limits: unknown key 'ultra' (expected light, medium, heavy, resource_intensive or daily)");
  }
  EXPECT_EQ(limits.of(RateLabel::Light).count, 30);  // unchanged
  EXPECT_THROW(limits.override_with({{"heavy", {0, 1}}}), Error);
}

TEST(RateLimiter, TwentyPerMinuteLetsTwentyThroughThenTheTwentyFirstWaitsSixtySeconds) {
  ManualClock clock;
  RateLimiter limiter(limits_with(RateLabel::ResourceIntensive, {20, 60}), clock);
  for (int i = 0; i < 20; ++i) limiter.acquire(RateLabel::ResourceIntensive);
  EXPECT_EQ(clock.slept(), nanoseconds(0));
  EXPECT_EQ(limiter.time_until_available(RateLabel::ResourceIntensive), seconds(60));
  limiter.acquire(RateLabel::ResourceIntensive);
  EXPECT_EQ(clock.slept(), seconds(60));
  // The 20 first calls left the window together, so 19 more go at once and the 41st waits again.
  for (int i = 0; i < 19; ++i) limiter.acquire(RateLabel::ResourceIntensive);
  EXPECT_EQ(clock.slept(), seconds(60));
  limiter.acquire(RateLabel::ResourceIntensive);
  EXPECT_EQ(clock.slept(), seconds(120));
}

TEST(RateLimiter, SpreadCallsFreeSlotsOneByOne) {
  ManualClock clock;
  RateLimiter limiter(limits_with(RateLabel::Heavy, {2, 10}), clock);
  limiter.acquire(RateLabel::Heavy);  // t=0
  clock.advance(seconds(4));
  limiter.acquire(RateLabel::Heavy);  // t=4
  EXPECT_EQ(limiter.time_until_available(RateLabel::Heavy), seconds(6));  // until the t=0 call is 10 s old
  limiter.acquire(RateLabel::Heavy);                                     // t=10
  EXPECT_EQ(clock.slept(), seconds(6));
  EXPECT_EQ(limiter.time_until_available(RateLabel::Heavy), seconds(4));  // until the t=4 call is 10 s old
}

TEST(RateLimiter, FractionalRateSpacesCalls) {
  ManualClock clock;
  RateLimiter limiter(limits_with(RateLabel::Light, {0.5, 1}), clock);  // one call every 2 s
  limiter.acquire(RateLabel::Light);
  limiter.acquire(RateLabel::Light);
  limiter.acquire(RateLabel::Light);
  EXPECT_EQ(clock.slept(), seconds(4));
}

TEST(RateLimiter, LabelsAreIndependent) {
  ManualClock clock;
  RateLimits limits = RateLimits::for_plan("business");
  limits.of(RateLabel::ResourceIntensive) = {1, 60};
  RateLimiter limiter(limits, clock);
  limiter.acquire(RateLabel::ResourceIntensive);
  EXPECT_EQ(limiter.time_until_available(RateLabel::ResourceIntensive), seconds(60));
  EXPECT_EQ(limiter.time_until_available(RateLabel::Light), nanoseconds(0));
  limiter.acquire(RateLabel::Light);
  EXPECT_EQ(clock.slept(), nanoseconds(0));
}

TEST(RateLimiter, PauseHoldsTheLabelAndTheLaterPauseWins) {
  ManualClock clock;
  RateLimiter limiter(RateLimits::for_plan("business"), clock);
  limiter.pause_until(RateLabel::Light, clock.now() + milliseconds(7000));
  limiter.pause_until(RateLabel::Light, clock.now() + milliseconds(2000));  // earlier: ignored
  EXPECT_EQ(limiter.time_until_available(RateLabel::Light), milliseconds(7000));
  EXPECT_EQ(limiter.time_until_available(RateLabel::Medium), nanoseconds(0));
  limiter.acquire(RateLabel::Light);
  EXPECT_EQ(clock.slept(), milliseconds(7000));
  EXPECT_EQ(limiter.time_until_available(RateLabel::Light), nanoseconds(0));
}

TEST(RateLimiter, DailyCapIsSharedByHeavyAndImportsAndThrowsInsteadOfWaiting) {
  ManualClock clock;
  RateLimits limits = RateLimits::for_plan("business");
  limits.daily = {3, 86400};
  RateLimiter limiter(limits, clock);
  limiter.acquire(RateLabel::Heavy);
  limiter.acquire(RateLabel::ResourceIntensive);
  limiter.acquire(RateLabel::Heavy);
  EXPECT_EQ(limiter.time_until_available(RateLabel::ResourceIntensive), seconds(86400));
  EXPECT_EQ(limiter.time_until_available(RateLabel::Light), nanoseconds(0));  // not counted
  try {
    limiter.acquire(RateLabel::ResourceIntensive);
    FAIL();
  } catch (const NetworkExhaustedError& e) {
    EXPECT_TRUE(e.daily_limit());
    // ManualClock starts at 1764000000 = 2025-11-24T16:00:00Z; the cap frees up a day later.
    EXPECT_EQ(std::string(e.what()),
              "the daily cap of 3 HEAVY + RESOURCE-INTENSIVE calls (zra.rate_limits.daily) is used up; the next "
              "resource_intensive call would be allowed at 2025-11-25T16:00:00Z");
  }
  EXPECT_EQ(clock.slept(), nanoseconds(0));
}

TEST(RateLimiter, TwoThreadsShareTheLimit) {
  ManualClock clock;
  RateLimiter limiter(limits_with(RateLabel::Medium, {5, 1}), clock);
  const Clock::Instant start = clock.now();
  std::atomic<int> done{0};
  auto worker = [&] {
    for (int i = 0; i < 50; ++i) {
      limiter.acquire(RateLabel::Medium);
      ++done;
    }
  };
  std::thread a(worker), b(worker);
  a.join();
  b.join();
  EXPECT_EQ(done.load(), 100);
  // 100 calls at 5/s: the last one cannot start before 19 s (the threads' sleeps may overlap and add
  // more, so only the lower bound is exact).
  EXPECT_GE(clock.now() - start, seconds(19));
}

}  // namespace
}  // namespace zra
