// Issue 4's kill test: zra-sync is killed with a real SIGKILL at chosen points of a run (while reading, right
// after a 202, right after journalling its task id, while polling, inside the state transaction that settles
// a task), chosen by ZRA_SYNC_KILL_AT (core/common/fault_point.h), then rerun. Every time the sandbox must
// end holding exactly the valid source records, nothing the state calls confirmed may be missing from it,
// and a batch ZRA accepted before the kill is not imported again (proved from the recorded import bodies).
#include <csignal>
#include <fstream>

#include "tests/integration/engine/convergence.h"
#include "tests/integration/engine/import_recorder.h"
#include "tests/integration/engine/source_data.h"
#include "tests/integration/engine/sync_fixture.h"

namespace zra::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int kKilled = 128 + SIGKILL;

// Replaces the sandbox's URLs in sync.yaml with the recorder's, so every request goes through it.
void route_through(const fs::path& config, const std::string& from_base, const std::string& to_base,
                   const std::string& from_token, const std::string& to_token) {
  std::string text = read_text(config.string());
  for (auto [from, to] : {std::pair{from_token, to_token}, std::pair{from_base, to_base}}) {
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from << " not in " << config;
    text.replace(at, from.size(), to);
  }
  std::ofstream(config, std::ios::binary | std::ios::trunc) << text;
}

struct KillCase {
  const char* point;
  int occurrence;
};

std::string case_name(const ::testing::TestParamInfo<KillCase>& info) {
  std::string n = info.param.point;
  for (auto& c : n) {
    if (c == '-') c = '_';
  }
  return n + "_" + std::to_string(info.param.occurrence);
}

class KillPointTest : public SyncFixture, public ::testing::WithParamInterface<KillCase> {
 protected:
  void TearDown() override {
    if (recorder_) recorder_->stop();
    SyncFixture::TearDown();
  }

  // 1,200 accounts, 600 contacts and 300 leads (10 invalid rows each), 11 import calls of 200.
  void prepare() {
    data_ = make_source_data({1200, 600, 0, 300, 10}, 4242);
    recorder_ = std::make_unique<ImportRecorder>(sandbox_->port());
    write_default_mappings();
    for (const auto& [path, csv] : data_.files) write_file(path, csv);
    fs::path config = write_config(data_.sources_yaml, "  batch_size: 200\n  max_in_flight_tasks: 2\n");
    route_through(config, sandbox_->base_url(), recorder_->base_url(), sandbox_->token_url(), recorder_->token_url());
    register_crm();
  }

  CommandResult run(int epoch, const std::string& kill_at = "") {
    recorder_->set_epoch(epoch);
    std::map<std::string, std::string> env{{"ZRA_SYNC_PLUGIN_DIR", ZRA_PLUGIN_DIR}, {"ZRA_SYNC_KILL_AT", kill_at}};
    return run_command({ZRA_SYNC_EXE, "run", "-c", (dir_ / "sync.yaml").string(), "--no-progress", "--report-dir",
                        (dir_ / "reports" / ("run-" + std::to_string(epoch))).string()},
                       120, env);
  }

  json sandbox_tasks() const { return json::parse(loopback_get(sandbox_->port(), "/_sandbox/tasks")); }

  SourceData data_;
  std::unique_ptr<ImportRecorder> recorder_;
};

TEST_P(KillPointTest, RerunConvergesWithoutLosingOrReimportingAcceptedBatches) {
  const KillCase kc = GetParam();
  prepare();
  const std::string kill_at = std::string(kc.point) + ":" + std::to_string(kc.occurrence);
  CommandResult killed = run(1, kill_at);
  ASSERT_EQ(killed.exit_code, kKilled) << "ZRA_SYNC_KILL_AT=" << kill_at << " did not kill the run:\n"
                                       << killed.out << killed.err;
  auto after_kill = export_state(dir_ / "sync.yaml");
  for (const auto& p : confirmed_missing_from_sandbox(after_kill, sandbox_->state())) ADD_FAILURE() << "after the kill: " << p;

  int epoch = 1, exit_code = -1;
  while (exit_code != 1 && epoch < 4) {
    CommandResult r = run(++epoch);
    exit_code = r.exit_code;
    ASSERT_TRUE(exit_code == 0 || exit_code == 1) << "rerun " << epoch << ":\n" << r.out << r.err;
  }
  ASSERT_EQ(exit_code, 1) << "no convergence within 3 reruns";

  const json sandbox_state = sandbox_->state();
  for (const auto& p : sandbox_mismatches(data_, sandbox_state)) ADD_FAILURE() << p;
  const auto state = export_state(dir_ / "sync.yaml");
  for (const auto& p : confirmed_missing_from_sandbox(state, sandbox_state)) ADD_FAILURE() << p;
  for (const auto& p : confirmed_set_mismatches(state, sandbox_state)) ADD_FAILURE() << p;
  for (const auto& p : report_mismatches(read_run_errors(dir_ / "reports" / ("run-" + std::to_string(epoch))), data_)) {
    ADD_FAILURE() << "final report: " << p;
  }

  // Batches accepted before the kill: only a FAILED/expired task's records may come again, and, when the run
  // died between the 202 and journalling the task id, that one batch (no run can know it was sent).
  const auto imports = recorder_->imports();
  int64_t recorded_items = 0;
  for (const auto& imp : imports) recorded_items += imp.status == 202 ? static_cast<int64_t>(imp.ids.size()) : 0;
  ASSERT_EQ(recorded_items, import_items()) << "the recorder saw every accepted import the sandbox saw";
  std::set<std::string> may_resend = tasks_not_succeeded(imports, 1, epoch, sandbox_tasks());
  const std::string unjournalled = last_accepted_task(imports, 1);
  if (std::string(kc.point) == "submitted") {
    ASSERT_FALSE(unjournalled.empty());
    EXPECT_FALSE(resent_accepted_records(imports, 1, epoch, may_resend).empty())
        << "the batch whose task id was never journalled is sent again (and the check sees it)";
    may_resend.insert(unjournalled);
  }
  for (const auto& p : resent_accepted_records(imports, 1, epoch, may_resend)) ADD_FAILURE() << p;
  if (std::string(kc.point) == "read") {
    EXPECT_TRUE(last_accepted_task(imports, 1).empty()) << "a run killed while reading has sent nothing yet";
  }
}

// Occurrences 1, 2 and a late one. The run has 2,100 rows, 11 import tasks (so at least 11 polls and 11
// settlements).
INSTANTIATE_TEST_SUITE_P(
    Points, KillPointTest,
    ::testing::Values(KillCase{"read", 1}, KillCase{"read", 2}, KillCase{"read", 2000}, KillCase{"submitted", 1},
                      KillCase{"submitted", 2}, KillCase{"submitted", 9}, KillCase{"journalled", 1},
                      KillCase{"journalled", 2}, KillCase{"journalled", 9}, KillCase{"polling", 1},
                      KillCase{"polling", 2}, KillCase{"polling", 10}, KillCase{"state-write", 1},
                      KillCase{"state-write", 2}, KillCase{"state-write", 10}),
    case_name);

class KillPointSettingTest : public SyncFixture {};

TEST_F(KillPointSettingTest, AMalformedKillPointIsRefusedAndAnUnknownNameNeverFires) {
  write_default_mappings();
  SourceData data = make_source_data({20, 0, 0, 10, 1}, 7);
  for (const auto& [path, csv] : data.files) write_file(path, csv);
  write_config(data.sources_yaml);
  register_crm();
  auto run_with = [&](const std::string& value) {
    return run_command({ZRA_SYNC_EXE, "run", "-c", (dir_ / "sync.yaml").string(), "--no-progress"}, 60,
                       {{"ZRA_SYNC_PLUGIN_DIR", ZRA_PLUGIN_DIR}, {"ZRA_SYNC_KILL_AT", value}});
  };
  for (const std::string bad : {"read", "read:0", "read:x", ":3", "read:-1"}) {
    CommandResult r = run_with(bad);
    EXPECT_EQ(r.exit_code, 2) << bad << ":\n" << r.out << r.err;
    EXPECT_NE(r.err.find("ZRA_SYNC_KILL_AT='" + bad + "' is not NAME:N with N >= 1"), std::string::npos) << r.err;
  }
  EXPECT_EQ(import_calls(), 0) << "a refused kill point stops the run before anything is sent";
  CommandResult r = run_with("nowhere:1");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the two planted invalid rows
  EXPECT_EQ(stored("account").size(), 19u);
  EXPECT_EQ(stored("lead").size(), 9u);
}

}  // namespace
}  // namespace zra::testing
