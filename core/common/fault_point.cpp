#include "core/common/fault_point.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/common/exit_codes.h"

namespace zra {
namespace {

struct KillSpec {
  bool armed = false;
  std::string name;
  long long at = 0;
};

std::atomic<long long> g_calls{0};  // calls of the armed name so far

[[noreturn]] void refuse(const std::string& value) {
  const std::string msg = "zra-sync: ZRA_SYNC_KILL_AT='" + value +
                          "' is not NAME:N with N >= 1 (a test-only kill point, see docs/reliability.md)\n";
  ssize_t n = write(STDERR_FILENO, msg.data(), msg.size());
  (void)n;
  _exit(kExitUsage);
}

// Parsed once; a function-local static so no static-initialisation order question arises.
const KillSpec& spec() {
  static const KillSpec s = [] {
    KillSpec k;
    const char* env = std::getenv("ZRA_SYNC_KILL_AT");
    if (env == nullptr || *env == '\0') return k;
    const std::string value(env);
    const size_t colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == value.size()) refuse(value);
    char* end = nullptr;
    const long long at = std::strtoll(value.c_str() + colon + 1, &end, 10);
    if (*end != '\0' || at < 1) refuse(value);
    k.armed = true;
    k.name = value.substr(0, colon);
    k.at = at;
    return k;
  }();
  return s;
}

}  // namespace

void fault_point(const char* name) {
  const KillSpec& s = spec();
  if (!s.armed) return;
  if (std::strcmp(name, s.name.c_str()) != 0) return;
  if (g_calls.fetch_add(1) + 1 == s.at) raise(SIGKILL);
}

}  // namespace zra
