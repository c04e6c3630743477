#pragma once
// Shared by the hostile-input tables: a row type, the fixture that runs the real binary against the
// sandbox (SyncFixture), and the tally of bad inputs tried that the binary prints when it ends.
#include <atomic>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "tests/integration/engine/sync_fixture.h"
#include "tests/integration/hostile/zra_proxy.h"

namespace zra::testing {

// Counts one bad input of `table` (printed, per table and in total, when the test binary ends).
void count_bad_input(const std::string& table);

class HostileFixture;

// One bad input and what it must get. `setup` writes the files (and may start a proxy) and returns the
// arguments of the zra-sync command ("CONFIG" stands for the config path); `check` asserts the rest.
struct HostileRow {
  std::string name;
  std::function<std::vector<std::string>(HostileFixture&)> setup;
  int exit_code = 2;
  std::vector<std::string> expected;  // each must appear in stdout + stderr, after "DIR" -> the test dir
  std::function<void(HostileFixture&)> check;  // optional extra assertions (records stored, report...)
};
inline void PrintTo(const HostileRow& row, std::ostream* os) { *os << row.name; }
inline std::string row_name(const ::testing::TestParamInfo<HostileRow>& info) { return info.param.name; }

// Every table, for the count test.
std::vector<HostileRow> config_rows();
std::vector<HostileRow> data_rows();
std::vector<HostileRow> zra_answer_rows();

class HostileFixture : public SyncFixture {
 public:
  // The 1-based line of the first line of sync.yaml (or `file`, relative to the test dir) containing
  // `marker`; fails the test when there is none.
  int line_of(const std::string& marker, const std::string& file = "sync.yaml") const;
  // Replaces the first `from` in a file of the test dir by `to`.
  void edit_file(const std::string& file, const std::string& from, const std::string& to);
  // The sandbox origin in sync.yaml replaced by `origin` (a proxy's).
  void point_config_at(const std::string& origin);
  std::filesystem::path dir() const { return dir_; }
  using SyncFixture::import_calls;
  using SyncFixture::register_crm;
  using SyncFixture::report_errors;
  using SyncFixture::report_summary;
  using SyncFixture::sandbox_;
  using SyncFixture::sandbox_options_;
  using SyncFixture::start_sandbox;
  using SyncFixture::stored;
  using SyncFixture::write_config;
  using SyncFixture::write_default_mappings;
  using SyncFixture::write_file;
  using SyncFixture::zra_sync;

  // A text the output must contain, known only once `setup` has written the files (a line number).
  void expect_text(std::string text) { expected_.push_back(std::move(text)); }
  // "<file in the test dir>:<line of marker>: " — the position prefix of a ConfigError.
  std::string at(const std::string& marker, const std::string& file = "sync.yaml") const {
    return (dir_ / file).string() + ":" + std::to_string(line_of(marker, file)) + ": ";
  }

  // Puts a ZraProxy with `interceptor` between zra-sync and the sandbox (write the config first).
  // The interceptor should answer only while `faults_on` is set, so a check can rerun without faults.
  void intercept(ZraProxy::Interceptor interceptor);
  std::unique_ptr<ZraProxy> proxy;
  std::atomic<bool> faults_on{true};

  // Runs `row`: setup, the command, the exit code and expected texts, then check.
  void run_row(const HostileRow& row, const std::string& table);

 private:
  std::vector<std::string> expected_;
};

// The four lines of a one-stream CSV source block for write_config().
std::string csv_source(const std::string& object, const std::string& path, const std::string& mapping,
                       const std::string& source_name = "exports", const std::string& stream_name = "");

}  // namespace zra::testing
