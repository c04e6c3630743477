#pragma once
// Private to the plugin host: one source host child (`<program> __source-host --fd 3`), started with
// fork+exec and connected to this process by a Unix socket pair. The child dies with this process
// (PR_SET_PDEATHSIG, SIGKILL), ignores SIGINT/SIGTERM (the host decides when it stops: a terminal's Ctrl-C
// reaches the whole process group), and has stdout redirected to stderr so that nothing a plugin prints
// can reach the framing or the host's own output.
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

namespace zra::plugin_host_detail {

class ChildProcess {
 public:
  // Throws std::runtime_error (socketpair/fork failed) naming what failed. A program that cannot be
  // executed shows up as a child that exited with status 127.
  static std::unique_ptr<ChildProcess> spawn(const std::string& program);
  ~ChildProcess();  // kill() unless already reaped
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int fd() const { return fd_; }
  pid_t pid() const { return pid_; }

  // The child is gone or going (end of its socket): waits up to `grace` for it to exit, then SIGKILLs
  // it, and reaps it. Returns how it ended: "crashed with SIGSEGV", "exited with status 3".
  std::string reap(std::chrono::milliseconds grace);
  // Closes the socket (the child's cue to destroy() and exit 0), then reap(grace).
  std::string finish(std::chrono::milliseconds grace);
  // SIGKILL and reap at once.
  void kill();

 private:
  ChildProcess(pid_t pid, int fd) : pid_(pid), fd_(fd) {}
  void close_socket();
  pid_t pid_;
  int fd_;
  bool reaped_ = false;
};

// "crashed with SIGSEGV", "exited with status 3", "exited normally" for a waitpid() status.
std::string describe_exit(int wait_status);

}  // namespace zra::plugin_host_detail
