// Every example configuration shipped in config/examples loads, and every mapping in it compiles.
#include <gtest/gtest.h>

#include "config/sync_config.h"
#include "mapping/mapping.h"
#include "tests/unit/config/config_test_files.h"

namespace zra {
namespace {

using testing::fake_env;

const std::string kExamples = std::string(ZRA_SOURCE_DIR) + "/config/examples/";

// Credentials the zoom-target examples read from the environment.
EnvLookup example_env() {
  return fake_env({{"ZOOM_ACCOUNT_ID", "acc"}, {"ZOOM_CLIENT_ID", "cid"}, {"ZOOM_CLIENT_SECRET", "example-secret"},
                   {"CRM_TOKEN", "example-crm-token"}});
}

void expect_mappings_compile(const SyncConfig& c) {
  for (const auto& source : c.sources) {
    for (const auto& stream : source.streams) {
      SCOPED_TRACE(source.name + "/" + stream.name);
      EXPECT_NO_THROW(Mapping::compile(stream.object, stream.mapping));
    }
  }
}

std::vector<std::string> stream_names(const SyncConfig& c) {
  std::vector<std::string> names;
  for (const auto& s : c.sources) {
    for (const auto& st : s.streams) names.push_back(s.name + "/" + st.name + ":" + std::string(to_string(st.object)));
  }
  return names;
}

TEST(ConfigExamples, Csv) {
  SyncConfig c = load_config(kExamples + "csv/sync.yaml", example_env());
  EXPECT_EQ(c.zra.target, "zoom");
  EXPECT_EQ(c.zra.auth.client_secret, "example-secret");
  EXPECT_EQ(c.crm.crm_type, "acme");
  EXPECT_EQ(c.crm.deal_stages.size(), 4u);
  EXPECT_EQ(stream_names(c), (std::vector<std::string>{"exports/accounts:account", "exports/contacts:contact",
                                                        "exports/deals:deal", "exports/leads:lead"}));
  EXPECT_EQ(c.sources[0].streams[2].mode, "mirror");
  EXPECT_EQ(c.sources[0].streams[3].node.at("delimiter").as_string(), "\t");
  EXPECT_EQ(c.sources[0].streams[0].mapping.file(), kExamples + "csv/mappings/accounts.yaml");
  EXPECT_EQ(c.report.metrics_file, kExamples + "csv/reports/zra-sync.prom");
  expect_mappings_compile(c);
}

TEST(ConfigExamples, Odbc) {
  SyncConfig c = load_config(kExamples + "odbc/sync.yaml", example_env());
  EXPECT_EQ(c.zra.plan, "pro");
  EXPECT_EQ(c.zra.rate_limits.at("resource_intensive").count, 8);
  EXPECT_EQ(c.sources[0].plugin, "odbc");
  EXPECT_EQ(c.sources[0].settings.at("connection_string").as_string(), "Driver=SQLite3;Database=crm.db");
  EXPECT_EQ(stream_names(c), (std::vector<std::string>{"erp/accounts:account", "erp/contacts:contact",
                                                        "erp/deals:deal"}));
  EXPECT_EQ(c.state.path, "/var/lib/zra-sync/erp/state.db");
  expect_mappings_compile(c);
}

TEST(ConfigExamples, Rest) {
  SyncConfig c = load_config(kExamples + "rest/sync.yaml", example_env());
  EXPECT_EQ(c.sources[0].settings.at("base_url").as_string(), "https://api.hubbub.example/v1");
  EXPECT_EQ(c.sources[0].settings.at("auth").at("token").as_string(), "example-crm-token");
  EXPECT_TRUE(c.sources[0].streams[0].cursor);
  EXPECT_EQ(c.sources[0].streams[2].mapping.file(), kExamples + "rest/sync.yaml");  // inline
  EXPECT_EQ(c.crm.url_patterns.size(), 4u);
  expect_mappings_compile(c);
}

TEST(ConfigExamples, Json) {
  SyncConfig c = load_config(kExamples + "json/sync.json", fake_env({}));
  EXPECT_EQ(c.zra.target, "sandbox");
  EXPECT_DOUBLE_EQ(c.state.retry_rejected_after_s, 5400);
  EXPECT_EQ(c.zra.sandbox.time_scale, 10);
  EXPECT_EQ(c.zra.sandbox.state_file, kExamples + "json/.zra-sync/sandbox.json");
  EXPECT_EQ(stream_names(c), (std::vector<std::string>{"files/accounts:account", "files/leads:lead"}));
  EXPECT_EQ(c.sources[0].streams[1].mapping.file(), kExamples + "json/mappings/leads.json");
  expect_mappings_compile(c);
}

TEST(ConfigExamples, Demo) {
  SyncConfig c = load_config(kExamples + "demo/sync.yaml", fake_env({}));
  EXPECT_EQ(c.zra.target, "sandbox");
  EXPECT_EQ(c.zra.batch_size, 100);
  EXPECT_EQ(c.crm.crm_type, "acme_demo");
  std::vector<std::string> stages;
  for (const auto& s : c.crm.deal_stages) stages.push_back(s.name + "=" + s.type);
  EXPECT_EQ(stages, (std::vector<std::string>{"Prospecting=OPEN", "Qualification=OPEN", "Proposal=OPEN",
                                              "Closed Won=CLOSED_WON", "Closed Lost=CLOSED_LOST"}));
  EXPECT_EQ(stream_names(c),
            (std::vector<std::string>{"crm-export/accounts:account", "crm-export/contacts-na:contact",
                                      "crm-export/contacts-emea:contact", "crm-export/deals:deal",
                                      "crm-export/leads-web:lead", "crm-export/leads-events:lead"}));
  EXPECT_EQ(c.state.path, kExamples + "demo/.zra-sync/state.db");
  EXPECT_EQ(c.report.dir, kExamples + "demo/reports");
  EXPECT_EQ(c.sources[0].streams[5].node.at("delimiter").as_string(), ";");
  expect_mappings_compile(c);
}

}  // namespace
}  // namespace zra
