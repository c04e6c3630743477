// docs/plugin-authoring.md is checked against the ABI header: every struct, enum and callback of
// plugin.h must be named in the guide, so a new ABI member cannot ship undocumented.
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(PluginDocs, GuideNamesEveryStructAndCallbackOfTheHeader) {
  const std::string header = slurp(ZRA_SOURCE_DIR "/plugins/sdk/include/zra_sync/plugin.h");
  const std::string guide = slurp(ZRA_SOURCE_DIR "/docs/plugin-authoring.md");
  ASSERT_FALSE(header.empty());
  ASSERT_FALSE(guide.empty());
  std::set<std::string> names;
  const std::regex type_re(R"(typedef (?:struct|enum) (zra_\w+))"), callback_re(R"(\(\*(\w+)\)\()");
  for (const auto& re : {type_re, callback_re}) {
    for (std::sregex_iterator it(header.begin(), header.end(), re), end; it != end; ++it) names.insert((*it)[1]);
  }
  EXPECT_GE(names.size(), 15u);
  for (const auto& name : names) EXPECT_NE(guide.find(name), std::string::npos) << name << " is not in docs/plugin-authoring.md";
}

}  // namespace
