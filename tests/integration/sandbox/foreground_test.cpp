#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "tests/integration/sandbox/sandbox_fixture.h"

namespace zra::sandbox::test {
namespace {

// run_sandbox_foreground in a child process: it prints where it listens, serves, and returns 0 on SIGTERM.
TEST(ForegroundTest, PrintsTheUrlsServesAndStopsCleanlyOnSigterm) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    SandboxOptions o = fast_options();
    _exit(run_sandbox_foreground(o));
  }
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  ASSERT_NE(f, nullptr);
  std::string printed;
  char line[512];
  int port = 0;
  while (port == 0 && std::fgets(line, sizeof line, f) != nullptr) {
    printed += line;
    std::string l = line;
    size_t at = l.find("base_url:");
    if (at != std::string::npos) port = std::stoi(l.substr(l.find("127.0.0.1:") + 10));
  }
  while (printed.find("Press Ctrl-C") == std::string::npos && std::fgets(line, sizeof line, f) != nullptr) printed += line;
  ASSERT_GT(port, 0) << printed;
  EXPECT_NE(printed.find("token_url:     http://127.0.0.1:" + std::to_string(port) + "/oauth/token"), std::string::npos);
  EXPECT_NE(printed.find("client_id:     sandbox-client"), std::string::npos);
  EXPECT_NE(printed.find("client_secret: sandbox-secret"), std::string::npos);
  EXPECT_EQ(http_send(static_cast<uint16_t>(port), {"GET", "/_sandbox/state", "", {}}).status, 200);
  kill(child, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::fclose(f);
}

}  // namespace
}  // namespace zra::sandbox::test
