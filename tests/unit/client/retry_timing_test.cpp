#include "core/client/retry_timing.h"

#include <gtest/gtest.h>

namespace zra {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const Clock::WallTime kNow{seconds(1764000000)};  // 2025-11-24T16:00:00Z

class FixedRandom : public RandomSource {
 public:
  explicit FixedRandom(double v) : v_(v) {}
  double uniform() override { return v_; }

 private:
  double v_;
};

TEST(ParseHttpInstant, ReadsIsoAndHttpDates) {
  EXPECT_EQ(format_utc(*parse_http_instant("2025-11-20T12:00:00Z")), "2025-11-20T12:00:00Z");
  EXPECT_EQ(format_utc(*parse_http_instant(" 2025-11-20T12:00:00.750Z ")), "2025-11-20T12:00:00Z");
  EXPECT_EQ(format_utc(*parse_http_instant("2025-11-20T14:00:00+02:00")), "2025-11-20T12:00:00Z");
  EXPECT_EQ(format_utc(*parse_http_instant("2025-11-20T07:00:00-0500")), "2025-11-20T12:00:00Z");
  EXPECT_EQ(format_utc(*parse_http_instant("Thu, 20 Nov 2025 12:00:00 GMT")), "2025-11-20T12:00:00Z");
  EXPECT_EQ(*parse_http_instant("2025-11-20T12:00:00.750Z") - *parse_http_instant("2025-11-20T12:00:00Z"),
            milliseconds(750));
  EXPECT_FALSE(parse_http_instant("").has_value());
  EXPECT_FALSE(parse_http_instant("soon").has_value());
  EXPECT_FALSE(parse_http_instant("2025-11-20").has_value());
  EXPECT_FALSE(parse_http_instant("2025-11-20T12:00:00Zjunk").has_value());
}

TEST(ParseRetryAfter, SecondsOrAnInstant) {
  EXPECT_EQ(*parse_retry_after("7", kNow) - kNow, seconds(7));
  EXPECT_EQ(*parse_retry_after(" 1.5 ", kNow) - kNow, milliseconds(1500));
  EXPECT_EQ(*parse_retry_after("0", kNow), kNow);
  EXPECT_EQ(*parse_retry_after("2025-11-24T16:00:42Z", kNow) - kNow, seconds(42));
  EXPECT_EQ(*parse_retry_after("Mon, 24 Nov 2025 16:01:00 GMT", kNow) - kNow, seconds(60));
  EXPECT_FALSE(parse_retry_after("-3", kNow).has_value());
  EXPECT_FALSE(parse_retry_after("later", kNow).has_value());
}

TEST(ParseRateLimitReset, EpochSecondsRelativeSecondsOrAnInstant) {
  EXPECT_EQ(*parse_rate_limit_reset("1764000030", kNow) - kNow, seconds(30));
  EXPECT_EQ(*parse_rate_limit_reset("30", kNow) - kNow, seconds(30));
  EXPECT_EQ(*parse_rate_limit_reset("2025-11-25T00:00:00Z", kNow) - kNow, seconds(8 * 3600));
  EXPECT_FALSE(parse_rate_limit_reset("x", kNow).has_value());
}

TEST(BackoffPolicy, FullJitterDoublesUpToTheCap) {
  BackoffPolicy policy{milliseconds(500), milliseconds(3000)};
  FixedRandom half(0.5);
  EXPECT_EQ(policy.delay(1, half), milliseconds(250));
  EXPECT_EQ(policy.delay(2, half), milliseconds(500));
  EXPECT_EQ(policy.delay(3, half), milliseconds(1000));
  EXPECT_EQ(policy.delay(4, half), milliseconds(1500));  // capped at 3000 * 0.5
  EXPECT_EQ(policy.delay(30, half), milliseconds(1500));
  FixedRandom zero(0.0);
  EXPECT_EQ(policy.delay(3, zero), milliseconds(0));
}

}  // namespace
}  // namespace zra
