// PollPacer (core/engine/task_tracker.h): tasks are first polled about when this run's tasks have become
// final, so a steady run reads most tasks with one LIGHT call, never sooner than poll.initial_ms.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "core/engine/task_tracker.h"

namespace zra {
namespace {

using std::chrono::milliseconds;

const Clock::Instant t0 = Clock::Instant(std::chrono::seconds(1000));
const PollSchedule kSchedule{milliseconds(100), milliseconds(10000), std::chrono::seconds(3600)};

struct Polled {
  int polls = 0;
  milliseconds seen_final_after{0};
};

// Polls `task` the way ImportScheduler::poll_due() does until a task that takes `duration` is final.
Polled poll_to_end(PollPacer& pacer, TrackedTask task, milliseconds duration) {
  Polled out;
  for (;;) {
    const Clock::Instant now = task.next_poll();
    ++out.polls;
    if (now - task.submitted() >= duration) {
      pacer.observe_final(task, now);
      out.seen_final_after = std::chrono::duration_cast<milliseconds>(now - task.submitted());
      return out;
    }
    task.poll_later(now);
  }
}

TEST(PollPacer, StartsWithTheFixedScheduleAndLearnsFromAMiss) {
  PollPacer pacer(kSchedule);
  TrackedTask first = pacer.track("T1", t0);
  EXPECT_EQ(first.next_poll(), t0 + milliseconds(100));
  // 100 (pending), 100 + 151 = 251 (pending), 251 + 227 = 478 (final).
  Polled p = poll_to_end(pacer, first, milliseconds(400));
  EXPECT_EQ(p.polls, 3);
  EXPECT_EQ(p.seen_final_after, milliseconds(478));
  // Halfway from 100 to the middle of (251, 478]: (100 + 364) / 2.
  EXPECT_EQ(pacer.estimate(), milliseconds(232));
  EXPECT_EQ(pacer.track("T2", t0).next_poll(), t0 + milliseconds(232));
}

TEST(PollPacer, AFinalFirstPollShrinksTheEstimateButNeverBelowInitial) {
  PollPacer pacer(kSchedule);
  // 100, 251, 478, 819, 1331 pending, 2100 final: halfway from 100 to 1715.
  EXPECT_EQ(poll_to_end(pacer, pacer.track("T1", t0), milliseconds(2000)).polls, 6);
  EXPECT_EQ(pacer.estimate(), milliseconds(907));
  Polled p = poll_to_end(pacer, pacer.track("T2", t0), milliseconds(50));
  EXPECT_EQ(p.polls, 1);
  EXPECT_EQ(p.seen_final_after, milliseconds(907));
  EXPECT_EQ(pacer.estimate(), milliseconds(907 - 907 / 16));
  for (int i = 0; i < 100; ++i) poll_to_end(pacer, pacer.track("T", t0), milliseconds(10));
  EXPECT_EQ(pacer.estimate(), milliseconds(100));
}

// Tasks that each take 3 s: the fixed schedule (100 ms, x1.5) needs 7 polls per task; the pacer, once
// it has seen a few, less than two, and sees each task final at most a fifth of its duration late.
TEST(PollPacer, ASteadyRunCostsUnderTwoPollsPerTask) {
  const milliseconds duration(3000);
  PollPacer fixed_pacer(kSchedule);
  Polled fixed = poll_to_end(fixed_pacer, TrackedTask("F", t0, kSchedule), duration);
  EXPECT_EQ(fixed.polls, 7);  // 100, 251, 478, 819, 1331, 2100, 3254
  EXPECT_EQ(fixed.seen_final_after, milliseconds(3254));

  PollPacer pacer(kSchedule);
  int warmup = 0;
  for (int i = 0; i < 5; ++i) warmup += poll_to_end(pacer, pacer.track("W", t0), duration).polls;
  int polls = 0;
  milliseconds worst{0};
  for (int i = 0; i < 40; ++i) {
    Polled p = poll_to_end(pacer, pacer.track("T", t0), duration);
    polls += p.polls;
    worst = std::max(worst, p.seen_final_after);
  }
  std::cout << "[ pacer ] warmup " << warmup << " polls, then " << polls << " polls for 40 tasks, worst "
            << worst.count() << " ms\n";
  EXPECT_LE(polls, 70);  // < 1.75 per task
  EXPECT_LE(worst, milliseconds(3600));
}

TEST(PollPacer, NeverWaitsLongerThanTheMaximum) {
  const PollSchedule s{milliseconds(100), milliseconds(1000), std::chrono::seconds(3600)};
  PollPacer pacer(s);
  for (int i = 0; i < 10; ++i) poll_to_end(pacer, pacer.track("T", t0), milliseconds(60000));
  EXPECT_EQ(pacer.estimate(), milliseconds(1000));
  EXPECT_EQ(pacer.track("T", t0).next_poll(), t0 + milliseconds(1000));
}

}  // namespace
}  // namespace zra
