// The metrics file on disk: carried over between runs, replaced atomically, errors name the path.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/report/metrics_writer.h"

namespace zra {
namespace {
namespace fs = std::filesystem;

class MetricsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("zra-metrics-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  static nlohmann::json summary(int exit_code, int64_t import_calls) {
    return {{"run_id", "r"}, {"exit_code", exit_code}, {"api_calls", {{"import_calls", import_calls}}}};
  }
  std::vector<std::string> entries(const fs::path& d) const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(d)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
};

TEST_F(MetricsFile, LastSuccessSurvivesAFailedRunOnDisk) {
  const fs::path file = dir_ / "zra-sync.prom";
  write_prometheus_metrics(file.string(), summary(0, 2), 1000);
  write_prometheus_metrics(file.string(), summary(1, 3), 2000);
  const std::string text = read(file);
  EXPECT_NE(text.find("\nzra_sync_last_success_timestamp_seconds 1000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_last_run_timestamp_seconds 2000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_last_run_exit_code 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nzra_sync_import_calls_total 5\n"), std::string::npos) << text;
  EXPECT_EQ(text, render_prometheus_metrics(summary(1, 3), 2000, render_prometheus_metrics(summary(0, 2), 1000, "")));
}

TEST_F(MetricsFile, ReplacesTheFileByRenameSoReadersNeverSeeAPartialFile) {
  const fs::path file = dir_ / "zra-sync.prom";
  write_prometheus_metrics(file.string(), summary(0, 1), 1000);
  const std::string old_text = read(file);
  struct stat before {};
  ASSERT_EQ(::stat(file.c_str(), &before), 0);
  std::ifstream reader(file, std::ios::binary);  // a collector in the middle of reading the old file

  write_prometheus_metrics(file.string(), summary(0, 1), 2000);

  struct stat after {};
  ASSERT_EQ(::stat(file.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino) << "the file was rewritten in place, not replaced by rename";
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(reader), std::istreambuf_iterator<char>()), old_text);
  EXPECT_NE(read(file).find("\nzra_sync_last_run_timestamp_seconds 2000\n"), std::string::npos);
  EXPECT_EQ(entries(dir_), std::vector<std::string>{"zra-sync.prom"}) << "temporary file left behind";
  EXPECT_EQ(after.st_mode & 0777, 0644u);  // readable by a collector running as another user
}

TEST_F(MetricsFile, FailedReplaceThrowsNamingThePathAndLeavesNoTemporaryFile) {
  // A non-empty directory where the file should be: rename() cannot replace it.
  const fs::path file = dir_ / "metrics.prom";
  fs::create_directories(file / "occupied");
  try {
    write_prometheus_metrics(file.string(), summary(0, 1), 1000);
    FAIL() << "expected a FatalError";
  } catch (const FatalError& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    EXPECT_EQ(e.exit_code(), 3);
  }
  EXPECT_EQ(entries(dir_), std::vector<std::string>{"metrics.prom"}) << "temporary file left behind";
  EXPECT_TRUE(fs::exists(file / "occupied"));
}

TEST_F(MetricsFile, CreatesTheMissingDirectory) {
  const fs::path file = dir_ / "reports" / "nested" / "zra-sync.prom";
  write_prometheus_metrics(file.string(), summary(0, 1), 1000);
  EXPECT_NE(read(file).find("\nzra_sync_last_success_timestamp_seconds 1000\n"), std::string::npos);
}

TEST_F(MetricsFile, UncreatableDirectoryIsAFatalErrorNamingThePath) {
  const fs::path blocker = dir_ / "plain-file";
  std::ofstream(blocker) << "x";
  const fs::path file = blocker / "zra-sync.prom";
  try {
    write_prometheus_metrics(file.string(), summary(0, 1), 1000);
    FAIL() << "expected a FatalError";
  } catch (const FatalError& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace zra
