#include "config/yaml_reader.h"

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "tests/unit/config/config_test_files.h"

namespace zra {
namespace {

using testing::fake_env;
using testing::TempDir;

template <typename F>
ConfigError error_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no ConfigError";
  return ConfigError("", 0, "", "");
}

ConfigNode parse(const std::string& text, const std::string& prefix = "") {
  return parse_config_text(text, "/cfg/sync.yaml", fake_env({{"TOKEN", "s3cr3t"}}), prefix);
}

TEST(YamlReader, EveryNodeKnowsFileLineAndKeyPath) {
  ConfigNode root = parse(
      "version: 1\n"                       // 1
      "sources:\n"                         // 2
      "  - name: a\n"                      // 3
      "  - name: b\n"                      // 4
      "    streams:\n"                     // 5
      "      - mapping:\n"                 // 6
      "          fields:\n"                // 7
      "            stage:\n"               // 8
      "              map: {Won: Closed Won}\n");  // 9
  const ConfigNode& map = root.at("sources").items()[1].at("streams").items()[0].at("mapping").at("fields").at("stage").at("map");
  EXPECT_EQ(map.path(), "sources[1].streams[0].mapping.fields.stage.map");
  EXPECT_EQ(map.line(), 9);
  EXPECT_EQ(map.file(), "/cfg/sync.yaml");
  EXPECT_EQ(map.at("Won").as_string(), "Closed Won");
  EXPECT_EQ(map.at("Won").path(), "sources[1].streams[0].mapping.fields.stage.map.Won");
  const ConfigNode& second = root.at("sources").items()[1];
  EXPECT_EQ(second.path(), "sources[1]");
  EXPECT_EQ(second.line(), 4);
  EXPECT_EQ(root.at("sources").line(), 2);  // a map value carries its key's line
  EXPECT_EQ(root.at("version").as_int(), 1);
}

TEST(YamlReader, RootKeyPathPrefixesEveryPath) {
  ConfigNode root = parse("fields:\n  name: Name\n", "sources[0].streams[2].mapping");
  EXPECT_EQ(root.path(), "sources[0].streams[2].mapping");
  EXPECT_EQ(root.at("fields").at("name").path(), "sources[0].streams[2].mapping.fields.name");
}

TEST(YamlReader, ScalarsRememberQuotingAndNullsAreNull) {
  ConfigNode root = parse("a: 123\nb: \"123\"\nc: '123'\nd:\ne: ~\nf: null\ng: \"null\"\nh: !!str 5\n");
  EXPECT_FALSE(root.at("a").was_quoted());
  EXPECT_TRUE(root.at("b").was_quoted());
  EXPECT_TRUE(root.at("c").was_quoted());
  EXPECT_TRUE(root.at("d").is_null());
  EXPECT_EQ(root.at("d").line(), 4);
  EXPECT_TRUE(root.at("e").is_null());
  EXPECT_TRUE(root.at("f").is_null());
  EXPECT_TRUE(root.at("g").is_scalar());
  EXPECT_EQ(root.at("g").as_string(), "null");
  EXPECT_TRUE(root.at("h").was_quoted());
  EXPECT_EQ(root.to_json().dump(), R"({"a":123,"b":"123","c":"123","d":null,"e":null,"f":null,"g":"null","h":"5"})");
}

TEST(YamlReader, ExpandsVariablesInValuesButNotKeys) {
  ConfigNode root = parse("auth:\n  token: \"${TOKEN}\"\n  plain: ${TOKEN:-x}\n\"${TOKEN}\": 1\nlist: [\"$${TOKEN}\"]\n");
  EXPECT_EQ(root.at("auth").at("token").as_string(), "s3cr3t");
  EXPECT_TRUE(root.at("auth").at("token").was_quoted());
  EXPECT_EQ(root.at("auth").at("plain").as_string(), "s3cr3t");
  EXPECT_FALSE(root.at("auth").at("plain").was_quoted());
  EXPECT_NE(root.find("${TOKEN}"), nullptr);
  EXPECT_EQ(root.at("list").items()[0].as_string(), "${TOKEN}");
}

TEST(YamlReader, UnsetVariableIsAnErrorAtItsNode) {
  ConfigError e = error_of([] { parse("zra:\n  auth:\n    client_secret: ${ZOOM_CLIENT_SECRET}\n"); });
  EXPECT_STREQ(e.what(),
               "/cfg/sync.yaml:3: zra.auth.client_secret: environment variable 'ZOOM_CLIENT_SECRET' is not set "
               "(give a default with ${ZOOM_CLIENT_SECRET:-value})");
}

TEST(YamlReader, DuplicateKeyIsAnError) {
  ConfigError e = error_of([] { parse("zra:\n  batch_size: 10\n  plan: pro\n  batch_size: 20\n"); });
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(e.key_path(), "zra.batch_size");
  EXPECT_STREQ(e.what(), "/cfg/sync.yaml:4: zra.batch_size: duplicate key 'batch_size' (first given at line 2)");
}

TEST(YamlReader, DuplicateKeyInJsonIsAnError) {
  ConfigError e = error_of([] {
    parse_config_text("{\n  \"version\": 1,\n  \"zra\": {},\n  \"version\": 2\n}\n", "/cfg/sync.json", fake_env({}), "",
                      true);
  });
  EXPECT_STREQ(e.what(), "/cfg/sync.json:4: version: duplicate key 'version' (first given at line 2)");
}

TEST(YamlReader, SyntaxErrorsNameFileAndLine) {
  ConfigError yaml = error_of([] { parse("version: 1\nzra:\n  plan: [pro\n  batch_size: 5\n"); });
  EXPECT_EQ(yaml.file(), "/cfg/sync.yaml");
  EXPECT_EQ(yaml.line(), 4);
  EXPECT_EQ(yaml.detail(), "invalid YAML: end of sequence flow not found");

  ConfigError json = error_of([] {
    parse_config_text("{\n  \"version\": 1,\n  \"zra\": {\"plan\": \"pro\",, }\n}\n", "/cfg/sync.json", fake_env({}), "",
                      true);
  });
  EXPECT_EQ(json.line(), 3);
  EXPECT_EQ(json.detail(), "invalid JSON: syntax error while parsing object key - unexpected ','; expected string literal");

  // YAML would forgive these; a JSON file is held to JSON.
  ConfigError trailing = error_of([] {
    parse_config_text("{\n  \"version\": 1,\n}\n", "/cfg/sync.json", fake_env({}), "", true);
  });
  EXPECT_EQ(trailing.line(), 3);
  EXPECT_EQ(trailing.detail(), "invalid JSON: syntax error while parsing object key - unexpected '}'; expected string literal");

  ConfigError indent = error_of([] { parse("a: 1\n b: 2\n"); });
  EXPECT_STREQ(indent.what(), "/cfg/sync.yaml:2: invalid YAML: illegal map value");
}

TEST(YamlReader, OneDocumentPerFile) {
  ConfigError e = error_of([] { parse("a: 1\n---\nb: 2\n"); });
  EXPECT_EQ(e.line(), 2);  // the '---' line
  EXPECT_EQ(e.detail(),
            "more than one YAML document (a '---' line, or a stray ',' at the top level); a configuration file holds one");
  // yaml-cpp alone would read endless empty documents from a lone ','.
  ConfigError comma = error_of([] { parse(","); });
  EXPECT_EQ(comma.detail(), e.detail());
}

TEST(YamlReader, EmptyDocumentIsNull) {
  EXPECT_TRUE(parse("").is_null());
  EXPECT_TRUE(parse("# only a comment\n").is_null());
}

TEST(YamlReader, NonTextKeysAreErrors) {
  ConfigError e = error_of([] { parse("ok: 1\n? [a, b]\n: 2\n"); });
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.detail(), "keys must be text, not a list or a mapping");
  ConfigError empty = error_of([] { parse("zra:\n  plan: pro\n  : 5\n"); });
  EXPECT_STREQ(empty.what(), "/cfg/sync.yaml:3: zra: a key is missing before ':'");
}

TEST(YamlReader, MergeKeysApplyButExplicitKeysWin) {
  ConfigNode root = parse(
      "defaults: &d {mode: mirror, max_delete_fraction: 0.1}\n"
      "stream:\n"
      "  <<: *d\n"
      "  mode: upsert\n");
  const ConfigNode& s = root.at("stream");
  ASSERT_EQ(s.entries().size(), 2u);
  EXPECT_EQ(s.at("mode").as_string(), "upsert");
  EXPECT_EQ(s.at("max_delete_fraction").as_string(), "0.1");
  EXPECT_EQ(s.at("max_delete_fraction").path(), "stream.max_delete_fraction");
}

TEST(YamlReader, ReadsFilesWithBomAndDetectsJson) {
  TempDir dir;
  std::string yaml = dir.write("a.yaml", "\xEF\xBB\xBFkey: value\n");
  ConfigNode y = read_config_file(yaml, fake_env({}));
  EXPECT_EQ(y.at("key").as_string(), "value");
  EXPECT_EQ(y.file(), yaml);
  EXPECT_EQ(y.base_dir(), dir.path());

  std::string json_no_ext = dir.write("conf", "  {\"a\": {\"b\": [1,\n \"x\"]}}");
  ConfigNode j = read_config_file(json_no_ext, fake_env({}));
  EXPECT_EQ(j.at("a").at("b").items()[1].line(), 2);
  EXPECT_TRUE(j.at("a").at("b").items()[1].was_quoted());
  ConfigError e = error_of([&] { read_config_file(dir.write("broken", "{\"a\": [1, 2}"), fake_env({})); });
  EXPECT_EQ(e.detail().rfind("invalid JSON: ", 0), 0u) << e.detail();
}

TEST(YamlReader, FilePathIsAbsoluteAndNormalised) {
  TempDir dir;
  dir.write("sub/x.yaml", "a: 1\n");
  ConfigNode n = read_config_file(dir.path() + "/sub/../sub/./x.yaml", fake_env({}));
  EXPECT_EQ(n.file(), dir.path() + "/sub/x.yaml");
}

TEST(YamlReader, MissingFileNamesPathAndReason) {
  TempDir dir;
  ConfigError e = error_of([&] { read_config_file(dir.file("nope.yaml"), fake_env({})); });
  EXPECT_EQ(e.file(), dir.file("nope.yaml"));
  EXPECT_EQ(e.line(), 0);
  EXPECT_EQ(std::string(e.what()), dir.file("nope.yaml") + ": cannot read file: No such file or directory");
}

TEST(YamlReader, DirectoryIsNotReadable) {
  TempDir dir;
  ConfigError e = error_of([&] { read_config_file(dir.path(), fake_env({})); });
  EXPECT_EQ(std::string(e.what()), dir.path() + ": cannot read file: Is a directory");
}

TEST(YamlReader, PathThroughAFileNamesTheReason) {
  TempDir dir;
  std::string file = dir.write("plain.txt", "x");
  ConfigError e = error_of([&] { read_config_file(file + "/sync.yaml", fake_env({})); });
  EXPECT_EQ(std::string(e.what()), file + "/sync.yaml: cannot read file: Not a directory");
}

TEST(YamlReader, UnreadableFileNamesPathAndReason) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files regardless of their mode";
  TempDir dir;
  std::string path = dir.write("secret.yaml", "a: 1\n");
  std::filesystem::permissions(path, std::filesystem::perms::none);
  ConfigError e = error_of([&] { read_config_file(path, fake_env({})); });
  EXPECT_EQ(std::string(e.what()), path + ": cannot read file: Permission denied");
}

TEST(YamlReader, AliasBombIsRefused) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (char c = 'b'; c <= 'h'; ++c) {
    std::string name(1, c);
    text += name + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) text += std::string(i ? ", " : "") + "*" + prev;
    text += "]\n";
    prev = name;
  }
  ConfigError e = error_of([&] { parse(text); });
  EXPECT_EQ(e.detail(), "more than 200000 values once aliases are expanded");
}

}  // namespace
}  // namespace zra
