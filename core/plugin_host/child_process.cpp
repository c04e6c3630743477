#include "core/plugin_host/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace zra::plugin_host_detail {
namespace {

constexpr int kChildFd = 3;
constexpr int kSocketBuffer = 4 << 20;  // lets the child parse ahead while the host maps (capped by the kernel)

std::string signal_name(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

}  // namespace

std::string describe_exit(int st) {
  if (WIFSIGNALED(st)) return "crashed with " + signal_name(WTERMSIG(st));
  if (WIFEXITED(st)) {
    if (WEXITSTATUS(st) == 0) return "exited normally";
    if (WEXITSTATUS(st) == 127) return "exited with status 127 (could not start the source host program)";
    return "exited with status " + std::to_string(WEXITSTATUS(st));
  }
  return "ended with wait status " + std::to_string(st);
}

std::unique_ptr<ChildProcess> ChildProcess::spawn(const std::string& program) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    throw std::runtime_error(std::string("cannot create a socket pair for the plugin process: ") + std::strerror(errno));
  }
  int size = kSocketBuffer;
  ::setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  ::setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  // Everything the child needs is prepared before fork(): between fork and exec a child of a threaded
  // process may only make async-signal-safe calls.
  const std::string fd_text = std::to_string(kChildFd);
  const char* argv[] = {program.c_str(), "__source-host", "--fd", fd_text.c_str(), nullptr};
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(sv[0]);
    ::close(sv[1]);
    throw std::runtime_error(std::string("cannot start the plugin process (fork): ") + std::strerror(e));
  }
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGINT, &ignore, nullptr);
    ::sigaction(SIGTERM, &ignore, nullptr);
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(127);
    if (sv[1] == kChildFd) {
      ::fcntl(kChildFd, F_SETFD, 0);
    } else if (::dup2(sv[1], kChildFd) < 0) {
      ::_exit(127);
    }
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    ::execv(argv[0], const_cast<char* const*>(argv));
    ::_exit(127);
  }
  ::close(sv[1]);
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, sv[0]));
}

ChildProcess::~ChildProcess() {
  if (!reaped_) kill();
  close_socket();
}

void ChildProcess::close_socket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string ChildProcess::reap(std::chrono::milliseconds grace) {
  if (reaped_) return "exited";
  int st = 0;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (;;) {
    pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) break;
    if (r < 0 && errno != EINTR) {
      reaped_ = true;
      return std::string("could not be waited for: ") + std::strerror(errno);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
      }
      reaped_ = true;
      return "did not exit (killed)";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  reaped_ = true;
  close_socket();
  return describe_exit(st);
}

std::string ChildProcess::finish(std::chrono::milliseconds grace) {
  close_socket();
  return reap(grace);
}

void ChildProcess::kill() {
  if (reaped_) return;
  ::kill(pid_, SIGKILL);
  int st = 0;
  while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  close_socket();
}

}  // namespace zra::plugin_host_detail
