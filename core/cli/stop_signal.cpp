#include "core/cli/stop_signal.h"

#include <csignal>
#include <unistd.h>

namespace zra::cli {
namespace {
std::atomic<bool> g_stop{false};
std::atomic<int> g_signals{0};

extern "C" void on_stop_signal(int) {
  if (g_signals.fetch_add(1) >= 1) _exit(130);  // second signal: now
  g_stop.store(true);
  static const char msg[] = "\nzra-sync: stopping (finishing tasks in flight; signal again to exit now)\n";
  ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
  (void)n;
}
}  // namespace

const std::atomic<bool>& install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return g_stop;
}

}  // namespace zra::cli
