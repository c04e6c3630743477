// librest.so through the shared conformance suite (the probes of `zra-sync plugin check`, then reads
// through the host), against the fake CRM. A binary of its own: the checker forks, and a process in
// which cpprest already started its thread pool forks children without those threads (they would hang).
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/rest/fake_crm_server.h"
#include "tests/support/plugin_conformance.h"

namespace zra {
namespace {

TEST(RestConformance, PassesTheSharedSuite) {
  rest_test::FakeCrmServer server;
  // cpprest's pool threads cache a few KB each (asio/pplx), so the heap wobbles by ~10 KB from one
  // request to the next with no trend (flat over 16,000 requests). 400 cycles put the probe's 64 B/cycle
  // threshold (25.6 KB) above that noise; a real per-cycle leak still shows.
  conformance::Options options;
  options.limits.memory_cycles = 400;
  auto findings = conformance::run(
      ZRA_PLUGIN_DIR "/librest.so",
      R"({"base_url":")" + server.origin() + R"(/api","auth":{"type":"bearer","token":"bearer-token-1"}})",
      R"({"name":"contacts","object":"contact","path":"/echo/contacts"})", options);
  EXPECT_EQ(conformance::errors(findings), "");
  for (const CheckFinding& f : findings) EXPECT_NE(f.severity, CheckSeverity::Warning) << f.message;
  EXPECT_GT(server.count("/api/echo/contacts"), 400u);
}

}  // namespace
}  // namespace zra

// The checker's memory probe reads mallinfo2(), which counts freed chunks parked in each thread's
// tcache as in use; cpprest spreads requests over ~40 pool threads whose tcaches fill up over hundreds
// of requests, which reads as "growth" though the live heap is flat (heaptrack: no leak). Tunables
// apply only at process start, so re-exec once with tcache off; the forked probes inherit it.
int main(int argc, char** argv) {
  const char* tunables = ::getenv("GLIBC_TUNABLES");
  const std::string wanted = "glibc.malloc.tcache_count=0";
  if (tunables == nullptr || std::string(tunables).find(wanted) == std::string::npos) {
    const std::string value = tunables == nullptr || *tunables == '\0' ? wanted : std::string(tunables) + ":" + wanted;
    ::setenv("GLIBC_TUNABLES", value.c_str(), 1);
    ::execv("/proc/self/exe", argv);
    std::perror("rest_conformance_test: re-exec with GLIBC_TUNABLES failed; running as is");
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
