// The live progress line: its text, its throttle, its rate and ETA, and silence when disabled.
#include <gtest/gtest.h>

#include <iostream>
#include <sstream>

#include "core/common/clock.h"
#include "core/common/log.h"
#include "core/report/progress_line.h"

namespace zra {
namespace {
using namespace std::chrono_literals;

size_t count_redraws(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (c == '\r');
  return n;
}

std::map<std::string, TypeProgress> done_records(int64_t confirmed, int64_t failed = 0) {
  return {{"account", {confirmed + failed, confirmed + failed, confirmed, failed}}};
}

TEST(ProgressRender, ExactLineWithRateAndEta) {
  std::map<std::string, TypeProgress> by_type{{"contact", {300, 0, 0, 0}}, {"account", {1200, 1000, 990, 10}}};
  // 63 import calls left at 20 a minute: 189 s.
  EXPECT_EQ(render_progress_line(by_type, 42, 20, 63),
            "account read 1200 sent 1000 ok 990 fail 10 | contact read 300 sent 0 ok 0 fail 0 | 42 rec/s | "
            "ETA 3m09s");
}

TEST(ProgressRender, UnknownEtaAndSlowRate) {
  EXPECT_EQ(render_progress_line({}, 0.5, 0, 10), "0.5 rec/s | ETA ?");
  EXPECT_EQ(render_progress_line({}, 12.4, 20, -1), "12 rec/s | ETA ?");
  EXPECT_EQ(render_progress_line({}, -3, 10, 0), "0.0 rec/s | ETA 0s");
}

TEST(ProgressRender, EtaFormats) {
  EXPECT_EQ(format_eta(0), "0s");
  EXPECT_EQ(format_eta(-4), "0s");
  EXPECT_EQ(format_eta(45), "45s");
  EXPECT_EQ(format_eta(59.2), "1m00s");
  EXPECT_EQ(format_eta(190), "3m10s");
  EXPECT_EQ(format_eta(7500), "2h05m");
}

TEST(ProgressLineTest, DisabledPrintsNothing) {
  std::ostringstream out;
  ManualClock clock;
  {
    ProgressLine line(out, false, clock);
    line.update(done_records(5), 20, 3);
    clock.advance(1s);
    line.update(done_records(9), 20, 2);
    line.finish();
  }
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressLineTest, FirstUpdateDrawsInPlaceWithClearToEndOfLine) {
  std::ostringstream out;
  ManualClock clock;
  ProgressLine line(out, true, clock);
  line.update({{"lead", {7, 4, 3, 1}}}, 10, 5);
  EXPECT_EQ(out.str(), "\rlead read 7 sent 4 ok 3 fail 1 | 0.0 rec/s | ETA 30s\x1b[K");
}

TEST(ProgressLineTest, RedrawsAtMostFiveTimesASecond) {
  std::ostringstream out;
  ManualClock clock;
  ProgressLine line(out, true, clock);
  for (int i = 0; i < 20; ++i) {  // an update every 50 ms for one second
    line.update(done_records(i), 20, 1);
    clock.advance(50ms);
  }
  EXPECT_EQ(count_redraws(out.str()), 5u) << out.str();  // at 0, 200, 400, 600 and 800 ms
  line.update(done_records(20), 20, 1);  // at 1000 ms: 200 ms after the last redraw
  EXPECT_EQ(count_redraws(out.str()), 6u);
}

TEST(ProgressLineTest, ThrottledUpdateIsDrawnByFinish) {
  std::ostringstream out;
  ManualClock clock;
  ProgressLine line(out, true, clock);
  line.update(done_records(1), 20, 2);
  clock.advance(50ms);
  line.update(done_records(8), 20, 1);
  EXPECT_EQ(count_redraws(out.str()), 1u);
  line.finish();
  const std::string s = out.str();
  EXPECT_EQ(count_redraws(s), 2u);
  const std::string tail = "account read 8 sent 8 ok 8 fail 0 | 140 rec/s | ETA 3s\x1b[K\n";
  ASSERT_GE(s.size(), tail.size());
  EXPECT_EQ(s.substr(s.size() - tail.size()), tail);
  line.finish();
  line.update(done_records(9), 20, 0);
  EXPECT_EQ(out.str(), s) << "nothing may be drawn after finish()";
}

TEST(ProgressLineTest, FinishWithoutAnyUpdatePrintsNothing) {
  std::ostringstream out;
  ManualClock clock;
  ProgressLine line(out, true, clock);
  line.finish();
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressLineTest, DestructorEndsAnOpenLine) {
  std::ostringstream out;
  ManualClock clock;
  {
    ProgressLine line(out, true, clock);
    line.update(done_records(1), 20, 1);
  }
  ASSERT_FALSE(out.str().empty());
  EXPECT_EQ(out.str().back(), '\n');
}

// A log line written while the progress line is drawn clears it first, so the two never run together;
// once the line is finished, log lines are written plainly again.
TEST(ProgressLineTest, LogLinesClearTheDrawnLineUntilItIsFinished) {
  std::ostringstream out;
  configure_logging({LogFormat::Text, LogLevel::Info}, &out);
  ManualClock clock;
  {
    ProgressLine line(out, true, clock);
    line.update(done_records(1), 20, 1);
    log_info("test.event", "while drawn");
    const std::string s = out.str();
    const size_t at = s.find("while drawn");
    ASSERT_NE(at, std::string::npos);
    const size_t line_start = s.rfind('\r');
    ASSERT_NE(line_start, std::string::npos);
    EXPECT_EQ(s.substr(line_start, 4), "\r\x1b[K") << s;
    EXPECT_LT(line_start, at);
    line.finish();
  }
  out.str("");
  log_info("test.event", "after finish");
  EXPECT_EQ(out.str().find('\r'), std::string::npos) << out.str();
  configure_logging({LogFormat::Text, LogLevel::Info}, &std::cerr);
}

TEST(ProgressLineTest, RateIsRecordsDoneOverTheLastTenSeconds) {
  std::ostringstream out;
  ManualClock clock;
  ProgressLine line(out, true, clock);
  line.update(done_records(0), 20, 1);
  clock.advance(1s);
  line.update(done_records(40, 10), 20, 1);
  EXPECT_NE(out.str().rfind("| 50 rec/s |"), std::string::npos) << out.str();
  clock.advance(2s);
  line.update(done_records(150), 20, 1);  // 150 in 3 s
  EXPECT_NE(out.str().rfind("| 50 rec/s |"), std::string::npos) << out.str();
  clock.advance(10s);
  line.update(done_records(250), 20, 1);  // the window now starts at the 3 s sample: 100 in 10 s
  const std::string s = out.str();
  EXPECT_EQ(s.substr(s.rfind('\r')), "\raccount read 250 sent 250 ok 250 fail 0 | 10 rec/s | ETA 3s\x1b[K");
}

}  // namespace
}  // namespace zra
