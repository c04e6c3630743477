// One run at a time per state file, across processes (fork), and takeover of a dead process's lock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "core/common/errors.h"
#include "core/common/log.h"
#include "core/state/state_store.h"
#include "tests/unit/state/state_test_support.h"

namespace zra {
namespace {

using state_test::read_bytes;
using state_test::TempDir;
using state_test::write_bytes;
using ::testing::HasSubstr;

std::string acquire_error(StateStore& store) {
  try {
    auto lock = store.acquire_run_lock();
    return "acquired";
  } catch (const StateError& e) {
    return e.what();
  }
}

// Captures log lines for the scope of a test.
class LogCapture {
 public:
  LogCapture() { configure_logging(LogOptions{}, &out_); }
  ~LogCapture() { configure_logging(LogOptions{}, &std::cerr); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

// A pid that certainly belongs to no live process: a child that exited and was reaped.
pid_t dead_pid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return child;
}

TEST(RunLock, AnotherLiveProcessHoldingItFailsAtOnceWithItsPidAndItsDeathReleasesIt) {
  TempDir dir;
  ManualClock clock;
  const std::string path = dir.file("state.db");
  auto store = StateStore::open(path, clock);
  int ready[2], release[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(release), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ready[0]);
    close(release[1]);
    char c = 'F';
    try {
      auto lock = StateRunLock::acquire(path);
      c = 'L';
      if (write(ready[1], &c, 1) != 1) _exit(2);
      if (read(release[0], &c, 1) < 0) _exit(3);  // hold the lock until killed
    } catch (...) {
      if (write(ready[1], &c, 1) != 1) _exit(4);
    }
    _exit(0);
  }
  close(ready[1]);
  close(release[0]);
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'L');

  EXPECT_EQ(acquire_error(*store),
            "another run holds " + path + " (pid " + std::to_string(child) + "); wait for it to finish");

  // kill -9: the kernel drops the flock; the pid stays in the file and the next run takes over.
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  close(ready[0]);
  close(release[1]);
  LogCapture log;
  auto lock = store->acquire_run_lock();
  EXPECT_EQ(read_bytes(path + ".lock"), std::to_string(getpid()) + "\n");
  EXPECT_THAT(log.text(), HasSubstr("took over the run lock left by a process that is gone"));
  EXPECT_THAT(log.text(), HasSubstr("previous_pid=" + std::to_string(child)));
}

TEST(RunLock, ASecondAcquireInTheSameProcessFails) {
  TempDir dir;
  ManualClock clock;
  auto store = StateStore::open(dir.file("state.db"), clock);
  auto lock = store->acquire_run_lock();
  EXPECT_EQ(acquire_error(*store), "another run holds " + dir.file("state.db") + " (pid " +
                                       std::to_string(getpid()) + "); wait for it to finish");
}

TEST(RunLock, ReleasingEmptiesTheFileSoTheNextRunTakesItQuietly) {
  TempDir dir;
  ManualClock clock;
  auto store = StateStore::open(dir.file("state.db"), clock);
  { auto lock = store->acquire_run_lock(); }
  EXPECT_EQ(read_bytes(dir.file("state.db.lock")), "");
  LogCapture log;
  auto again = store->acquire_run_lock();
  EXPECT_EQ(log.text(), "");
}

TEST(RunLock, AStaleLockFileOfADeadPidIsTakenOverAndLogged) {
  TempDir dir;
  ManualClock clock;
  auto store = StateStore::open(dir.file("state.db"), clock);
  const pid_t gone = dead_pid();
  write_bytes(dir.file("state.db.lock"), std::to_string(gone) + "\n");
  LogCapture log;
  auto lock = store->acquire_run_lock();
  EXPECT_EQ(read_bytes(dir.file("state.db.lock")), std::to_string(getpid()) + "\n");
  EXPECT_THAT(log.text(), HasSubstr("previous_pid=" + std::to_string(gone)));
}

TEST(RunLock, AnUncreatableLockFileNamesIt) {
  TempDir dir;
  try {
    StateRunLock::acquire(dir.file("missing/state.db"));
    FAIL() << "acquired a lock in a missing directory";
  } catch (const StateError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot create the run lock " + dir.file("missing/state.db.lock") +
                                         " of state file " + dir.file("missing/state.db") +
                                         ": No such file or directory");
  }
}

}  // namespace
}  // namespace zra
