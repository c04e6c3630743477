#include "config/env_expansion.h"

#include <gtest/gtest.h>

#include "config/config_node.h"
#include "core/common/errors.h"
#include "tests/unit/config/config_test_files.h"

namespace zra {
namespace {

using testing::fake_env;

const ConfigNode kWhere = ConfigNode::scalar("", false, "/etc/zra/sync.yaml", 7, "zra.auth.client_id");

std::string expand(const std::string& text) {
  return expand_env(text, fake_env({{"HOST", "crm.example"}, {"EMPTY", ""}, {"PORT", "8443"}}), kWhere);
}

ConfigError expand_error(const std::string& text) {
  try {
    expand(text);
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no ConfigError for '" << text << "'";
  return ConfigError("", 0, "", "");
}

TEST(EnvExpansion, LeavesTextWithoutReferencesAlone) {
  EXPECT_EQ(expand("plain text"), "plain text");
  EXPECT_EQ(expand("costs $5, $ alone, $HOST"), "costs $5, $ alone, $HOST");
  EXPECT_EQ(expand(""), "");
}

TEST(EnvExpansion, ReplacesEveryReference) {
  EXPECT_EQ(expand("${HOST}"), "crm.example");
  EXPECT_EQ(expand("https://${HOST}:${PORT}/api"), "https://crm.example:8443/api");
  EXPECT_EQ(expand("${EMPTY}"), "");
}

TEST(EnvExpansion, DefaultAppliesWhenUnsetOrEmpty) {
  EXPECT_EQ(expand("${MISSING:-fallback}"), "fallback");
  EXPECT_EQ(expand("${EMPTY:-fallback}"), "fallback");
  EXPECT_EQ(expand("${HOST:-fallback}"), "crm.example");
  EXPECT_EQ(expand("${MISSING:-}"), "");
  EXPECT_EQ(expand("${MISSING:-a b:c}"), "a b:c");
}

TEST(EnvExpansion, DoubledDollarIsALiteral) {
  EXPECT_EQ(expand("$${HOST}"), "${HOST}");
  EXPECT_EQ(expand("pa$${ss ${PORT}"), "pa${ss 8443");
}

TEST(EnvExpansion, UnsetVariableWithoutDefaultNamesVariableFileLineAndKey) {
  ConfigError e = expand_error("id-${ZOOM_CLIENT_ID}");
  EXPECT_EQ(e.file(), "/etc/zra/sync.yaml");
  EXPECT_EQ(e.line(), 7);
  EXPECT_EQ(e.key_path(), "zra.auth.client_id");
  EXPECT_STREQ(e.what(),
               "/etc/zra/sync.yaml:7: zra.auth.client_id: environment variable 'ZOOM_CLIENT_ID' is not set "
               "(give a default with ${ZOOM_CLIENT_ID:-value})");
  EXPECT_EQ(e.exit_code(), 2);
}

TEST(EnvExpansion, MalformedReferencesAreErrors) {
  EXPECT_EQ(expand_error("${HOST").detail(), "unterminated '${' (close it with '}', or write $${ for a literal ${)");
  EXPECT_EQ(expand_error("${1ABC}").detail(),
            "invalid environment variable name '1ABC' (letters, digits and _, not starting with a digit; "
            "write $${ for a literal ${)");
  EXPECT_EQ(expand_error("${}").detail(),
            "invalid environment variable name '' (letters, digits and _, not starting with a digit; "
            "write $${ for a literal ${)");
}

TEST(EnvExpansion, ProcessEnvReadsTheRealEnvironment) {
  ::setenv("ZRA_CONFIG_TEST_VAR", "from-process", 1);
  EXPECT_EQ(process_env()("ZRA_CONFIG_TEST_VAR"), std::optional<std::string>("from-process"));
  ::unsetenv("ZRA_CONFIG_TEST_VAR");
  EXPECT_EQ(process_env()("ZRA_CONFIG_TEST_VAR"), std::nullopt);
}

}  // namespace
}  // namespace zra
