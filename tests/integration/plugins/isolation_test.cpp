// Process isolation through the real source host (a stub program serving `__source-host`): a plugin
// that crashes, aborts, hangs or scribbles on stdout fails only its stream, with a SourceError naming
// the plugin file, the signal and the rows received; plugin errors read exactly as in-process; children
// are always reaped and die with their parent.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/common/errors.h"
#include "core/common/log.h"
#include "core/plugin_host/plugin_host.h"
#include "core/plugin_host/setting_validator.h"

namespace zra {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string fixture_path(const std::string& variant) {
  return fs::canonical(std::string(ZRA_FIXTURE_PLUGIN_DIR) + "/libfixture_" + variant + ".so").string();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no exception>";
}

std::vector<SourceRow> read_all(StreamReader& reader) {
  std::vector<SourceRow> all, batch;
  while (reader.next(batch)) all.insert(all.end(), batch.begin(), batch.end());
  return all;
}

// The pids of this process's children (from /proc): a reaped child is not among them.
std::vector<pid_t> children() {
  std::vector<pid_t> out;
  const pid_t self = ::getpid();
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    // pid (comm) state ppid ...: comm may hold spaces, so parse after the last ')'.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == self) out.push_back(std::stoi(name));
  }
  return out;
}

class IsolationTest : public ::testing::Test {
 protected:
  void SetUp() override { set_source_host_program(ZRA_SOURCE_HOST_STUB); }
  void TearDown() override {
    set_source_host_program("");
    EXPECT_TRUE(children().empty()) << "a source host child was left unreaped";
  }

  IsolationOptions process(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    IsolationOptions o;
    o.mode = Isolation::Process;
    o.read_timeout = timeout;
    return o;
  }
  static IsolationOptions in_process() {
    IsolationOptions o;
    o.mode = Isolation::InProcess;
    return o;
  }
  std::unique_ptr<SourceInstance> create(const std::string& variant, const IsolationOptions& o,
                                         const nlohmann::json& settings = nlohmann::json::object()) {
    return SourceInstance::create(host_.load("fixture_" + variant), "src",
                                  json_to_config_node(settings, "/etc/zra/sync.yaml", "sources[0].settings"), o);
  }
  static std::string stream_json(long size, long batch_rows, long fail_at_row = -1) {
    return nlohmann::json{{"name", "a"}, {"label", "L"}, {"size", size}, {"batch_rows", batch_rows},
                          {"fail_at_row", fail_at_row}}.dump();
  }

  PluginHost host_{{ZRA_FIXTURE_PLUGIN_DIR}};
};

TEST_F(IsolationTest, RowsAreTheSameAsInProcess) {
  auto in = create("good", in_process());
  auto out = create("good", process());
  EXPECT_EQ(in->isolation(), Isolation::InProcess);
  EXPECT_EQ(out->isolation(), Isolation::Process);
  auto a = read_all(*in->open_json("a", stream_json(7, 2)));
  auto b = read_all(*out->open_json("a", stream_json(7, 2)));
  ASSERT_EQ(a.size(), 7u);
  ASSERT_EQ(b.size(), 7u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(*a[i].columns, *b[i].columns);
    EXPECT_EQ(a[i].locator, b[i].locator);
    EXPECT_EQ(a[i].values, b[i].values) << a[i].locator;
    EXPECT_EQ(a[i].error, b[i].error) << a[i].locator;
  }
  EXPECT_EQ(b[2].error, std::optional<std::string>("row 3 is unreadable"));
  EXPECT_EQ(b[0].values[1], std::nullopt);  // odd rows: NULL label
  EXPECT_EQ(b[1].values[1], std::optional<std::string>("L"));
  EXPECT_EQ(b[0].columns, b[6].columns);  // one Columns frame: the names are shared
}

TEST_F(IsolationTest, ASegfaultAfterSomeRowsFailsTheStreamNamingFileSignalAndRows) {
  auto source = create("crash_at_row", process());
  auto reader = source->open_json("a", stream_json(10, 2, 4));
  std::vector<SourceRow> rows;
  ASSERT_TRUE(reader->next(rows));
  ASSERT_TRUE(reader->next(rows));
  try {
    reader->next(rows);
    FAIL() << "no error";
  } catch (const SourceError& e) {
    EXPECT_EQ(std::string(e.what()),
              "source 'src' (plugin 'fixture_crash_at_row'), stream 'a': the plugin process crashed with SIGSEGV "
              "during next_batch() (plugin file " + fixture_path("crash_at_row") + "; 4 rows of this stream received)");
    EXPECT_EQ(e.exit_code(), kExitFatal);
  }
  EXPECT_TRUE(rows.empty());
  EXPECT_THAT(error_of([&] { reader->next(rows); }), HasSubstr("read again after the stream failed"));
  reader.reset();
  // The source goes on: the next stream gets a new process.
  EXPECT_EQ(read_all(*source->open_json("a", stream_json(10, 3))).size(), 10u);
}

TEST_F(IsolationTest, AnAbortInOpenFailsThatOpen) {
  auto source = create("abort_open", process());
  EXPECT_EQ(error_of([&] { source->open_json("a", stream_json(5, 2)); }),
            "source 'src' (plugin 'fixture_abort_open'), stream 'a': the plugin process crashed with SIGABRT during "
            "open() (plugin file " + fixture_path("abort_open") + "; 0 rows of this stream received)");
}

TEST_F(IsolationTest, ACrashInCreateFailsEachStreamNotTheCreation) {
  std::ostringstream captured;
  configure_logging(LogOptions{LogFormat::Json, LogLevel::Info}, &captured);
  auto source = create("crash_create", process());
  configure_logging(LogOptions{}, &std::cerr);
  EXPECT_THAT(captured.str(), HasSubstr("\"event\":\"source.crashed\""));
  EXPECT_THAT(captured.str(), HasSubstr("crashed with SIGSEGV during create()"));
  const std::string expected = "source 'src' (plugin 'fixture_crash_create'), stream 'a': the plugin process crashed "
                               "with SIGSEGV during create() (plugin file " + fixture_path("crash_create") +
                               "; 0 rows of this stream received)";
  EXPECT_EQ(error_of([&] { source->open_json("a", stream_json(5, 2)); }), expected);
  EXPECT_EQ(error_of([&] { source->open_json("a", stream_json(5, 2)); }), expected);  // each stream tries again
  EXPECT_THAT(error_of([&] { source->check(); }), HasSubstr("crashed with SIGSEGV during create()"));
}

TEST_F(IsolationTest, AHangingPluginIsKilledAfterTheReadTimeout) {
  auto source = create("hangs", process(std::chrono::milliseconds(300)));
  auto reader = source->open_json("a", stream_json(5, 2));
  std::vector<SourceRow> rows;
  EXPECT_EQ(error_of([&] { reader->next(rows); }),
            "source 'src' (plugin 'fixture_hangs'), stream 'a': the plugin process sent nothing for 300 ms (hung? "
            "the read timeout) and was killed during next_batch() (plugin file " + fixture_path("hangs") +
            "; 0 rows of this stream received)");
}

TEST_F(IsolationTest, AMalformedFrameKillsTheChildAndFailsTheStream) {
  auto source = create("corrupts_channel", process());
  auto reader = source->open_json("a", stream_json(5, 2));
  std::vector<SourceRow> rows;
  EXPECT_EQ(error_of([&] { reader->next(rows); }),
            "source 'src' (plugin 'fixture_corrupts_channel'), stream 'a': the plugin process sent a malformed frame "
            "(a frame length of 4294967295 bytes exceeds the limit of 1073741824 bytes) and was killed during "
            "next_batch() (plugin file " + fixture_path("corrupts_channel") + "; 0 rows of this stream received)");
}

TEST_F(IsolationTest, GarbageOnStdoutNeitherCorruptsTheFramingNorReachesTheHostsStdout) {
  std::fflush(stdout);
  const std::string captured_path = (fs::temp_directory_path() / ("zra-iso-stdout-" + std::to_string(::getpid()))).string();
  const int saved = ::dup(1);
  FILE* f = std::fopen(captured_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  ::dup2(::fileno(f), 1);
  std::vector<SourceRow> rows;
  {
    auto source = create("stdout_garbage", process());
    rows = read_all(*source->open_json("a", stream_json(5, 2)));
  }
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  std::fclose(f);
  std::ifstream in(captured_path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::remove(captured_path);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[4].locator, "fixture:5");
  EXPECT_EQ(rows[4].values[0], std::optional<std::string>("id5"));
  EXPECT_EQ(text, "");  // the child's stdout is the host's stderr
}

TEST_F(IsolationTest, PluginErrorsReadExactlyAsInProcess) {
  for (const auto& o : {in_process(), process()}) {
    SCOPED_TRACE(to_string(o.mode));
    auto source = create("good", o);
    EXPECT_EQ(error_of([&] { source->open_json("a", R"({"name":"a","label":"x","fail_open":true})"); }),
              "source 'src' (plugin 'fixture_good'), stream 'a': open() failed (ZRA_ERROR_IO): cannot open stream 'a'");
    auto reader = source->open_json("a", stream_json(10, 2, 2));
    std::vector<SourceRow> rows;
    EXPECT_TRUE(reader->next(rows));
    EXPECT_EQ(error_of([&] { reader->next(rows); }),
              "source 'src' (plugin 'fixture_good'), stream 'a': next_batch() failed (ZRA_ERROR_IO): connection lost at row 3");
    reader.reset();
    EXPECT_EQ(read_all(*source->open_json("a", stream_json(3, 2))).size(), 3u);  // same process, next stream
    try {
      create("good", o, {{"token", "s3cr3t-value"}, {"fail_create", true}});
      FAIL() << "no error";
    } catch (const SourceError& e) {
      EXPECT_EQ(std::string(e.what()),
                "source 'src' (plugin 'fixture_good'): create() failed (ZRA_ERROR_SETTINGS): cannot log in with token ***");
      EXPECT_EQ(e.exit_code(), kExitUsage);
    }
    auto throws = create("throws", o);
    auto t = throws->open_json("a", stream_json(3, 2));
    EXPECT_EQ(error_of([&] { t->next(rows); }),
              "source 'src' (plugin 'fixture_throws'), stream 'a': plugin bug: a C++ exception escaped next_batch() "
              "(exceptions must not cross the ABI): boom from next_batch");
  }
}

TEST_F(IsolationTest, AStreamLeftEarlyStopsItsProcessAndTheNextStreamStartsANewOne) {
  auto source = create("good", process());
  auto reader = source->open_json("a", stream_json(100000, 10));
  std::vector<SourceRow> rows;
  ASSERT_TRUE(reader->next(rows));
  EXPECT_EQ(rows.size(), 10u);
  EXPECT_EQ(children().size(), 1u);
  reader.reset();
  EXPECT_TRUE(children().empty());
  EXPECT_EQ(read_all(*source->open_json("a", stream_json(5, 2))).size(), 5u);
  EXPECT_EQ(error_of([&] {
              auto r1 = source->open_json("a", stream_json(5, 2));
              source->open_json("b", stream_json(5, 2));
            }),
            "source 'src' (plugin 'fixture_good'), stream 'b': another stream of this source is still open (one "
            "stream at a time per instance)");
}

TEST_F(IsolationTest, PluginLogLinesAreForwardedToTheHostLogger) {
  std::ostringstream captured;
  configure_logging(LogOptions{LogFormat::Json, LogLevel::Info}, &captured);
  auto source = create("good", process());
  configure_logging(LogOptions{}, &std::cerr);
  nlohmann::json line = nlohmann::json::parse(captured.str());
  EXPECT_EQ(line["event"], "plugin.log");
  EXPECT_EQ(line["message"], "fixture instance created");
  EXPECT_EQ(line["plugin"], "fixture_good");
  EXPECT_EQ(line["source"], "src");
}

TEST_F(IsolationTest, TheChildDiesWithItsParent) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t parent = ::fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    // An intermediate parent: starts a hanging source, says its child's pid, and dies without cleanup.
    auto source = create("hangs", process());
    auto reader = source->open_json("a", stream_json(5, 2));
    std::vector<pid_t> kids = children();
    pid_t kid = kids.size() == 1 ? kids[0] : -1;
    ssize_t n = ::write(pipe_fds[1], &kid, sizeof kid);
    (void)n;
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  pid_t grandchild = -1;
  ASSERT_EQ(::read(pipe_fds[0], &grandchild, sizeof grandchild), static_cast<ssize_t>(sizeof grandchild));
  ::close(pipe_fds[0]);
  int st = 0;
  ASSERT_EQ(::waitpid(parent, &st, 0), parent);
  ASSERT_GT(grandchild, 0);
  // SIGKILLed by PR_SET_PDEATHSIG: gone, or a zombie waiting for init to reap it.
  bool dead = false;
  for (int i = 0; i < 200 && !dead; ++i) {
    std::ifstream in("/proc/" + std::to_string(grandchild) + "/stat");
    std::string line;
    dead = !std::getline(in, line) || line.substr(line.rfind(')') + 2, 1) == "Z";
    if (!dead) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(dead) << "source host " << grandchild << " outlived its parent";
}

TEST(IsolationOptionsTest, ParsesTheConfigValuesAndFallsBackWithoutAHostProgram) {
  EXPECT_EQ(parse_isolation("process"), Isolation::Process);
  EXPECT_EQ(parse_isolation("in_process"), Isolation::InProcess);
  EXPECT_THROW(parse_isolation("thread"), std::invalid_argument);
  set_source_host_program("");
  ::unsetenv("ZRA_SYNC_SOURCE_HOST");
  EXPECT_EQ(source_host_program(), "");  // a test binary does not serve __source-host
  EXPECT_EQ(default_isolation().mode, Isolation::InProcess);
  EXPECT_EQ(isolation_for(Isolation::Process).mode, Isolation::InProcess);
  set_source_host_program("/usr/bin/zra-source-host");
  EXPECT_EQ(default_isolation().mode, Isolation::Process);
  ::setenv("ZRA_SYNC_ISOLATION", "in_process", 1);
  EXPECT_EQ(default_isolation().mode, Isolation::InProcess);
  ::unsetenv("ZRA_SYNC_ISOLATION");
  EXPECT_EQ(isolation_for(Isolation::InProcess).mode, Isolation::InProcess);
  ::setenv("ZRA_SYNC_SOURCE_READ_TIMEOUT_S", "1.5", 1);
  EXPECT_EQ(default_isolation().read_timeout, std::chrono::milliseconds(1500));
  ::unsetenv("ZRA_SYNC_SOURCE_READ_TIMEOUT_S");
  EXPECT_EQ(default_isolation().read_timeout, std::chrono::minutes(10));
  set_source_host_program("");
}

}  // namespace
}  // namespace zra
