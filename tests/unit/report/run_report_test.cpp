// RunReport: failures kept in memory, or streamed to disk as they happen (flat memory), giving the same
// errors.csv / errors.jsonl / summary.json either way.
#include <stdlib.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/common/errors.h"
#include "core/common/log.h"
#include "core/report/run_report.h"

namespace zra {
namespace {

namespace fs = std::filesystem;

class ReportDir {
 public:
  ReportDir() {
    std::string pattern = (fs::temp_directory_path() / "zra-report-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ReportDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

RecordFailure failure(const std::string& id, Phase phase, const std::string& stream = "accounts") {
  return {"account", id, "exports", stream, stream + ".csv:" + id, phase, "owner_email", "bad, \"quoted\" value", ""};
}

void add_some(RunReport& r) {
  r.add_failure(failure("A1", Phase::Mapping));
  r.add_failure(failure("A2", Phase::Remote, "partners"));
  r.add_failure(failure("A3", Phase::Mapping));
}

TEST(RunReport, StreamedFailuresGiveTheSameFilesAsInMemoryOnes) {
  ReportDir dir;
  RunReport memory("run-m");
  add_some(memory);
  const std::string m = memory.write((dir.path() / "reports").string(), 1);

  fs::create_directories(dir.path() / "scratch");
  RunReport streamed("run-s");
  streamed.add_failure(failure("A1", Phase::Mapping));  // before streaming starts: not lost
  streamed.stream_failures_to((dir.path() / "scratch").string());
  streamed.add_failure(failure("A2", Phase::Remote, "partners"));
  streamed.add_failure(failure("A3", Phase::Mapping));
  EXPECT_TRUE(streamed.failures().empty()) << "streamed failures are not kept in memory";
  EXPECT_EQ(streamed.failure_count(), 3);
  const std::string s = streamed.write((dir.path() / "reports").string(), 1);

  const std::string csv = read_file(fs::path(s) / "errors.csv");
  EXPECT_EQ(csv, read_file(fs::path(m) / "errors.csv"));
  EXPECT_EQ(csv,
            "object_type,crm_id,source,stream,locator,phase,field,detail,task_id\n"
            "account,A1,exports,accounts,accounts.csv:A1,mapping,owner_email,\"bad, \"\"quoted\"\" value\",\n"
            "account,A2,exports,partners,partners.csv:A2,remote,owner_email,\"bad, \"\"quoted\"\" value\",\n"
            "account,A3,exports,accounts,accounts.csv:A3,mapping,owner_email,\"bad, \"\"quoted\"\" value\",\n");
  EXPECT_EQ(read_file(fs::path(s) / "errors.jsonl"), read_file(fs::path(m) / "errors.jsonl"));
  nlohmann::json sum = streamed.summary(1);
  EXPECT_EQ(sum["failures"], 3);
  EXPECT_EQ(sum["failures_by_phase"]["mapping"], 2);
  EXPECT_EQ(sum["failures_by_phase"]["remote"], 1);
  EXPECT_EQ(sum["failures_by_phase"]["source"], 0);
  EXPECT_EQ(sum["failures"], memory.summary(1)["failures"]);
  EXPECT_FALSE(fs::exists(fs::path(s) / "errors.csv.tmp"));
}

TEST(RunReport, KnowsWhichStreamsHadFailures) {
  RunReport r("run-1");
  add_some(r);
  EXPECT_EQ(r.failed_streams(),
            (std::set<std::pair<std::string, std::string>>{{"exports", "accounts"}, {"exports", "partners"}}));
}

TEST(RunReport, SecretsAreRedactedBeforeTheyReachTheDisk) {
  ReportDir dir;
  add_secret("s3cr3t-value");
  RunReport r("run-1");
  r.stream_failures_to(dir.path().string());
  RecordFailure f = failure("A1", Phase::Transport);
  f.detail = "import failed: token s3cr3t-value refused";
  r.add_failure(f);
  const std::string out = r.write((dir.path() / "reports").string(), 3);
  EXPECT_EQ(read_file(fs::path(out) / "errors.csv").find("s3cr3t-value"), std::string::npos);
  EXPECT_EQ(read_file(dir.path() / "errors.jsonl.part").find("s3cr3t-value"), std::string::npos);
}

TEST(RunReport, AnUnwritableStreamDirectoryIsAClearError) {
  RunReport r("run-1");
  try {
    r.stream_failures_to("/nonexistent/zra-dir");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create report file /nonexistent/zra-dir/errors.csv.part"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace zra
