#include <chrono>

#include "tests/integration/sandbox/sandbox_fixture.h"

namespace zra::sandbox::test {
namespace {

class FaultTest : public SandboxTest {
 protected:
  // Status of each of `n` GET settings calls, 0 for a dropped connection, 4290/4291/4292 for the
  // spurious 429 variants (Retry-After seconds / no headers / Retry-After instant).
  std::vector<int> sequence(int n) {
    std::vector<int> out;
    for (int i = 0; i < n; ++i) {
      TestResponse r = get("/v2/zra/crm/settings");
      int code = r.status;
      if (code == 429) {
        if (!r.header("retry-after")) {
          code = 4291;
        } else {
          code = r.header("retry-after")->find('T') != std::string::npos ? 4292 : 4290;
        }
      }
      out.push_back(code);
    }
    return out;
  }

  static SandboxOptions faulty(uint64_t seed) {
    SandboxOptions o = fast_options();
    o.seed = seed;
    o.fail_rate = 0.2;
    o.drop_rate = 0.1;
    o.rate_429_rate = 0.2;
    return o;
  }
};

TEST_F(FaultTest, SameSeedSameSequence) {
  start(faulty(42));
  std::vector<int> first = sequence(100);
  server().reset();  // reseeds: the same requests see the same faults again
  std::vector<int> again = sequence(100);
  EXPECT_EQ(first, again);

  start(faulty(42));
  EXPECT_EQ(sequence(100), first);
  start(faulty(43));
  EXPECT_NE(sequence(100), first);

  // Every kind of fault shows up at these rates, and unfaulted calls are answered normally (404: nothing
  // is registered).
  std::map<int, int> kinds;
  for (int s : first) ++kinds[s];
  for (int s : {0, 500, 502, 503, 4290, 4291, 4292}) EXPECT_GT(kinds[s], 0) << s;
  EXPECT_EQ(kinds[0] + kinds[500] + kinds[502] + kinds[503] + kinds[4290] + kinds[4291] + kinds[4292] +
                kinds[404],
            100);
}

TEST_F(FaultTest, FaultBodiesAndHeaders) {
  SandboxOptions o = fast_options();
  o.fail_rate = 1;
  start(o);
  bool saw_html = false, saw_text = false, saw_json = false;
  for (int i = 0; i < 30; ++i) {
    TestResponse r = get("/v2/zra/crm/settings");
    ASSERT_TRUE(r.status == 500 || r.status == 502 || r.status == 503) << r.status;
    std::string ct = r.header("content-type").value_or("");
    if (r.status == 502) saw_html = saw_html || (ct == "text/html" && r.body.find("502 Bad Gateway") != std::string::npos);
    if (r.status == 503) saw_text = saw_text || ct == "text/plain";
    if (r.status == 500) saw_json = saw_json || r.json()["code"] == 500;
  }
  EXPECT_TRUE(saw_html && saw_text && saw_json);
}

TEST_F(FaultTest, FaultsHappenBeforeAnyEffectAndAreCounted) {
  SandboxOptions o = fast_options();
  o.drop_rate = 1;
  start(o);
  TestResponse r = post("/v2/zra/crm/settings", default_registration());
  EXPECT_EQ(r.status, 0);  // no answer
  EXPECT_TRUE(server().state()["registration"].is_null());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(post("/v2/zra/crm/accounts", {{"data", json::array()}}).status, 0);
  json req = server().requests();
  EXPECT_EQ(req["by_endpoint"]["POST /v2/zra/crm/accounts"], 3);
  EXPECT_EQ(req["by_status"]["dropped"], 4);
  EXPECT_EQ(req["log"].back()["status"], "dropped");
  // The inspection endpoints are never faulted.
  EXPECT_EQ(send({"GET", "/_sandbox/state", "", {}}).status, 200);
}

TEST_F(FaultTest, InjectedTaskFailureStoresNothing) {
  SandboxOptions o = fast_options();
  o.task_fail_rate = 1;
  start(o);
  register_default();
  json task = import_and_wait("accounts", json::array({account("A1"), account("A2")}));
  EXPECT_EQ(task["task_status"], "FAILED");
  EXPECT_EQ(task["total_count"], 2);
  EXPECT_EQ(task["success_count"], 0);
  EXPECT_EQ(task["failed_count"], 2);
  EXPECT_EQ(task["errors"], json::array());
  EXPECT_EQ(server().state()["counts"]["account"], 0);
}

TEST_F(FaultTest, TaskFailuresAreReproducibleForASeed) {
  auto outcomes = [&](uint64_t seed) {
    SandboxOptions o = fast_options();
    o.task_fail_rate = 0.5;
    o.seed = seed;
    start(o);
    register_default();
    std::string out;
    for (int i = 0; i < 16; ++i) out += import_and_wait("leads", json::array())["task_status"] == "FAILED" ? 'F' : 'S';
    return out;
  };
  std::string a = outcomes(7);
  EXPECT_EQ(outcomes(7), a);
  EXPECT_NE(a.find('F'), std::string::npos);
  EXPECT_NE(a.find('S'), std::string::npos);
}

TEST_F(FaultTest, SlowAnswersStillAnswer) {
  SandboxOptions o = fast_options();
  o.slow_rate = 1;
  o.slow_ms = 20000;  // 20 ms real at time scale 1000
  start(o);
  TestResponse r = get("/v2/zra/crm/settings");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["message"], "Not connected to a CRM API.");
}

}  // namespace
}  // namespace zra::sandbox::test
