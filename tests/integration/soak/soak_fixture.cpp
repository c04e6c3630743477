#include "tests/integration/soak/soak_fixture.h"

#include <fstream>

namespace zra::testing {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("'" + from + "' not in the generated config");
  text.replace(at, from.size(), to);
}

std::string per_second(double per_second_rate) { return std::to_string(static_cast<long long>(per_second_rate)) + "/s"; }

}  // namespace

void SoakFixture::TearDown() {
  if (recorder_) recorder_->stop();
  SyncFixture::TearDown();
}

void SoakFixture::prepare(const SourceData& data, sandbox::SandboxOptions options, const std::string& zra_extra) {
  data_ = data;
  options.rate_limits = true;
  options.plan = "business";
  start_sandbox(options);
  recorder_ = std::make_unique<ImportRecorder>(sandbox_->port());
  write_default_mappings();
  for (const auto& [path, csv] : data_.files) write_file(path, csv);
  fs::path config = write_config(data_.sources_yaml, zra_extra);
  std::string text = read_text(config.string());
  replace_once(text, sandbox_->token_url(), recorder_->token_url());
  replace_once(text, sandbox_->base_url(), recorder_->base_url());
  // Business limits (DESIGN.md) sped up like the sandbox's windows.
  const double s = options.time_scale;
  replace_once(text,
               "rate_limits: { resource_intensive: 1000/s, light: 1000/s, medium: 1000/s, heavy: 1000/s, daily: 1000000/day }",
               "rate_limits: { resource_intensive: " + per_second(20 * s / 60) + ", light: " + per_second(80 * s) +
                   ", medium: " + per_second(60 * s) + ", heavy: " + per_second(40 * s) + ", daily: 1000000/day }");
  std::ofstream(config, std::ios::binary | std::ios::trunc) << text;
  register_crm();
}

void SoakFixture::start_over() {
  sandbox_->reset();
  fs::remove_all(dir_ / "state");
  fs::remove_all(dir_ / "reports");
  register_crm();
}

fs::path SoakFixture::report_dir(int epoch) const { return dir_ / "reports" / ("run-" + std::to_string(epoch)); }

CommandResult SoakFixture::run(int epoch) {
  recorder_->set_epoch(epoch);
  CommandResult r = run_command({ZRA_SYNC_EXE, "run", "-c", (dir_ / "sync.yaml").string(), "--no-progress",
                                 "--report-dir", report_dir(epoch).string()},
                                300, {{"ZRA_SYNC_PLUGIN_DIR", ZRA_PLUGIN_DIR}});
  // Kept with the test files of a failed test.
  std::ofstream(dir_ / ("run-" + std::to_string(epoch) + ".log"), std::ios::binary) << r.out << r.err;
  return r;
}

Spawned SoakFixture::run_background(int epoch) {
  recorder_->set_epoch(epoch);
  const std::string name = (dir_ / ("run-" + std::to_string(epoch))).string();
  return spawn_command({ZRA_SYNC_EXE, "run", "-c", (dir_ / "sync.yaml").string(), "--no-progress", "--report-dir",
                        report_dir(epoch).string()},
                       name + ".out", name + ".err", {{"ZRA_SYNC_PLUGIN_DIR", ZRA_PLUGIN_DIR}});
}

json SoakFixture::run_summary(int epoch) const {
  for (const auto& e : fs::directory_iterator(report_dir(epoch))) {
    std::ifstream in(e.path() / "summary.json");
    return json::parse(in);
  }
  throw std::runtime_error("no report in " + report_dir(epoch).string());
}

json SoakFixture::sandbox_tasks() const { return json::parse(loopback_get(sandbox_->port(), "/_sandbox/tasks")); }

int64_t SoakFixture::fault_free_calls(size_t batch_size) const {
  int64_t calls = 0;
  for (const auto& [type, records] : data_.expected) {
    calls += static_cast<int64_t>((records.size() + batch_size - 1) / batch_size);
  }
  return calls;
}

}  // namespace zra::testing
