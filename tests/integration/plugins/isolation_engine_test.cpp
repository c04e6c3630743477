// `zra-sync run` with a source whose plugin crashes, aborts or hangs (process isolation, the default)
// beside a good CSV source: the run finishes with exit 1, the good records reach ZRA, and errors.jsonl
// reports the crash as the bad stream's source failure.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>

#include "tests/integration/engine/sync_fixture.h"

namespace zra::testing {
namespace {

using ::testing::HasSubstr;

struct CrashCase {
  std::string variant;
  std::string expected;  // in the failure's detail
  size_t leads_kept;     // valid rows read before the failure are synced (upserts; nothing is deleted)
};

constexpr const char* kTime = "2025-11-20T12:00:00Z";

class IsolationEngineTest : public SyncFixture, public ::testing::WithParamInterface<CrashCase> {};

TEST_P(IsolationEngineTest, ACrashingPluginFailsItsStreamAndTheOtherSourceStillSyncs) {
  const CrashCase& c = GetParam();
  // The host asks for batches of 1000 rows: crash_at_row crashes in the second next_batch().
  write_file("data/accounts.csv", "Id,Name\nA1,Acme\nA2,Globex\n");
  // The bad source comes first: the good one is read after the crash.
  write_config(
      "  - name: bad\n"
      "    plugin: fixture_" + c.variant + "\n"
      "    streams:\n"
      "      - { name: leads, object: lead, label: x, size: 1500, fail_at_row: 1000,\n"
      "          mapping: { fields: { crm_lead_id: id, lead_name: id, modify_time: { value: \"" + kTime + "\" } } } }\n"
      "  - name: good\n"
      "    plugin: csv\n"
      "    streams:\n"
      "      - { name: accounts, object: account, path: data/accounts.csv,\n"
      "          mapping: { fields: { crm_account_id: Id, account_name: Name, modify_time: { value: \"" + kTime + "\" } } } }\n",
      "", "plugin_paths: [ " + std::string(ZRA_FIXTURE_PLUGIN_DIR) + " ]\n");
  register_crm();
  CommandResult r = run_command({ZRA_SYNC_EXE, "run", "-c", (dir_ / "sync.yaml").string(), "--no-progress"}, 120,
                                {{"ZRA_SYNC_PLUGIN_DIR", ZRA_PLUGIN_DIR}, {"ZRA_SYNC_SOURCE_READ_TIMEOUT_S", "2"}});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;

  nlohmann::json accounts = stored("account");
  EXPECT_EQ(accounts.size(), 2u) << accounts.dump(2);
  EXPECT_EQ(accounts["A1"]["account_name"], "Acme");
  EXPECT_EQ(accounts["A2"]["account_name"], "Globex");

  EXPECT_EQ(stored("lead").size(), c.leads_kept);

  bool reported = false;
  for (const auto& e : report_errors()) {
    if (e["source"] != "bad") continue;
    EXPECT_EQ(e["stream"], "leads");
    EXPECT_EQ(e["phase"], "source");
    const std::string detail = e["detail"];
    if (e["locator"] == "fixture:3") continue;  // the fixture's unreadable row
    if (detail.find(c.expected) == std::string::npos) continue;
    reported = true;
    EXPECT_THAT(detail, HasSubstr("stream failed: source 'bad' (plugin 'fixture_" + c.variant + "'), stream 'leads'"));
    EXPECT_THAT(detail, HasSubstr("(plugin file " + std::string(ZRA_FIXTURE_PLUGIN_DIR)));
    if (c.leads_kept > 0) {
      EXPECT_THAT(detail, HasSubstr("; 1000 rows of this stream received)"));
    }
  }
  EXPECT_TRUE(reported) << "no errors.jsonl line with '" << c.expected << "'\n" << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Crashes, IsolationEngineTest,
    ::testing::Values(CrashCase{"crash_at_row", "crashed with SIGSEGV during next_batch()", 999},
                      CrashCase{"abort_open", "crashed with SIGABRT during open()", 0},
                      CrashCase{"crash_create", "crashed with SIGSEGV during create()", 0},
                      CrashCase{"hangs", "sent nothing for 2 s (hung? the read timeout) and was killed during next_batch()", 0}),
    [](const ::testing::TestParamInfo<CrashCase>& info) { return info.param.variant; });

// The source host children of `parent` (from /proc).
std::vector<int> source_hosts_of(int parent) {
  std::vector<int> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    char state = 0;
    int ppid = 0;
    rest >> state >> ppid;
    std::ifstream cmd(e.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
    if (ppid == parent && cmdline.find("__source-host") != std::string::npos) out.push_back(std::stoi(name));
  }
  return out;
}

class IsolationStopTest : public SyncFixture {
 protected:
  // Starts `zra-sync run` over one lead stream of `plugin` (`stream_keys`: the fixture's settings) and
  // waits until its source host is up; returns the run and the host's pid.
  std::pair<Spawned, int> start_run(const std::string& plugin, const std::string& stream_keys) {
    write_config(
        "  - name: src\n"
        "    plugin: " + plugin + "\n"
        "    streams:\n"
        "      - { name: leads, object: lead, label: x, " + stream_keys + ",\n"
        "          mapping: { fields: { crm_lead_id: id, lead_name: id, modify_time: { value: \"" +
            std::string(kTime) + "\" } } } }\n",
        "", "plugin_paths: [ " + std::string(ZRA_FIXTURE_PLUGIN_DIR) + " ]\n");
    register_crm();
    Spawned p = spawn_command({ZRA_SYNC_EXE, "run", "-c", (dir_ / "sync.yaml").string(), "--no-progress"},
                              (dir_ / "out.txt").string(), (dir_ / "err.txt").string(),
                              {{"ZRA_SYNC_PLUGIN_DIR", ZRA_PLUGIN_DIR}});
    std::vector<int> hosts;
    for (int i = 0; i < 1000 && hosts.empty(); ++i) {
      hosts = source_hosts_of(p.pid);
      if (hosts.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(hosts.size(), 1u) << read_text(p.err_file);
    return {p, hosts.empty() ? -1 : hosts[0]};
  }
};

TEST_F(IsolationStopTest, SigtermStopsTheRunAndReapsTheSourceHost) {
  auto [p, host] = start_run("fixture_good", "size: 50000000");
  ASSERT_GT(host, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // reading
  ::kill(p.pid, SIGTERM);
  EXPECT_EQ(wait_for(p), 130) << read_text(p.err_file);
  // Reaped by zra-sync itself: not even a zombie is left.
  EXPECT_FALSE(std::filesystem::exists("/proc/" + std::to_string(host))) << "source host " << host << " left";
}

// SIGTERM while the plugin hangs: the run does not wait out the read timeout (10 minutes by default): the
// source host is killed, the run exits 130 and the stream is not reported as a source failure.
TEST_F(IsolationStopTest, SigtermWhileThePluginHangsDoesNotWaitForTheReadTimeout) {
  auto [p, host] = start_run("fixture_hangs", "size: 1500, fail_at_row: 1000");
  ASSERT_GT(host, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the first 1000 rows read, now hanging
  ::kill(p.pid, SIGTERM);
  // The read timeout is 600 s: anything near it means the stop did not reach the wait.
  int status = 0;
  bool exited = false;
  for (int i = 0; i < 600 && !exited; ++i) {
    exited = waitpid(p.pid, &status, WNOHANG) == p.pid;
    if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!exited) {
    ::kill(p.pid, SIGKILL);
    waitpid(p.pid, &status, 0);
    FAIL() << "still running 60 s after SIGTERM\n" << read_text(p.err_file);
  }
  ASSERT_TRUE(WIFEXITED(status)) << read_text(p.err_file);
  EXPECT_EQ(WEXITSTATUS(status), 130) << read_text(p.err_file);
  EXPECT_FALSE(std::filesystem::exists("/proc/" + std::to_string(host))) << "source host " << host << " left";
  for (const auto& e : report_errors()) {
    EXPECT_NE(e["phase"], "source") << "a stop is not a source failure: " << e.dump();
  }
}

// `read_timeout` on the source sets the hang limit (here without the environment variable).
TEST_F(IsolationStopTest, TheSourcesReadTimeoutKeyKillsAHungPlugin) {
  write_config(
      "  - name: src\n"
      "    plugin: fixture_hangs\n"
      "    read_timeout: 1s\n"
      "    streams:\n"
      "      - { name: leads, object: lead, label: x, size: 1500, fail_at_row: 1000,\n"
      "          mapping: { fields: { crm_lead_id: id, lead_name: id, modify_time: { value: \"" +
          std::string(kTime) + "\" } } } }\n",
      "", "plugin_paths: [ " + std::string(ZRA_FIXTURE_PLUGIN_DIR) + " ]\n");
  register_crm();
  CommandResult r = run_command({ZRA_SYNC_EXE, "run", "-c", (dir_ / "sync.yaml").string(), "--no-progress"}, 120,
                                {{"ZRA_SYNC_PLUGIN_DIR", ZRA_PLUGIN_DIR}});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  bool reported = false;
  for (const auto& e : report_errors()) {
    const std::string detail = e["detail"];
    reported = reported || detail.find("sent nothing for 1 s (hung? the read timeout) and was killed") != std::string::npos;
  }
  EXPECT_TRUE(reported) << r.err;
}

}  // namespace
}  // namespace zra::testing
