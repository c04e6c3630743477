#pragma once
// One run at a time per state file: `<state path>.lock`, held with flock(2) and holding the owner's pid.
// The kernel drops an flock when its holder dies, so a lock file left by a killed run is simply taken
// over; the pid inside only serves the error message and the takeover log line. The file is never
// unlinked: unlinking a lock file races with a process that has it open and is about to lock it.
#include <memory>
#include <string>

namespace zra {

class StateRunLock {
 public:
  // Throws StateError "another run holds <state_path> (pid N)" at once (no waiting) when another open
  // file description holds the lock, in this process or another; or naming the lock file and errno
  // when it cannot be created. Logs "state.lock_taken_over" when the file named a process that is gone.
  static std::unique_ptr<StateRunLock> acquire(const std::string& state_path);
  // Empties the pid and releases the lock.
  ~StateRunLock();
  StateRunLock(const StateRunLock&) = delete;
  StateRunLock& operator=(const StateRunLock&) = delete;

  const std::string& lock_path() const noexcept { return lock_path_; }

 private:
  StateRunLock(std::string lock_path, int fd) : lock_path_(std::move(lock_path)), fd_(fd) {}
  std::string lock_path_;
  int fd_;
};

}  // namespace zra
