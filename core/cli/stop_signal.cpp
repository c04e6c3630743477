#include "core/cli/stop_signal.h"

#include <csignal>
#include <unistd.h>

namespace zra::cli {
namespace {
std::atomic<bool> g_stop{false};
std::atomic<int> g_signals{0};

// Only async-signal-safe calls in here: write(2) and _exit(2).
void say(const char* text, size_t size) {
  ssize_t n = write(STDERR_FILENO, text, size);
  (void)n;  // nothing useful to do if stderr is gone
}

extern "C" void on_stop_signal(int) {
  if (g_signals.fetch_add(1) >= 1) {
    // No destructors, no report: the state store commits each step in its own transaction (SQLite WAL
    // rolls back a half-written one on the next open), and a task still in flight stays in the journal
    // with its id, so the next run reads its result instead of sending its records again.
    static const char now[] = "\nzra-sync: second signal: exiting now (state saved up to the last finished task; "
                              "the next run picks up tasks still in flight)\n";
    say(now, sizeof now - 1);
    _exit(130);
  }
  g_stop.store(true);
  static const char msg[] = "\nzra-sync: stopping (finishing tasks in flight; signal again to exit now)\n";
  say(msg, sizeof msg - 1);
}
}  // namespace

const std::atomic<bool>& install_stop_handlers() {
  static_assert(std::atomic<int>::is_always_lock_free, "the handler's counter must be lock-free");
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return g_stop;
}

}  // namespace zra::cli
