#include "config/sync_config.h"

#include <gtest/gtest.h>

#include "core/common/errors.h"
#include "core/common/log.h"
#include "tests/unit/config/config_test_files.h"

namespace zra {
namespace {

using testing::fake_env;
using testing::TempDir;

// A small valid configuration; tests replace parts of it. Line numbers are referred to below.
const char* const kBase =
    "version: 1\n"                                             // 1
    "zra:\n"                                                   // 2
    "  target: sandbox\n"                                      // 3
    "crm:\n"                                                   // 4
    "  crm_type: acme\n"                                       // 5
    "  deal_stages:\n"                                         // 6
    "    - { stage_name: Open, stage_type: OPEN }\n"           // 7
    "    - { stage_name: Won, stage_type: CLOSED_WON }\n"      // 8
    "    - { stage_name: Lost, stage_type: CLOSED_LOST }\n"    // 9
    "sources:\n"                                               // 10
    "  - name: files\n"                                        // 11
    "    plugin: csv\n"                                        // 12
    "    streams:\n"                                           // 13
    "      - name: accounts\n"                                 // 14
    "        object: account\n"                                // 15
    "        path: data/accounts.csv\n"                        // 16
    "        mapping: {fields: {crm_account_id: Id}}\n";       // 17

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  size_t pos = text.find(from);
  if (pos == std::string::npos) {
    ADD_FAILURE() << "'" << from << "' is not in the config";
    return text;
  }
  return text.replace(pos, from.size(), to);
}

class SyncConfigTest : public ::testing::Test {
 protected:
  SyncConfig load(const std::string& text, std::map<std::string, std::string> env = {}) {
    return load_config(dir_.write("sync.yaml", text), fake_env(std::move(env)));
  }
  ConfigError error(const std::string& text, std::map<std::string, std::string> env = {}) {
    try {
      load(text, std::move(env));
    } catch (const ConfigError& e) {
      return e;
    }
    ADD_FAILURE() << "no ConfigError for:\n" << text;
    return ConfigError("", 0, "", "");
  }
  // "sync.yaml:LINE: PATH: MESSAGE" with the file's absolute path.
  std::string at(int line, const std::string& path, const std::string& message) const {
    return dir_.file("sync.yaml") + ":" + std::to_string(line) + ": " + path + ": " + message;
  }
  TempDir dir_;
};

TEST_F(SyncConfigTest, MinimalConfigGetsTheDefaults) {
  SyncConfig c = load(kBase);
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.file, dir_.file("sync.yaml"));
  EXPECT_EQ(c.zra.target, "sandbox");
  EXPECT_EQ(c.zra.base_url, "https://api.zoom.us/v2");
  EXPECT_EQ(c.zra.auth.token_url, "https://zoom.us/oauth/token");
  EXPECT_EQ(c.zra.plan, "business");
  EXPECT_EQ(c.zra.batch_size, 2000);
  EXPECT_EQ(c.zra.max_in_flight_tasks, 4);
  EXPECT_EQ(c.zra.poll.initial_ms, 500);
  EXPECT_EQ(c.zra.poll.max_ms, 15000);
  EXPECT_EQ(c.zra.poll.timeout_s, 3600);
  EXPECT_TRUE(c.zra.tls_verify);
  EXPECT_EQ(c.zra.ca_file, "");
  EXPECT_EQ(c.zra.request_timeout_s, 60);
  EXPECT_EQ(c.zra.max_retries, 8);
  ASSERT_EQ(c.zra.rate_limits.size(), 5u);
  EXPECT_EQ(c.zra.rate_limits.at("light").count, 80);
  EXPECT_EQ(c.zra.rate_limits.at("light").per_seconds, 1);
  EXPECT_EQ(c.zra.rate_limits.at("medium").count, 60);
  EXPECT_EQ(c.zra.rate_limits.at("heavy").count, 40);
  EXPECT_EQ(c.zra.rate_limits.at("resource_intensive").count, 20);
  EXPECT_EQ(c.zra.rate_limits.at("resource_intensive").per_seconds, 60);
  EXPECT_EQ(c.zra.rate_limits.at("daily").count, 60000);
  EXPECT_EQ(c.zra.rate_limits.at("daily").per_seconds, 86400);
  EXPECT_EQ(c.crm.crm_type, "acme");
  EXPECT_EQ(c.crm.crm_name, "acme");
  EXPECT_EQ(c.crm.currency_type, "USD");
  ASSERT_EQ(c.crm.deal_stages.size(), 3u);
  EXPECT_EQ(c.crm.deal_stages[1].name, "Won");
  EXPECT_EQ(c.crm.deal_stages[1].type, "CLOSED_WON");
  EXPECT_TRUE(c.crm.url_patterns.empty());
  EXPECT_TRUE(c.plugin_paths.empty());
  ASSERT_EQ(c.sources.size(), 1u);
  const SourceConfig& s = c.sources[0];
  EXPECT_EQ(s.name, "files");
  EXPECT_EQ(s.plugin, "csv");
  EXPECT_TRUE(s.settings.is_map());
  EXPECT_TRUE(s.settings.entries().empty());
  EXPECT_EQ(s.settings.path(), "sources[0].settings");
  ASSERT_EQ(s.streams.size(), 1u);
  const StreamConfig& st = s.streams[0];
  EXPECT_EQ(st.name, "accounts");
  EXPECT_EQ(st.object, ObjectType::Account);
  EXPECT_EQ(st.mode, "upsert");
  EXPECT_DOUBLE_EQ(st.max_delete_fraction, 0.2);
  EXPECT_FALSE(st.cursor);
  EXPECT_EQ(st.mapping.path(), "sources[0].streams[0].mapping");
  EXPECT_EQ(st.mapping.line(), 17);
  EXPECT_EQ(st.mapping.at("fields").at("crm_account_id").as_string(), "Id");
  // Plugin keys stay in the stream node with their positions.
  ASSERT_NE(st.node.find("path"), nullptr);
  EXPECT_EQ(st.node.at("path").as_string(), "data/accounts.csv");
  EXPECT_EQ(st.node.at("path").line(), 16);
  EXPECT_EQ(st.node.at("path").path(), "sources[0].streams[0].path");
  EXPECT_EQ(c.state.path, dir_.file(".zra-sync/state.db"));
  EXPECT_DOUBLE_EQ(c.state.retry_rejected_after_s, 86400);
  EXPECT_EQ(c.report.dir, dir_.file("reports"));
  EXPECT_EQ(c.report.metrics_file, "");
}

TEST_F(SyncConfigTest, EveryZraSettingIsRead) {
  SyncConfig c = load(replaced(kBase, "  target: sandbox\n",
                               "  target: zoom\n"
                               "  base_url: http://127.0.0.1:9999/v2\n"
                               "  auth:\n"
                               "    token_url: http://127.0.0.1:9999/oauth/token\n"
                               "    account_id: ${ACCOUNT}\n"
                               "    client_id: cid\n"
                               "    client_secret: ${SECRET}\n"
                               "  plan: pro\n"
                               "  rate_limits: {resource_intensive: 5/min, light: 0.5/s}\n"
                               "  batch_size: 150\n"
                               "  max_in_flight_tasks: 64\n"
                               "  poll: {initial_ms: 10, max_ms: 10, timeout_s: 30}\n"
                               "  tls: {verify: false, ca_file: certs/ca.pem}\n"
                               "  request_timeout_s: 5\n"
                               "  max_retries: 0\n"),
                      {{"ACCOUNT", "acc-1"}, {"SECRET", "sssh-not-for-logs"}});
  EXPECT_EQ(c.zra.target, "zoom");
  EXPECT_EQ(c.zra.base_url, "http://127.0.0.1:9999/v2");
  EXPECT_EQ(c.zra.auth.token_url, "http://127.0.0.1:9999/oauth/token");
  EXPECT_EQ(c.zra.auth.account_id, "acc-1");
  EXPECT_EQ(c.zra.auth.client_id, "cid");
  EXPECT_EQ(c.zra.auth.client_secret, "sssh-not-for-logs");
  EXPECT_EQ(c.zra.plan, "pro");
  EXPECT_EQ(c.zra.rate_limits.at("resource_intensive").count, 5);
  EXPECT_EQ(c.zra.rate_limits.at("resource_intensive").per_seconds, 60);
  EXPECT_EQ(c.zra.rate_limits.at("light").count, 0.5);
  EXPECT_EQ(c.zra.rate_limits.at("medium").count, 20);  // from plan pro
  EXPECT_EQ(c.zra.rate_limits.at("daily").count, 30000);
  EXPECT_EQ(c.zra.batch_size, 150);
  EXPECT_EQ(c.zra.max_in_flight_tasks, 64);
  EXPECT_EQ(c.zra.poll.initial_ms, 10);
  EXPECT_EQ(c.zra.poll.max_ms, 10);
  EXPECT_EQ(c.zra.poll.timeout_s, 30);
  EXPECT_FALSE(c.zra.tls_verify);
  EXPECT_EQ(c.zra.ca_file, dir_.file("certs/ca.pem"));
  EXPECT_EQ(c.zra.request_timeout_s, 5);
  EXPECT_EQ(c.zra.max_retries, 0);
  EXPECT_EQ(redact("secret is sssh-not-for-logs."), "secret is ***.");
}

TEST_F(SyncConfigTest, SandboxOptions) {
  SyncConfig defaults = load(kBase);
  EXPECT_EQ(defaults.zra.sandbox.time_scale, 1.0);
  EXPECT_EQ(defaults.zra.sandbox.task_delay_s, 0.5);
  EXPECT_EQ(defaults.zra.sandbox.seed, 1u);
  EXPECT_EQ(defaults.zra.sandbox.state_file, "");
  EXPECT_EQ(defaults.zra.sandbox.licensed_users_file, "");
  SyncConfig c = load(replaced(kBase, "  target: sandbox\n",
                               "  target: sandbox\n  sandbox:\n    time_scale: 60\n    task_delay_s: 0\n"
                               "    seed: 42\n    state_file: sb/state.json\n    licensed_users_file: users.txt\n"));
  EXPECT_EQ(c.zra.sandbox.time_scale, 60);
  EXPECT_EQ(c.zra.sandbox.task_delay_s, 0);
  EXPECT_EQ(c.zra.sandbox.seed, 42u);
  EXPECT_EQ(c.zra.sandbox.state_file, dir_.file("sb/state.json"));
  EXPECT_EQ(c.zra.sandbox.licensed_users_file, dir_.file("users.txt"));
  EXPECT_STREQ(error(replaced(kBase, "  target: sandbox\n", "  target: sandbox\n  sandbox: {time_scale: 0}\n")).what(),
               at(4, "zra.sandbox.time_scale", "must be above 0, found '0'").c_str());
  EXPECT_STREQ(error(replaced(kBase, "  target: sandbox\n", "  target: sandbox\n  sandbox: {port: 8080}\n")).what(),
               at(4, "zra.sandbox.port",
                  "unknown key 'port' (allowed here: time_scale, task_delay_s, seed, state_file, licensed_users_file)")
                   .c_str());
}

TEST_F(SyncConfigTest, PlanCustomNeedsEveryLimit) {
  EXPECT_STREQ(error(replaced(kBase, "  target: sandbox\n",
                              "  target: sandbox\n  plan: custom\n  rate_limits: {light: 1/s, heavy: 2/s}\n"))
                   .what(),
               at(5, "zra.rate_limits", "plan custom needs every rate limit; missing under rate_limits: medium, "
                                        "resource_intensive, daily")
                   .c_str());
  SyncConfig c = load(replaced(kBase, "  target: sandbox\n",
                               "  target: sandbox\n  plan: custom\n  rate_limits: {light: 1/s, medium: 2/s, "
                               "heavy: 3/s, resource_intensive: 4/min, daily: 5/day}\n"));
  EXPECT_EQ(c.zra.rate_limits.at("daily").count, 5);
  EXPECT_EQ(c.zra.rate_limits.at("daily").per_seconds, 86400);
}

TEST_F(SyncConfigTest, TargetZoomNeedsCredentials) {
  EXPECT_STREQ(error(replaced(kBase, "target: sandbox", "target: zoom")).what(),
               at(2, "zra", "missing required key 'auth' (account_id, client_id, client_secret) for target zoom").c_str());
  EXPECT_STREQ(error(replaced(kBase, "target: sandbox", "target: zoom\n  auth: {account_id: a, client_id: b}")).what(),
               at(4, "zra.auth", "missing required key 'client_secret' (target zoom needs credentials)").c_str());
  EXPECT_STREQ(
      error(replaced(kBase, "target: sandbox", "target: zoom\n  auth: {account_id: a, client_id: '', client_secret: c}"))
          .what(),
      at(4, "zra.auth.client_id", "must not be empty").c_str());
  // The sandbox ignores credentials but still checks their keys.
  EXPECT_NO_THROW(load(replaced(kBase, "target: sandbox", "target: sandbox\n  auth: {client_id: x}")));
  EXPECT_STREQ(error(replaced(kBase, "target: sandbox", "target: sandbox\n  auth: {clientid: x}")).what(),
               at(4, "zra.auth.clientid",
                  "unknown key 'clientid' (allowed here: token_url, account_id, client_id, client_secret)")
                   .c_str());
}

TEST_F(SyncConfigTest, UnknownKeysAreErrorsAtEveryDepth) {
  EXPECT_STREQ(error(std::string(kBase) + "reports: {dir: x}\n").what(),
               at(18, "reports", "unknown key 'reports' (allowed here: version, zra, crm, plugin_paths, sources, "
                                 "state, report)")
                   .c_str());
  EXPECT_STREQ(error(replaced(kBase, "  target: sandbox\n", "  target: sandbox\n  batchsize: 10\n")).what(),
               at(4, "zra.batchsize",
                  "unknown key 'batchsize' (allowed here: target, base_url, auth, plan, rate_limits, batch_size, "
                  "max_in_flight_tasks, poll, tls, request_timeout_s, max_retries, sandbox)")
                   .c_str());
  EXPECT_STREQ(error(replaced(kBase, "  target: sandbox\n", "  target: sandbox\n  poll:\n    initial: 5\n")).what(),
               at(5, "zra.poll.initial", "unknown key 'initial' (allowed here: initial_ms, max_ms, timeout_s)").c_str());
  EXPECT_STREQ(error(replaced(kBase, "stage_name: Won,", "stage_name: Won, probability: 100,")).what(),
               at(8, "crm.deal_stages[1].probability",
                  "unknown key 'probability' (allowed here: stage_name, stage_type)")
                   .c_str());
  EXPECT_STREQ(error(replaced(kBase, "    plugin: csv\n", "    plugin: csv\n    setting: {}\n")).what(),
               at(13, "sources[0].setting", "unknown key 'setting' (allowed here: name, plugin, settings, streams, isolation, read_timeout)")
                   .c_str());
  EXPECT_STREQ(error(replaced(kBase, "{fields: {crm_account_id: Id}}", "{fields: {crm_account_id: Id}, tz: UTC}"))
                   .what(),
               at(17, "sources[0].streams[0].mapping.tz", "unknown key 'tz' (allowed here: fields, timezone)").c_str());
  EXPECT_STREQ(error(std::string(kBase) + "state: {path: s.db, retry_after: 5}\n").what(),
               at(18, "state.retry_after", "unknown key 'retry_after' (allowed here: path, retry_rejected_after)")
                   .c_str());
  EXPECT_STREQ(error(replaced(kBase, "  crm_type: acme\n", "  crm_type: acme\n  url_patterns: {company: 'x/{id}'}\n"))
                   .what(),
               at(6, "crm.url_patterns.company",
                  "unknown key 'company' (allowed here: account, contact, deal, lead)")
                   .c_str());
}

TEST_F(SyncConfigTest, PluginKeysOfStreamsAndSettingsAreKeptUnchecked) {
  SyncConfig c = load(replaced(replaced(kBase, "    plugin: csv\n",
                                        "    plugin: csv\n    settings: {anything: [1, 2], nested: {x: y}}\n"),
                               "        path: data/accounts.csv\n",
                               "        path: data/accounts.csv\n        delimiter: \";\"\n        whatever: 3\n"));
  const SourceConfig& s = c.sources[0];
  EXPECT_EQ(s.settings.at("nested").at("x").as_string(), "y");
  EXPECT_EQ(s.settings.at("nested").at("x").path(), "sources[0].settings.nested.x");
  EXPECT_EQ(s.settings.at("nested").at("x").line(), 13);
  EXPECT_EQ(s.streams[0].node.at("delimiter").as_string(), ";");
  EXPECT_EQ(s.streams[0].node.at("whatever").line(), 19);
  EXPECT_EQ(s.node.at("plugin").as_string(), "csv");
}

TEST_F(SyncConfigTest, WrongTypesAreErrors) {
  EXPECT_STREQ(error(replaced(kBase, "zra:\n  target: sandbox\n", "zra: 5\n")).what(),
               at(2, "zra", "expected a mapping (key: value), found a value").c_str());
  EXPECT_STREQ(error(replaced(kBase, "  target: sandbox\n", "  target: sandbox\n  batch_size: lots\n")).what(),
               at(4, "zra.batch_size", "expected an integer, found 'lots'").c_str());
  EXPECT_STREQ(error(replaced(kBase, "  target: sandbox\n", "  target: sandbox\n  batch_size: 2001\n")).what(),
               at(4, "zra.batch_size", "must be between 1 and 2000, found 2001").c_str());
  EXPECT_STREQ(error(replaced(kBase, "  target: sandbox\n", "  target: sandbox\n  max_in_flight_tasks: 0\n")).what(),
               at(4, "zra.max_in_flight_tasks", "must be between 1 and 64, found 0").c_str());
  EXPECT_STREQ(error(replaced(kBase, "  target: sandbox\n", "  target: sandbox\n  tls: {verify: maybe}\n")).what(),
               at(4, "zra.tls.verify", "expected true or false, found 'maybe'").c_str());
  EXPECT_STREQ(error(replaced(kBase, "target: sandbox", "target: staging")).what(),
               at(3, "zra.target", "must be one of zoom, sandbox, found 'staging'").c_str());
  EXPECT_STREQ(error(replaced(kBase, "  target: sandbox\n", "  target: sandbox\n  plan: enterprise\n")).what(),
               at(4, "zra.plan", "must be one of pro, business, custom, found 'enterprise'").c_str());
  EXPECT_STREQ(error(replaced(kBase, "  target: sandbox\n", "  target: sandbox\n  base_url: ftp://x\n")).what(),
               at(4, "zra.base_url", "must be an http:// or https:// URL, found 'ftp://x'").c_str());
  EXPECT_STREQ(
      error(replaced(kBase, "  target: sandbox\n", "  target: sandbox\n  poll: {initial_ms: 100, max_ms: 50}\n")).what(),
      at(4, "zra.poll.max_ms", "max_ms (50) must not be below initial_ms (100)").c_str());
  EXPECT_STREQ(error(replaced(kBase, "version: 1", "version: 2")).what(),
               at(1, "version", "unsupported version 2 (this zra-sync reads version 1)").c_str());
  EXPECT_STREQ(error(replaced(kBase, "version: 1\n", "")).what(),
               (dir_.file("sync.yaml") + ":1: missing required key 'version'").c_str());
}

TEST_F(SyncConfigTest, TopLevelMustBeAMapping) {
  EXPECT_STREQ(error("").what(),
               (dir_.file("sync.yaml") + ":1: the file is empty; it needs version, zra, crm and sources").c_str());
  EXPECT_STREQ(error("- version: 1\n").what(),
               (dir_.file("sync.yaml") +
                ":1: the top level must be a mapping (version, zra, crm, sources...), found a list or a value")
                   .c_str());
}

TEST_F(SyncConfigTest, BadRateSpecs) {
  for (const char* bad : {"20/fortnight", "20", "/min", "abc/s", "0/s", "-5/min", "20/"}) {
    ConfigError e = error(replaced(kBase, "  target: sandbox\n",
                                   std::string("  target: sandbox\n  rate_limits: {heavy: \"") + bad + "\"}\n"));
    EXPECT_EQ(std::string(e.what()),
              at(4, "zra.rate_limits.heavy",
                 std::string("invalid rate '") + bad +
                     "': write COUNT/UNIT such as 20/min, 10/s or 30000/day (units: s, min, h, day)"));
  }
  EXPECT_STREQ(error(replaced(kBase, "  target: sandbox\n", "  target: sandbox\n  rate_limits: {fast: 1/s}\n")).what(),
               at(4, "zra.rate_limits.fast",
                  "unknown key 'fast' (allowed here: light, medium, heavy, resource_intensive, daily)")
                   .c_str());
}

TEST_F(SyncConfigTest, RateSpecUnits) {
  auto spec = [](const std::string& text) {
    return parse_rate_spec(ConfigNode::scalar(text, false, "f", 1, "r"));
  };
  EXPECT_EQ(spec("10/s").per_seconds, 1);
  EXPECT_EQ(spec("10/sec").per_seconds, 1);
  EXPECT_EQ(spec("10/second").per_seconds, 1);
  EXPECT_EQ(spec("20/min").per_seconds, 60);
  EXPECT_EQ(spec("20/minute").per_seconds, 60);
  EXPECT_EQ(spec("100/h").per_seconds, 3600);
  EXPECT_EQ(spec("100/hour").per_seconds, 3600);
  EXPECT_EQ(spec("30000/day").per_seconds, 86400);
  EXPECT_EQ(spec("30000/d").per_seconds, 86400);
  EXPECT_EQ(spec(" 20 / min ").count, 20);
  EXPECT_EQ(spec("2.5/s").count, 2.5);
}

TEST_F(SyncConfigTest, BadStageSets) {
  EXPECT_STREQ(error(replaced(kBase, "    - { stage_name: Lost, stage_type: CLOSED_LOST }\n", "")).what(),
               at(6, "crm.deal_stages", "every stage type must be used at least once; missing: CLOSED_LOST").c_str());
  EXPECT_STREQ(error(replaced(kBase, "stage_name: Lost", "stage_name: Won")).what(),
               at(9, "crm.deal_stages[2].stage_name", "duplicate deal stage 'Won' (stage names must be unique)").c_str());
  EXPECT_STREQ(error(replaced(kBase, "stage_type: CLOSED_WON", "stage_type: WON")).what(),
               at(8, "crm.deal_stages[1].stage_type", "must be one of OPEN, CLOSED_WON, CLOSED_LOST, found 'WON'")
                   .c_str());
  EXPECT_STREQ(error(replaced(kBase, "{ stage_name: Open, stage_type: OPEN }", "{ stage_type: OPEN }")).what(),
               at(7, "crm.deal_stages[0]", "missing required key 'stage_name'").c_str());
  EXPECT_STREQ(error(replaced(kBase, "stage_name: Open,", "stage_name: '',")).what(),
               at(7, "crm.deal_stages[0].stage_name", "must not be empty").c_str());
  std::string many;
  for (int i = 0; i < 49; ++i) many += "    - { stage_name: S" + std::to_string(i) + ", stage_type: OPEN }\n";
  EXPECT_STREQ(error(replaced(kBase, "  deal_stages:\n", "  deal_stages:\n" + many)).what(),
               at(6, "crm.deal_stages", "must list 1 to 50 deal stages, found 52").c_str());
  std::string none = kBase;
  size_t from = none.find("  deal_stages:\n");
  none.replace(from, none.find("sources:") - from, "  deal_stages: []\n");
  EXPECT_STREQ(error(none).what(), at(6, "crm.deal_stages", "must list 1 to 50 deal stages, found 0").c_str());
}

TEST_F(SyncConfigTest, BadCrmType) {
  const std::string rule = "': 1 to 16 characters, a letter then letters, digits or _ (^[a-zA-Z][a-zA-Z0-9_]*$)";
  for (const char* bad : {"1acme", "acme-crm", "a_crm_type_too_long", "_acme", "ac me"}) {
    EXPECT_EQ(std::string(error(replaced(kBase, "crm_type: acme", std::string("crm_type: \"") + bad + "\"")).what()),
              at(5, "crm.crm_type", std::string("invalid crm_type '") + bad + rule));
  }
  EXPECT_EQ(load(replaced(kBase, "crm_type: acme", "crm_type: A_crm_type_16chr")).crm.crm_type, "A_crm_type_16chr");
  EXPECT_STREQ(error(replaced(kBase, "  crm_type: acme\n", "  crm_type: acme\n  currency_type: usd\n")).what(),
               at(6, "crm.currency_type",
                  "currency_type must be a three-letter code in capitals (USD, EUR, JPY), found 'usd'")
                   .c_str());
  EXPECT_STREQ(
      error(replaced(kBase, "  crm_type: acme\n", "  crm_type: acme\n  url_patterns: {deal: 'https://x/deal'}\n"))
          .what(),
      at(6, "crm.url_patterns.deal", "a URL pattern must contain the placeholder {id}, found 'https://x/deal'").c_str());
}

TEST_F(SyncConfigTest, SourceAndStreamRules) {
  EXPECT_STREQ(error(replaced(kBase, "object: account", "object: opportunity")).what(),
               at(15, "sources[0].streams[0].object",
                  "unknown object type 'opportunity' (one of account, contact, deal, lead)")
                   .c_str());
  EXPECT_EQ(load(replaced(kBase, "object: account", "object: deals")).sources[0].streams[0].object, ObjectType::Deal);
  EXPECT_STREQ(error(replaced(kBase, "        object: account\n", "        object: account\n        mode: sync\n")).what(),
               at(16, "sources[0].streams[0].mode", "must be one of upsert, mirror, found 'sync'").c_str());
  EXPECT_STREQ(
      error(replaced(kBase, "        object: account\n", "        object: account\n        max_delete_fraction: 1.5\n"))
          .what(),
      at(16, "sources[0].streams[0].max_delete_fraction", "must be a number between 0 and 1, found '1.5'").c_str());
  EXPECT_STREQ(
      error(replaced(kBase, "        object: account\n", "        object: account\n        mode: mirror\n        cursor: true\n"))
          .what(),
      at(17, "sources[0].streams[0].cursor",
         "cursor: true reads only what changed, so mirror mode cannot see what vanished; use one or the other")
          .c_str());
  SyncConfig c = load(replaced(kBase, "        object: account\n",
                               "        object: account\n        mode: mirror\n        max_delete_fraction: 0.5\n"));
  EXPECT_EQ(c.sources[0].streams[0].mode, "mirror");
  EXPECT_DOUBLE_EQ(c.sources[0].streams[0].max_delete_fraction, 0.5);
  EXPECT_TRUE(load(replaced(kBase, "        object: account\n", "        object: account\n        cursor: yes\n"))
                  .sources[0].streams[0].cursor);

  const std::string stream2 =
      "      - name: accounts\n        object: lead\n        mapping: {fields: {crm_lead_id: Id}}\n";
  EXPECT_STREQ(error(std::string(kBase) + stream2).what(),
               at(18, "sources[0].streams[1].name", "duplicate stream name 'accounts' in source 'files'").c_str());
  const std::string source2 = "  - name: files\n    plugin: odbc\n    streams:\n" + stream2;
  EXPECT_STREQ(error(std::string(kBase) + source2).what(),
               at(18, "sources[1].name", "duplicate source name 'files'").c_str());
  EXPECT_STREQ(error(replaced(kBase, "name: files", "name: 'my files'")).what(),
               at(11, "sources[0].name",
                  "invalid name 'my files': letters, digits, '_', '-' and '.', starting with a letter or digit")
                   .c_str());
  EXPECT_STREQ(error(replaced(kBase, "    plugin: csv\n", "")).what(),
               at(11, "sources[0]", "missing required key 'plugin'").c_str());
  EXPECT_STREQ(error(replaced(kBase, "        mapping: {fields: {crm_account_id: Id}}\n", "")).what(),
               at(14, "sources[0].streams[0]", "missing required key 'mapping'").c_str());
  EXPECT_STREQ(error(replaced(kBase, "{fields: {crm_account_id: Id}}", "{fields: {}}")).what(),
               at(17, "sources[0].streams[0].mapping.fields", "'fields' must map at least one target field").c_str());
  std::string no_sources = kBase;
  no_sources = no_sources.substr(0, no_sources.find("sources:\n")) + "sources: []\n";
  EXPECT_STREQ(error(no_sources).what(), at(10, "sources", "at least one source is needed").c_str());
  std::string no_streams = kBase;
  no_streams = no_streams.substr(0, no_streams.find("    streams:\n")) + "    streams: []\n";
  EXPECT_STREQ(error(no_streams).what(), at(13, "sources[0].streams", "a source needs at least one stream").c_str());
}

TEST_F(SyncConfigTest, MappingFromAFile) {
  dir_.write("mappings/accounts.yaml", "timezone: UTC\nfields:\n  crm_account_id: Id\n  account_name: {from: Name}\n");
  SyncConfig c = load(replaced(kBase, "{fields: {crm_account_id: Id}}", "mappings/accounts.yaml"));
  const ConfigNode& m = c.sources[0].streams[0].mapping;
  EXPECT_EQ(m.file(), dir_.file("mappings/accounts.yaml"));
  EXPECT_EQ(m.line(), 1);
  EXPECT_EQ(m.base_dir(), dir_.file("mappings"));
  EXPECT_EQ(m.path(), "sources[0].streams[0].mapping");
  const ConfigNode& from = m.at("fields").at("account_name").at("from");
  EXPECT_EQ(from.line(), 4);
  EXPECT_EQ(from.path(), "sources[0].streams[0].mapping.fields.account_name.from");
  // The stream node still holds the path as written.
  EXPECT_EQ(c.sources[0].streams[0].node.at("mapping").as_string(), "mappings/accounts.yaml");
}

TEST_F(SyncConfigTest, MappingFileMissingIsAnErrorAtTheStream) {
  ConfigError e = error(replaced(kBase, "{fields: {crm_account_id: Id}}", "mappings/nope.yaml"));
  EXPECT_STREQ(e.what(), at(17, "sources[0].streams[0].mapping",
                            "cannot read mapping file '" + dir_.file("mappings/nope.yaml") +
                                "': No such file or directory")
                             .c_str());
}

TEST_F(SyncConfigTest, MappingFileErrorsNameTheMappingFile) {
  dir_.write("m.yaml", "fields:\n  crm_account_id: Id\nfeilds: {}\n");
  ConfigError e = error(replaced(kBase, "{fields: {crm_account_id: Id}}", "m.yaml"));
  EXPECT_EQ(std::string(e.what()), dir_.file("m.yaml") + ":3: sources[0].streams[0].mapping.feilds: unknown key "
                                                         "'feilds' (allowed here: fields, timezone)");
  dir_.write("empty.yaml", "");
  EXPECT_EQ(std::string(error(replaced(kBase, "{fields: {crm_account_id: Id}}", "empty.yaml")).what()),
            dir_.file("empty.yaml") + ":1: sources[0].streams[0].mapping: the mapping file is empty; it needs 'fields:'");
  dir_.write("bad.yaml", "fields:\n  a: [\n");
  ConfigError syntax = error(replaced(kBase, "{fields: {crm_account_id: Id}}", "bad.yaml"));
  EXPECT_EQ(syntax.file(), dir_.file("bad.yaml"));
  EXPECT_EQ(syntax.detail().rfind("invalid YAML: ", 0), 0u);
}

TEST_F(SyncConfigTest, RelativePathsResolveAgainstTheNamingFile) {
  dir_.write("conf/maps/a.yaml", "fields: {crm_account_id: Id}\n");
  std::string text = replaced(kBase, "{fields: {crm_account_id: Id}}", "maps/a.yaml") +
                     "plugin_paths: [plugins, /opt/zra/plugins, ../shared/plugins]\n"
                     "state: {path: state/s.db, retry_rejected_after: 90m}\n"
                     "report: {dir: ../out, metrics_file: metrics/zra.prom}\n";
  SyncConfig c = load_config(dir_.write("conf/sync.yaml", text), fake_env({}));
  EXPECT_EQ(c.file, dir_.file("conf/sync.yaml"));
  EXPECT_EQ(c.plugin_paths, (std::vector<std::string>{dir_.file("conf/plugins"), "/opt/zra/plugins",
                                                       dir_.file("shared/plugins")}));
  EXPECT_EQ(c.state.path, dir_.file("conf/state/s.db"));
  EXPECT_DOUBLE_EQ(c.state.retry_rejected_after_s, 5400);
  EXPECT_EQ(c.report.dir, dir_.file("out"));
  EXPECT_EQ(c.report.metrics_file, dir_.file("conf/metrics/zra.prom"));
  EXPECT_EQ(c.sources[0].streams[0].mapping.file(), dir_.file("conf/maps/a.yaml"));
}

TEST_F(SyncConfigTest, RetryRejectedAfterForms) {
  auto seconds = [&](const std::string& v) {
    return load(std::string(kBase) + "state: {retry_rejected_after: " + v + "}\n").state.retry_rejected_after_s;
  };
  EXPECT_DOUBLE_EQ(seconds("24h"), 86400);
  EXPECT_DOUBLE_EQ(seconds("90m"), 5400);
  EXPECT_DOUBLE_EQ(seconds("3600s"), 3600);
  EXPECT_DOUBLE_EQ(seconds("7200"), 7200);
  EXPECT_DOUBLE_EQ(seconds("1d"), 86400);
  EXPECT_DOUBLE_EQ(seconds("0"), 0);
  EXPECT_STREQ(error(std::string(kBase) + "state: {retry_rejected_after: soon}\n").what(),
               at(18, "state.retry_rejected_after",
                  "invalid duration 'soon': write seconds (3600) or a number with s, m, h or d (3600s, 90m, 24h, 1d)")
                   .c_str());
  EXPECT_STREQ(error(std::string(kBase) + "state: {retry_rejected_after: -5}\n").what(),
               at(18, "state.retry_rejected_after",
                  "invalid duration '-5': write seconds (3600) or a number with s, m, h or d (3600s, 90m, 24h, 1d)")
                   .c_str());
}

TEST_F(SyncConfigTest, SourceReadTimeout) {
  auto source = [&](const std::string& keys) {
    return load(replaced(kBase, "    plugin: csv\n", "    plugin: csv\n" + keys)).sources.at(0);
  };
  EXPECT_FALSE(source("").read_timeout_s.has_value()) << "unset: the environment's or 10 minutes";
  EXPECT_DOUBLE_EQ(*source("    read_timeout: 30m\n").read_timeout_s, 1800);
  EXPECT_DOUBLE_EQ(*source("    read_timeout: 45\n").read_timeout_s, 45);
  EXPECT_DOUBLE_EQ(*source("    read_timeout: 2h\n    isolation: process\n").read_timeout_s, 7200);
  EXPECT_STREQ(error(replaced(kBase, "    plugin: csv\n", "    plugin: csv\n    read_timeout: 0\n")).what(),
               at(13, "sources[0].read_timeout", "read_timeout must be at least 1 second (e.g. 30m), got '0'").c_str());
  EXPECT_STREQ(error(replaced(kBase, "    plugin: csv\n", "    plugin: csv\n    read_timeout: later\n")).what(),
               at(13, "sources[0].read_timeout",
                  "invalid duration 'later': write seconds (3600) or a number with s, m, h or d (3600s, 90m, 24h, 1d)")
                   .c_str());
  EXPECT_STREQ(
      error(replaced(kBase, "    plugin: csv\n", "    plugin: csv\n    read_timeout: 5m\n    isolation: in_process\n"))
          .what(),
      at(13, "sources[0].read_timeout",
         "read_timeout applies to a plugin in its own process; this source has isolation: in_process")
          .c_str());
}

TEST_F(SyncConfigTest, EnvironmentExpandsEverywhere) {
  std::string text = replaced(replaced(kBase, "crm_type: acme", "crm_type: ${CRM_TYPE:-acme}"),
                              "path: data/accounts.csv", "path: ${DATA_DIR}/accounts.csv");
  SyncConfig c = load(text, {{"DATA_DIR", "/srv/exports"}});
  EXPECT_EQ(c.crm.crm_type, "acme");
  EXPECT_EQ(c.sources[0].streams[0].node.at("path").as_string(), "/srv/exports/accounts.csv");
  EXPECT_STREQ(error(text).what(),
               at(16, "sources[0].streams[0].path",
                  "environment variable 'DATA_DIR' is not set (give a default with ${DATA_DIR:-value})")
                   .c_str());
}

TEST_F(SyncConfigTest, SecretsInSettingsAreRegistered) {
  load(replaced(kBase, "    plugin: csv\n",
                "    plugin: csv\n"
                "    settings:\n"
                "      auth: {type: bearer, token: tok-ABCDEF-123}\n"
                "      db_password: pw-XYZ-987\n"
                "      connection_string: \"Driver=PG;UID=u;PWD={p;w-321};Server=h\"\n"
                "      token_url: https://idp.example/token-endpoint\n"
                "      api_secrets: [first-secret-1, second-secret-2]\n"));
  EXPECT_EQ(redact("tok-ABCDEF-123 pw-XYZ-987 p;w-321 first-secret-1 second-secret-2"), "*** *** *** *** ***");
  EXPECT_EQ(redact("https://idp.example/token-endpoint"), "https://idp.example/token-endpoint");
}

// The same configuration written in YAML and in JSON loads to the same SyncConfig.
std::string describe(const SyncConfig& c) {
  nlohmann::json j;
  j["version"] = c.version;
  const ZraConfig& z = c.zra;
  j["zra"] = {{"target", z.target},
              {"base_url", z.base_url},
              {"auth", {z.auth.token_url, z.auth.account_id, z.auth.client_id, z.auth.client_secret}},
              {"plan", z.plan},
              {"batch_size", z.batch_size},
              {"max_in_flight_tasks", z.max_in_flight_tasks},
              {"poll", {z.poll.initial_ms, z.poll.max_ms, z.poll.timeout_s}},
              {"tls", {z.tls_verify, z.ca_file}},
              {"request_timeout_s", z.request_timeout_s},
              {"max_retries", z.max_retries}};
  for (const auto& [label, r] : z.rate_limits) j["zra"]["rate_limits"][label] = {r.count, r.per_seconds};
  j["crm"] = {{"crm_type", c.crm.crm_type}, {"crm_name", c.crm.crm_name}, {"currency_type", c.crm.currency_type},
              {"url_patterns", c.crm.url_patterns}};
  for (const auto& s : c.crm.deal_stages) j["crm"]["deal_stages"].push_back({s.name, s.type});
  j["plugin_paths"] = c.plugin_paths;
  for (const auto& s : c.sources) {
    nlohmann::json src = {{"name", s.name}, {"plugin", s.plugin}, {"settings", s.settings.to_json()},
                          {"node", s.node.to_json()}};
    for (const auto& st : s.streams) {
      src["streams"].push_back({{"name", st.name}, {"object", std::string(to_string(st.object))}, {"mode", st.mode},
                                {"max_delete_fraction", st.max_delete_fraction}, {"cursor", st.cursor},
                                {"mapping", st.mapping.to_json()},
                                {"mapping_file", st.mapping.file() == c.file ? "<inline>" : st.mapping.file()},
                                {"node", st.node.to_json()}});
    }
    j["sources"].push_back(src);
  }
  j["state"] = {c.state.path, c.state.retry_rejected_after_s};
  j["report"] = {c.report.dir, c.report.metrics_file};
  return j.dump(2);
}

TEST_F(SyncConfigTest, YamlAndJsonGiveEqualConfigs) {
  dir_.write("m/deals.yaml",
             "timezone: America/New_York\nfields:\n  crm_deal_id: Id\n  amount: {from: Amount, type: number}\n"
             "  stage: {from: Stage, map: {\"Closed - Won\": Closed Won}}\n  is_private: {value: false}\n"
             "  description: {value: \"0042\"}\n");
  const std::string yaml =
      "version: 1\n"
      "zra:\n"
      "  target: zoom\n"
      "  auth: {account_id: \"12345\", client_id: cid, client_secret: \"${SECRET}\"}\n"
      "  plan: pro\n"
      "  rate_limits: {resource_intensive: 8/min}\n"
      "  batch_size: 500\n"
      "  poll: {initial_ms: 100, max_ms: 1000, timeout_s: 60}\n"
      "  tls: {verify: true, ca_file: ca.pem}\n"
      "crm:\n"
      "  crm_type: acme\n"
      "  crm_name: Acme CRM\n"
      "  currency_type: EUR\n"
      "  deal_stages:\n"
      "    - {stage_name: Open, stage_type: OPEN}\n"
      "    - {stage_name: Closed Won, stage_type: CLOSED_WON}\n"
      "    - {stage_name: Closed Lost, stage_type: CLOSED_LOST}\n"
      "  url_patterns: {deal: \"https://crm/d/{id}\"}\n"
      "plugin_paths: [plugins]\n"
      "sources:\n"
      "  - name: db\n"
      "    plugin: odbc\n"
      "    settings: {connection_string: \"Driver=SQLite3;Database=crm.db\", fetch_size: 500, readonly: true}\n"
      "    streams:\n"
      "      - {name: deals, object: deal, query: \"SELECT * FROM deals\", mapping: m/deals.yaml, mode: mirror,\n"
      "         max_delete_fraction: 0.25}\n"
      "      - name: leads\n"
      "        object: lead\n"
      "        query: SELECT 1\n"
      "        cursor: true\n"
      "        mapping: {fields: {crm_lead_id: Id, lead_name: {template: \"{First} {Last}\"}}}\n"
      "state: {path: st/state.db, retry_rejected_after: 12h}\n"
      "report: {dir: rep, metrics_file: rep/m.prom}\n";
  const std::string json = R"({
  "version": 1,
  "zra": {
    "target": "zoom",
    "auth": {"account_id": "12345", "client_id": "cid", "client_secret": "${SECRET}"},
    "plan": "pro",
    "rate_limits": {"resource_intensive": "8/min"},
    "batch_size": 500,
    "poll": {"initial_ms": 100, "max_ms": 1000, "timeout_s": 60},
    "tls": {"verify": true, "ca_file": "ca.pem"}
  },
  "crm": {
    "crm_type": "acme",
    "crm_name": "Acme CRM",
    "currency_type": "EUR",
    "deal_stages": [
      {"stage_name": "Open", "stage_type": "OPEN"},
      {"stage_name": "Closed Won", "stage_type": "CLOSED_WON"},
      {"stage_name": "Closed Lost", "stage_type": "CLOSED_LOST"}
    ],
    "url_patterns": {"deal": "https://crm/d/{id}"}
  },
  "plugin_paths": ["plugins"],
  "sources": [
    {
      "name": "db",
      "plugin": "odbc",
      "settings": {"connection_string": "Driver=SQLite3;Database=crm.db", "fetch_size": 500, "readonly": true},
      "streams": [
        {"name": "deals", "object": "deal", "query": "SELECT * FROM deals", "mapping": "m/deals.yaml", "mode": "mirror",
         "max_delete_fraction": 0.25},
        {"name": "leads", "object": "lead", "query": "SELECT 1", "cursor": true,
         "mapping": {"fields": {"crm_lead_id": "Id", "lead_name": {"template": "{First} {Last}"}}}}
      ]
    }
  ],
  "state": {"path": "st/state.db", "retry_rejected_after": "12h"},
  "report": {"dir": "rep", "metrics_file": "rep/m.prom"}
}
)";
  auto env = fake_env({{"SECRET", "json-yaml-secret"}});
  SyncConfig from_yaml = load_config(dir_.write("sync.yaml", yaml), env);
  SyncConfig from_json = load_config(dir_.write("sync.json", json), env);
  EXPECT_EQ(describe(from_yaml), describe(from_json));
  // And the content is what both say.
  EXPECT_EQ(from_json.zra.auth.account_id, "12345");
  EXPECT_EQ(from_json.sources[0].settings.to_json().dump(),
            R"({"connection_string":"Driver=SQLite3;Database=crm.db","fetch_size":500,"readonly":true})");
  EXPECT_EQ(from_json.sources[0].streams[0].mapping.file(), dir_.file("m/deals.yaml"));
  EXPECT_EQ(from_json.sources[0].streams[1].mapping.file(), dir_.file("sync.json"));
  EXPECT_EQ(from_json.state.path, dir_.file("st/state.db"));
  EXPECT_DOUBLE_EQ(from_json.state.retry_rejected_after_s, 43200);
  EXPECT_EQ(from_json.sources[0].streams[1].node.at("cursor").line(), 32);
  EXPECT_EQ(from_yaml.sources[0].streams[1].node.at("cursor").line(), 30);
}

}  // namespace
}  // namespace zra
