#include "core/state/run_lock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/common/errors.h"
#include "core/common/log.h"

namespace zra {
namespace {

// The pid written in the lock file, or 0 when it is empty or not a number.
long read_pid(int fd) {
  char buf[32] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return 0;
  char* end = nullptr;
  const long pid = std::strtol(buf, &end, 10);
  return (end != buf && pid > 0) ? pid : 0;
}

bool process_alive(long pid) { return pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

std::string errno_text(int err) { return std::string(std::strerror(err)); }

}  // namespace

std::unique_ptr<StateRunLock> StateRunLock::acquire(const std::string& state_path) {
  std::string lock_path = state_path + ".lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw StateError("cannot create the run lock " + lock_path + " of state file " + state_path + ": " +
                     errno_text(errno));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const long holder = read_pid(fd);
    ::close(fd);
    if (err != EWOULDBLOCK) {
      throw StateError("cannot lock " + lock_path + " of state file " + state_path + ": " + errno_text(err));
    }
    std::string who = holder > 0 ? "pid " + std::to_string(holder) : "pid unknown";
    if (holder > 0 && !process_alive(holder)) who += ", now gone; a process it started still holds the lock";
    throw StateError("another run holds " + state_path + " (" + who + "); wait for it to finish");
  }
  const long previous = read_pid(fd);
  const std::string pid = std::to_string(static_cast<long>(getpid())) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    const int err = errno;
    ::close(fd);
    throw StateError("cannot write the run lock " + lock_path + ": " + errno_text(err));
  }
  if (previous > 0 && previous != static_cast<long>(getpid())) {
    log_warn("state.lock_taken_over", "took over the run lock left by a process that is gone",
             {{"lock", lock_path}, {"previous_pid", previous}});
  }
  return std::unique_ptr<StateRunLock>(new StateRunLock(std::move(lock_path), fd));
}

StateRunLock::~StateRunLock() {
  // An empty file tells the next run the lock was released cleanly (no takeover to log).
  if (ftruncate(fd_, 0) != 0) {
    log_warn("state.lock_release", "could not empty the run lock file", {{"lock", lock_path_}, {"error", errno_text(errno)}});
  }
  ::close(fd_);  // releases the flock
}

}  // namespace zra
