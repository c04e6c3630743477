// The SDK as an author gets it: install the SDK component into a temp prefix, build plugins/example out of
// tree against it with its own CMake project, then load and read the result through PluginHost and run
// check_plugin() on it. One small configure + build.
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/plugin_host/plugin_checker.h"
#include "core/plugin_host/plugin_host.h"
#include "core/plugin_host/setting_validator.h"

namespace zra {
namespace {

namespace fs = std::filesystem;

int run(const std::string& command, const std::string& log) {
  return std::system((command + " >>" + log + " 2>&1").c_str());
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SdkExample, BuildsOutOfTreeAgainstTheInstalledSdkAndRuns) {
  std::string tmpl = (fs::temp_directory_path() / "zra-sdk-test-XXXXXX").string();
  const std::string dir = ::mkdtemp(tmpl.data());
  const std::string log = dir + "/log.txt";
  const std::string cmake = ZRA_CMAKE_COMMAND;

  ASSERT_EQ(run(cmake + " --install " ZRA_BINARY_DIR " --component sdk --prefix " + dir + "/prefix", log), 0) << slurp(log);
  EXPECT_TRUE(fs::exists(dir + "/prefix/include/zra_sync/plugin.h"));
  EXPECT_TRUE(fs::exists(dir + "/prefix/include/zra_sync/plugin.hpp"));
  EXPECT_FALSE(fs::exists(dir + "/prefix/lib/zra-sync/plugins")) << "the sdk component installs the SDK only";

  ASSERT_EQ(run(cmake + " -S " ZRA_SOURCE_DIR "/plugins/example -B " + dir + "/build -DCMAKE_BUILD_TYPE=Debug "
                "-DCMAKE_PREFIX_PATH=" + dir + "/prefix", log), 0) << slurp(log);
  ASSERT_EQ(run(cmake + " --build " + dir + "/build", log), 0) << slurp(log);
  const std::string so = dir + "/build/libjsonl.so";
  ASSERT_TRUE(fs::exists(so)) << slurp(log);

  std::ofstream(dir + "/people.jsonl") << "{\"id\":\"a1\",\"name\":\"Ann\",\"age\":41}\n\n"
                                          "not json\n{\"id\":\"b2\",\"tags\":[1,2],\"name\":null}\n";
  PluginHost host({dir + "/build"});
  auto plugin = host.load("jsonl");
  EXPECT_EQ(info(*plugin).description, "JSON Lines files: one object per line, keys become columns");
  auto source = SourceInstance::create(plugin, "people", ConfigNode());
  auto reader = source->open(json_to_config_node({{"name", "people"}, {"path", "people.jsonl"}}, dir + "/sync.yaml"),
                             std::nullopt, 10);
  std::vector<SourceRow> rows;
  ASSERT_TRUE(reader->next(rows));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(*rows[0].columns, (std::vector<std::string>{"age", "id", "name", "tags"}));
  EXPECT_EQ(rows[0].locator, "people.jsonl:1");
  EXPECT_EQ(rows[0].values, (std::vector<std::optional<std::string>>{"41", "a1", "Ann", std::nullopt}));
  EXPECT_EQ(rows[1].locator, "people.jsonl:3");
  EXPECT_EQ(rows[1].error, std::optional<std::string>("not valid JSON"));
  EXPECT_EQ(rows[2].values, (std::vector<std::optional<std::string>>{std::nullopt, "b2", std::nullopt, "[1,2]"}));
  EXPECT_FALSE(reader->next(rows));

  CheckLimits limits;
  limits.memory_cycles = 8;
  auto report = check_plugin(so, "{}", "{\"path\":\"" + dir + "/people.jsonl\"}", limits);
  EXPECT_TRUE(report.passed()) << format_report(report);
  EXPECT_EQ(report.rows, 3u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace zra
