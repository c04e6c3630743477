// A stopping run (ZraClient::stop_after): retry backoff, 429 pauses and OAuth retries end by the grace
// deadline with RunStoppingError; without a stop every attempt is still made. Exact ManualClock times.
#include <gtest/gtest.h>

#include <atomic>

#include "tests/unit/client/client_fixture.h"

namespace zra {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

constexpr seconds kGrace{30};
constexpr milliseconds kSlice{200};  // ClientOptions::stop_check_interval (default)

class ZraClientStopTest : public ZraClientTest {
 protected:
  // Backoff waits with the fixture's random 0.5: 4, 8, 16, 32, 60, 60, 60 s (240 s for 8 attempts), so a
  // 30 s grace falls in the middle of the sequence, as with ZRA unreachable in production.
  ClientOptions slow_backoff() const {
    ClientOptions o = options();
    o.backoff_initial = seconds(8);
    o.backoff_max = seconds(120);
    o.max_attempts = 8;
    return o;
  }
  ZraClient& stopping_client(ClientOptions o) {
    ZraClient& c = client(std::move(o));
    c.stop_after(stop, kGrace);
    return c;
  }
  // Sets the stop flag the moment a sleep starts at or after `at` (as a signal arriving mid-wait).
  void stop_at(nanoseconds at) {
    const Clock::Instant when = clock.now() + at;
    clock.on_sleep = [this, when](nanoseconds) {
      if (clock.now() >= when) stop = true;
    };
  }
  void tasks_always_answer(int status) {
    http.on("GET", "/zra/crm/tasks/", [status](const HttpRequest&) { return make_response(status, "{}"); });
  }
  std::string task_call() const { return "GET " + std::string(kBase) + "/zra/crm/tasks/T1"; }

  std::atomic<bool> stop{false};
};

TEST_F(ZraClientStopTest, WithoutAStopEveryAttemptIsMade) {
  tasks_always_answer(503);
  EXPECT_THROW(stopping_client(slow_backoff()).get_task("T1"), NetworkExhaustedError);
  EXPECT_EQ(api_requests().size(), 8u);
  EXPECT_EQ(clock.slept(), seconds(4 + 8 + 16 + 32 + 60 + 60 + 60));
  EXPECT_FALSE(client_->stop_deadline().has_value());
}

TEST_F(ZraClientStopTest, StopBeforeTheCallGivesUpWhenTheNextWaitWouldPassTheGrace) {
  tasks_always_answer(503);
  stop = true;
  const Clock::Instant start = clock.now();
  try {
    stopping_client(slow_backoff()).get_task("T1");
    FAIL() << "expected RunStoppingError";
  } catch (const RunStoppingError& e) {
    EXPECT_EQ(std::string(e.what()),
              task_call() +
                  " given up: the run is stopping and waiting 32.000 s more would pass the end of its "
                  "30.000 s grace period; sent 4 time(s), last: answered 503 '{}'");
    EXPECT_EQ(e.exit_code(), kExitInterrupted);
  }
  // Attempts at 0, 4, 12 and 28 s; the 32 s wait after the 4th would end at 60 s, past 30 s.
  EXPECT_EQ(api_requests().size(), 4u);
  EXPECT_EQ(clock.slept(), seconds(28));
  ASSERT_TRUE(client_->stop_deadline().has_value());
  EXPECT_EQ(*client_->stop_deadline(), start + kGrace);
}

TEST_F(ZraClientStopTest, StopDuringTheRetriesEndsTheCallWithinTheGrace) {
  // For stops at several moments of the 240 s sequence: never more than stop + one slice + grace.
  tasks_always_answer(503);
  for (const seconds at : {seconds(1), seconds(10), seconds(20), seconds(45), seconds(100), seconds(200)}) {
    SCOPED_TRACE("stop at " + std::to_string(at.count()) + " s");
    stop = false;
    clock.on_sleep = nullptr;
    const nanoseconds before = clock.slept();
    const size_t requests_before = api_requests().size();
    ZraClient& c = stopping_client(slow_backoff());
    stop_at(at);
    EXPECT_THROW(c.get_task("T1"), RunStoppingError);
    const nanoseconds took = clock.slept() - before;
    EXPECT_GE(took, at);
    EXPECT_LE(took, at + kSlice + kGrace);
    EXPECT_LT(api_requests().size() - requests_before, 8u);
  }
}

TEST_F(ZraClientStopTest, StopMidWaitIsNoticedWithinOneSlice) {
  tasks_always_answer(503);
  ZraClient& c = stopping_client(slow_backoff());
  const Clock::Instant start = clock.now();
  stop_at(seconds(20));  // during the 16 s wait from 12 s to 28 s
  EXPECT_THROW(c.get_task("T1"), RunStoppingError);
  // Seen at the slice after 20 s, so the grace ends at 50.2 s; the attempt at 28 s fails and its 32 s
  // wait would end at 60 s: given up at once, at 28 s.
  EXPECT_EQ(*c.stop_deadline(), start + seconds(20) + kSlice + kGrace);
  EXPECT_EQ(api_requests().size(), 4u);
  EXPECT_EQ(clock.slept(), seconds(28));
}

TEST_F(ZraClientStopTest, ACallMaySucceedWithinTheGrace) {
  // Tasks in flight may still be polled after the stop: a retry that fits in the grace is made.
  http.push(503).push(503).push_json(200, {{"task_status", "PENDING"}});
  stop = true;
  EXPECT_EQ(stopping_client(slow_backoff()).get_task("T1").status, "PENDING");
  EXPECT_EQ(api_requests().size(), 3u);
  EXPECT_EQ(clock.slept(), seconds(12));
}

TEST_F(ZraClientStopTest, NoRequestStartsAfterTheGraceAndTimeoutsAreCutToWhatIsLeft) {
  http.on("GET", "/zra/crm/tasks/", [](const HttpRequest&) {
    return make_json_response(200, {{"task_status", "PENDING"}});
  });
  ZraClient& c = stopping_client(options());
  stop = true;
  c.get_task("T1");  // the stop is first seen here: 30 s left
  clock.advance(seconds(25));
  c.get_task("T1");  // 5 s left
  ASSERT_EQ(api_requests().size(), 2u);
  EXPECT_EQ(api_requests()[0].timeout, milliseconds(30000));
  EXPECT_EQ(api_requests()[1].timeout, milliseconds(5000));
  clock.advance(seconds(5));
  try {
    c.get_task("T1");
    FAIL() << "expected RunStoppingError";
  } catch (const RunStoppingError& e) {
    EXPECT_EQ(std::string(e.what()),
              task_call() +
                  " given up: the run is stopping and its grace period of 30.000 s is over; it was not sent");
  }
  EXPECT_EQ(api_requests().size(), 2u);
}

TEST_F(ZraClientStopTest, WithoutAStopTimeoutsAreTheConfiguredOnes) {
  http.push_json(200, {{"task_status", "PENDING"}});
  stopping_client(options()).get_task("T1");
  EXPECT_EQ(api_requests().at(0).timeout, milliseconds(60000));
}

TEST_F(ZraClientStopTest, ALong429WaitWithoutAStopIsWaitedOut) {
  http.push_json(429, {{"code", 429}}, {{"Retry-After", "600"}});
  http.push_json(200, {{"task_status", "PENDING"}});
  EXPECT_EQ(stopping_client(options()).get_task("T1").status, "PENDING");
  EXPECT_EQ(clock.slept(), seconds(600));
}

TEST_F(ZraClientStopTest, ALong429WaitEndsAtTheStop) {
  http.push_json(429, {{"code", 429}}, {{"Retry-After", "600"}});
  http.push_json(200, {{"task_status", "PENDING"}});
  ZraClient& c = stopping_client(options());
  stop_at(seconds(5));
  try {
    c.get_task("T1");
    FAIL() << "expected RunStoppingError";
  } catch (const RunStoppingError& e) {
    EXPECT_EQ(std::string(e.what()),
              task_call() +
                  " given up: the run is stopping and waiting 594.800 s more would pass the end of its "
                  "30.000 s grace period; sent 1 time(s), last: answered 429");
  }
  EXPECT_EQ(clock.slept(), seconds(5) + kSlice);
  EXPECT_EQ(api_requests().size(), 1u);
}

TEST_F(ZraClientStopTest, A429WaitThatFitsInTheGraceIsWaited) {
  http.push_json(429, {{"code", 429}}, {{"Retry-After", "20"}});
  http.push_json(200, {{"task_status", "PENDING"}});
  stop = true;
  EXPECT_EQ(stopping_client(options()).get_task("T1").status, "PENDING");
  EXPECT_EQ(clock.slept(), seconds(20));
}

TEST_F(ZraClientStopTest, OAuthRetriesEndAtTheGraceToo) {
  for (int i = 0; i < 8; ++i)
    http.push_handler_for("POST", "/oauth/token", [](const HttpRequest&) { return make_response(503); });
  stop = true;
  try {
    stopping_client(slow_backoff()).import(ObjectType::Account, R"({"data":[]})");
    FAIL() << "expected RunStoppingError";
  } catch (const RunStoppingError& e) {
    EXPECT_EQ(std::string(e.what()),
              "POST " + std::string(kBase) +
                  "/zra/crm/accounts given up: the run is stopping and waiting 32.000 s "
                  "more would pass the end of its 30.000 s grace period; it was not sent");
  }
  EXPECT_EQ(api_requests().size(), 0u);
  EXPECT_EQ(client_->stats().token_requests, 4);
  EXPECT_EQ(clock.slept(), seconds(28));
}

TEST_F(ZraClientStopTest, ARateLimitSlotPastTheGraceIsNotAwaited) {
  ClientOptions o = options();
  o.limits.of(RateLabel::Light) = RateSpec{1, 60};  // one poll a minute
  http.on("GET", "/zra/crm/tasks/", [](const HttpRequest&) {
    return make_json_response(200, {{"task_status", "PENDING"}});
  });
  ZraClient& c = stopping_client(o);
  c.get_task("T1");
  stop = true;
  EXPECT_THROW(c.get_task("T1"), RunStoppingError);  // the next slot is 60 s away, the grace 30 s
  EXPECT_EQ(api_requests().size(), 1u);
  EXPECT_EQ(clock.slept(), nanoseconds(0));
}

TEST_F(ZraClientStopTest, AStopCheckIntervalMustBePositive) {
  ClientOptions o = options();
  o.stop_check_interval = milliseconds(0);
  try {
    client(o);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "stop_check_interval must be positive (got 0 ms)");
    EXPECT_EQ(e.exit_code(), kExitUsage);
  }
}

}  // namespace
}  // namespace zra
