// The command line contract: exit codes, messages that name file/line/key, and the small commands.
#include "tests/integration/engine/spine_data.h"
#include "tests/integration/engine/sync_fixture.h"

namespace zra::testing {
namespace {

class CliTest : public SyncFixture {};

TEST_F(CliTest, VersionAndHelp) {
  CommandResult v = zra_sync({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("zra-sync "), std::string::npos);
  for (const char* cmd : {"run", "check", "crm", "get", "task", "state", "plugin", "sandbox", "demo"}) {
    CommandResult h = zra_sync({cmd, "--help"});
    EXPECT_EQ(h.exit_code, 0) << cmd;
    EXPECT_NE(h.out.find("Usage"), std::string::npos) << cmd << ": " << h.out;
  }
}

TEST_F(CliTest, UsageAndConfigErrorsExitTwoNamingWhere) {
  EXPECT_EQ(zra_sync({"run"}).exit_code, 2);
  EXPECT_EQ(zra_sync({"run", "-c", "CONFIG", "--only", "widget"}).exit_code, 2);
  CommandResult missing = zra_sync({"run", "-c", (dir_ / "nope.yaml").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.yaml"), std::string::npos) << missing.err;
  write_default_mappings();
  write_file("data/leads.csv", kLeadsCsv);
  write_config("  - name: exports\n    plugin: csv\n    streams:\n"
               "      - { name: leads, object: lead, path: data/leads.csv, mapping: mappings/leads.yaml, colour: red }\n");
  CommandResult unknown = zra_sync({"run", "-c", "CONFIG", "--dry-run"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.out << unknown.err;
  EXPECT_NE(unknown.err.find("sync.yaml:"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("colour"), std::string::npos) << unknown.err;
  write_file("mappings/leads.yaml", "fields:\n  crm_lead_id: Id\n  lead_nam: Name\n");
  write_config("  - name: exports\n    plugin: csv\n    streams:\n"
               "      - { name: leads, object: lead, path: data/leads.csv, mapping: mappings/leads.yaml }\n");
  CommandResult bad_field = zra_sync({"run", "-c", "CONFIG", "--dry-run"});
  EXPECT_EQ(bad_field.exit_code, 2);
  EXPECT_NE(bad_field.err.find("leads.yaml:3"), std::string::npos) << bad_field.err;
  EXPECT_NE(bad_field.err.find("lead_nam"), std::string::npos) << bad_field.err;
}

TEST_F(CliTest, CheckComparesTheRegistrationAndMapsASample) {
  write_default_mappings();
  write_file("data/leads.csv", kLeadsCsv);
  write_config("  - name: exports\n    plugin: csv\n    streams:\n"
               "      - { name: leads, object: lead, path: data/leads.csv, mapping: mappings/leads.yaml }\n");
  CommandResult unregistered = zra_sync({"check", "-c", "CONFIG"});
  EXPECT_EQ(unregistered.exit_code, 3) << unregistered.out;
  EXPECT_NE(unregistered.out.find("crm register"), std::string::npos) << unregistered.out;
  register_crm();
  CommandResult ok = zra_sync({"check", "-c", "CONFIG"});
  EXPECT_EQ(ok.exit_code, 1) << ok.out << ok.err;  // the planted bad lead row
  EXPECT_NE(ok.out.find("registration: matches the config"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("sample exports/leads leads.csv:2"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("leads.csv:4"), std::string::npos) << ok.out;
  EXPECT_EQ(import_calls(), 0) << "check writes nothing";
}

TEST_F(CliTest, CrmShowAndUnregister) {
  register_crm();
  CommandResult again = zra_sync({"crm", "register", "-c", "CONFIG"});
  EXPECT_EQ(again.exit_code, 3) << again.out << again.err;
  CommandResult show = zra_sync({"crm", "show", "-c", "CONFIG"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("\"crm_type\": \"acme\""), std::string::npos) << show.out;
  CommandResult un = zra_sync({"crm", "unregister", "--remove-all", "-c", "CONFIG"});
  EXPECT_EQ(un.exit_code, 0) << un.err;
  EXPECT_EQ(zra_sync({"crm", "show", "-c", "CONFIG"}).exit_code, 3);
}

TEST_F(CliTest, PluginListAndCheck) {
  CommandResult list = zra_sync({"plugin", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.out << list.err;
  for (const char* name : {"csv ", "odbc ", "rest "}) EXPECT_NE(list.out.find(name), std::string::npos) << list.out;
  write_file("data/leads.csv", kLeadsCsv);
  CommandResult check = zra_sync({"plugin", "check", std::string(ZRA_PLUGIN_DIR) + "/libcsv.so", "--stream",
                                  "{\"name\":\"leads\",\"object\":\"lead\",\"path\":\"" + (dir_ / "data/leads.csv").string() + "\"}"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  CommandResult not_a_plugin = zra_sync({"plugin", "check", (dir_ / "data/leads.csv").string()});
  EXPECT_NE(not_a_plugin.exit_code, 0);
  EXPECT_NE(not_a_plugin.out.find("not a shared library"), std::string::npos) << not_a_plugin.out;
}

}  // namespace
}  // namespace zra::testing
