// ${file:PATH} secrets (config/secret_file.h): read owner-only files, trim one line end, resolve relative
// paths against the config's directory, register the value for redaction, refuse everything else with the
// file named. Tests run as root, which reads any file: the mode check does not rely on access().
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "config/config_node.h"
#include "config/env_expansion.h"
#include "config/secret_file.h"
#include "config/sync_config.h"
#include "core/common/errors.h"
#include "core/common/log.h"

namespace zra {
namespace {

namespace fs = std::filesystem;

class SecretFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/zra-secret-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& relative, const std::string& content, mode_t mode = 0600) {
    fs::path p = dir_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    EXPECT_EQ(::chmod(p.c_str(), mode), 0);
    return p;
  }
  // A node of the config file dir_/conf/sync.yaml, line 9.
  ConfigNode where() const {
    return ConfigNode::scalar("", true, (dir_ / "conf/sync.yaml").string(), 9, "zra.auth.client_secret");
  }
  std::string expand(const std::string& text) const { return expand_env(text, process_env(), where()); }
  // The ConfigError message of expanding `text`.
  std::string error_of(const std::string& text) const {
    try {
      expand(text);
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.line(), 9);
      EXPECT_EQ(e.key_path(), "zra.auth.client_secret");
      return e.detail();
    }
    ADD_FAILURE() << "no error for " << text;
    return "";
  }

  fs::path dir_;
};

TEST_F(SecretFileTest, ReadsTheValueWithoutOneTrailingLineEnd) {
  write("conf/a", "secret-value-a1\n");
  write("conf/b", "secret-value-b2\r\n");
  write("conf/c", "secret-value-c3\n\n");
  write("conf/d", "  secret value d4  ");
  EXPECT_EQ(expand("${file:a}"), "secret-value-a1");
  EXPECT_EQ(expand("${file:b}"), "secret-value-b2");
  EXPECT_EQ(expand("${file:c}"), "secret-value-c3\n") << "only one line end is removed";
  EXPECT_EQ(expand("${file:d}"), "  secret value d4  ") << "nothing else is trimmed";
}

TEST_F(SecretFileTest, RelativePathsResolveAgainstTheConfigDirectoryAndAbsoluteOnesAsGiven) {
  fs::path p = write("conf/secrets/zoom", "relative-secret-5\n");
  write("elsewhere/zoom", "absolute-secret-6\n");
  EXPECT_EQ(expand("${file:secrets/zoom}"), "relative-secret-5");
  EXPECT_EQ(expand("${file:" + (dir_ / "elsewhere/zoom").string() + "}"), "absolute-secret-6");
  EXPECT_EQ(expand("user:${file:secrets/zoom}@host"), "user:relative-secret-5@host");
  EXPECT_EQ(expand("$${file:secrets/zoom}"), "${file:secrets/zoom}") << "$${ stays a literal";
}

TEST_F(SecretFileTest, SymbolicLinksAreFollowedAsKubernetesMountsUseThem) {
  fs::path target = write("conf/..data/zoom", "linked-secret-7\n");
  fs::create_symlink(target, dir_ / "conf/zoom");
  EXPECT_EQ(expand("${file:zoom}"), "linked-secret-7");
}

TEST_F(SecretFileTest, TheValueIsRegisteredForRedaction) {
  write("conf/s", "registered-secret-8\n");
  expand("${file:s}");
  EXPECT_EQ(redact("token registered-secret-8 here"), "token *** here");
}

TEST_F(SecretFileTest, GroupOrOtherAccessIsRefusedWithTheModeAndTheFix) {
  const std::string path = (dir_ / "conf/s").string();
  for (mode_t mode : {0640, 0604, 0620, 0602, 0610, 0601, 0644, 0660, 0666}) {
    write("conf/s", "some-secret-value\n", mode);
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    EXPECT_EQ(error_of("${file:s}"), "secret file '" + path + "' has mode " + octal +
                                         ": group or others may access it, and a secret must be readable by its "
                                         "owner only (run: chmod 600 " + path + ")");
  }
  for (mode_t mode : {0600, 0400, 0700}) {
    write("conf/s", "owner-only-secret\n", mode);
    EXPECT_EQ(expand("${file:s}"), "owner-only-secret") << mode;
  }
}

TEST_F(SecretFileTest, MissingEmptyOversizedAndNonRegularFilesAreRefused) {
  const std::string conf = (dir_ / "conf").string();
  EXPECT_EQ(error_of("${file:absent}"), "cannot read secret file '" + conf + "/absent': No such file or directory");
  EXPECT_EQ(error_of("${file:}"), "${file:} needs a path: ${file:/run/secrets/name}");
  write("conf/empty", "\n");
  EXPECT_EQ(error_of("${file:empty}"), "secret file '" + conf + "/empty' is empty");
  write("conf/big", std::string(kMaxSecretFileBytes + 1, 'x'));
  EXPECT_EQ(error_of("${file:big}"), "secret file '" + conf + "/big' is larger than 65536 bytes; a secret file holds one value");
  fs::create_directories(dir_ / "conf/dir");
  ::chmod((dir_ / "conf/dir").c_str(), 0700);
  EXPECT_EQ(error_of("${file:dir}"), "secret file '" + conf + "/dir' is not a regular file");
  ASSERT_EQ(::mkfifo((dir_ / "conf/fifo").c_str(), 0600), 0);
  EXPECT_EQ(error_of("${file:fifo}"), "secret file '" + conf + "/fifo' is not a regular file") << "and no hang";
  EXPECT_EQ(error_of("${file:/dev/zero}"), "secret file '/dev/zero' is not a regular file");
}

TEST_F(SecretFileTest, LoadConfigReadsSecretsFromFilesAndNamesThePositionOfARefusal) {
  write("conf/secrets/zoom", "loaded-client-secret-9\n");
  write("conf/secrets/token", "loaded-crm-token-10\n");
  write("conf/mapping.yaml", "fields: { crm_lead_id: Id }\n");
  fs::path cfg = write("conf/sync.yaml",
                       "version: 1\n"
                       "zra:\n"
                       "  target: zoom\n"
                       "  base_url: http://127.0.0.1:1/v2\n"
                       "  auth:\n"
                       "    token_url: http://127.0.0.1:1/oauth/token\n"
                       "    account_id: acc\n"
                       "    client_id: cid\n"
                       "    client_secret: ${file:secrets/zoom}\n"
                       "crm: { crm_type: acme, deal_stages: [ { stage_name: A, stage_type: OPEN }, { stage_name: W, stage_type: CLOSED_WON },"
                       " { stage_name: L, stage_type: CLOSED_LOST } ] }\n"
                       "sources:\n"
                       "  - name: api\n"
                       "    plugin: rest\n"
                       "    settings: { base_url: \"http://127.0.0.1:1\", auth: { type: bearer, token: \"${file:secrets/token}\" } }\n"
                       "    streams: [ { name: leads, object: lead, path: /leads, mapping: mapping.yaml } ]\n",
                       0644);
  SyncConfig config = load_config(cfg.string());
  EXPECT_EQ(config.zra.auth.client_secret, "loaded-client-secret-9");
  EXPECT_EQ(config.sources[0].settings.at("auth").at("token").as_string(), "loaded-crm-token-10");
  EXPECT_EQ(redact("loaded-crm-token-10"), "***");

  ::chmod((dir_ / "conf/secrets/token").c_str(), 0644);
  try {
    load_config(cfg.string());
    FAIL() << "a world-readable secret file was accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), cfg.string());
    EXPECT_EQ(e.line(), 14);
    EXPECT_EQ(e.key_path(), "sources[0].settings.auth.token");
    EXPECT_NE(e.detail().find("has mode 0644"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace zra
