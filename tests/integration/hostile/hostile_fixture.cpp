#include "tests/integration/hostile/hostile_fixture.h"

#include <fstream>
#include <iostream>
#include <map>
#include <mutex>

namespace zra::testing {
namespace {

std::mutex tally_mu;
std::map<std::string, int>& tally() {
  static std::map<std::string, int> t;
  return t;
}

// Prints the tally once every test has run (the figure issue 8 asks for).
class TallyPrinter : public ::testing::Environment {
 public:
  void TearDown() override {
    std::lock_guard<std::mutex> lock(tally_mu);
    if (tally().empty()) return;
    int total = 0;
    for (const auto& [table, n] : tally()) {
      std::cout << "[hostile] " << n << " bad inputs tried in table '" << table << "'\n";
      total += n;
    }
    std::cout << "[hostile] " << total << " bad inputs tried in all\n";
  }
};
[[maybe_unused]] ::testing::Environment* const kTallyPrinter = ::testing::AddGlobalTestEnvironment(new TallyPrinter);

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t p = text.find(from); p != std::string::npos; p = text.find(from, p + to.size())) {
    text.replace(p, from.size(), to);
  }
  return text;
}

}  // namespace

void count_bad_input(const std::string& table) {
  std::lock_guard<std::mutex> lock(tally_mu);
  tally()[table]++;
}

int HostileFixture::line_of(const std::string& marker, const std::string& file) const {
  std::ifstream in(dir_ / file, std::ios::binary);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find(marker) != std::string::npos) return n;
  }
  ADD_FAILURE() << "no line with '" << marker << "' in " << file;
  return -1;
}

void HostileFixture::edit_file(const std::string& file, const std::string& from, const std::string& to) {
  std::string text = read_text((dir_ / file).string());
  size_t p = text.find(from);
  ASSERT_NE(p, std::string::npos) << "'" << from << "' not in " << file;
  text.replace(p, from.size(), to);
  write_file(file, text);
}

void HostileFixture::point_config_at(const std::string& origin) {
  std::string sandbox_origin = sandbox_->base_url().substr(0, sandbox_->base_url().rfind("/v2"));
  write_file("sync.yaml", replace_all(read_text((dir_ / "sync.yaml").string()), sandbox_origin, origin));
}

void HostileFixture::intercept(ZraProxy::Interceptor interceptor) {
  proxy = std::make_unique<ZraProxy>(sandbox_->port(), std::move(interceptor));
  point_config_at(proxy->origin());
}

void HostileFixture::run_row(const HostileRow& row, const std::string& table) {
  count_bad_input(table);
  std::vector<std::string> args = row.setup(*this);
  if (HasFatalFailure()) return;
  for (auto& a : args) {
    if (a == "CONFIG") a = (dir_ / "sync.yaml").string();
  }
  CommandResult r = zra_sync(args);
  const std::string output = r.out + r.err;
  EXPECT_EQ(r.exit_code, row.exit_code) << output;
  std::vector<std::string> expected = row.expected;
  expected.insert(expected.end(), expected_.begin(), expected_.end());
  for (const auto& e : expected) {
    std::string want = replace_all(e, "DIR", dir_.string());
    EXPECT_NE(output.find(want), std::string::npos) << "expected: " << want << "\nin:\n" << output;
  }
  if (row.check) row.check(*this);
}

std::string csv_source(const std::string& object, const std::string& path, const std::string& mapping,
                       const std::string& source_name, const std::string& stream_name) {
  return "  - name: " + source_name + "\n    plugin: csv\n    streams:\n      - { name: " +
         (stream_name.empty() ? object + "s" : stream_name) + ", object: " + object + ", path: " + path +
         ", mapping: " + mapping + " }\n";
}

}  // namespace zra::testing
