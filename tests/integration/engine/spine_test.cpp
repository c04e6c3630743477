// The engine spine end to end: zra-sync as a process, the sandbox as ZRA, assertions on what ZRA stored
// and on every line of the report.
#include <fstream>

#include "tests/integration/engine/spine_data.h"
#include "tests/integration/engine/sync_fixture.h"

namespace zra::testing {
namespace {

using nlohmann::json;

class SpineTest : public SyncFixture {
 protected:
  void write_all_data() {
    write_default_mappings();
    write_file("data/accounts.csv", kAccountsCsv);
    write_file("data/contacts.csv", kContactsCsv);
    write_file("data/deals.csv", kDealsCsv);
    write_file("data/leads.csv", kLeadsCsv);
    write_config(kAllSources);
  }
};

json without_zra_id(json record, const std::string& zra_id_field) {
  EXPECT_TRUE(record.contains(zra_id_field)) << record.dump();
  record.erase(zra_id_field);
  return record;
}

TEST_F(SpineTest, SyncsValidRecordsFieldByFieldAndReportsEveryFailure) {
  write_all_data();
  register_crm();
  CommandResult r = zra_sync({"run", "-c", "CONFIG", "--no-progress"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;

  json accounts = stored("account");
  ASSERT_EQ(accounts.size(), 2u) << accounts.dump(2);
  EXPECT_EQ(without_zra_id(accounts["A1"], "zra_account_id"),
            (json{{"crm_account_id", "A1"}, {"account_name", "Acme Corp"}, {"owner_email", "jane@acme.example"},
                  {"annual_revenue", 1250000.5}, {"employees", 120}, {"modify_time", "2025-11-20T12:00:00Z"}}));
  EXPECT_EQ(without_zra_id(accounts["A2"], "zra_account_id"),
            (json{{"crm_account_id", "A2"}, {"account_name", "Globex"}, {"owner_email", "bob@globex.example"},
                  {"annual_revenue", 300000}, {"employees", 45}, {"modify_time", "2025-11-21T14:30:00Z"}}));
  json contacts = stored("contact");
  ASSERT_EQ(contacts.size(), 2u) << contacts.dump(2);
  EXPECT_EQ(without_zra_id(contacts["C2"], "zra_contact_id"),
            (json{{"crm_contact_id", "C2"}, {"crm_account_id", "A2"}, {"contact_name", "Dubois"},
                  {"contact_email", "dubois@globex.example"}, {"modify_time", "2025-11-20T12:00:00Z"}}));
  json deals = stored("deal");
  ASSERT_EQ(deals.size(), 2u) << deals.dump(2);
  EXPECT_EQ(without_zra_id(deals["D1"], "zra_deal_id"),
            (json{{"crm_deal_id", "D1"}, {"crm_account_id", "A1"}, {"deal_name", "Big deal"},
                  {"owner_email", "jane@acme.example"}, {"stage", "Closed Won"}, {"amount", 50000},
                  {"close_date", "2025-12-31"},
                  {"contacts", json::array({{{"crm_contact_id", "C1"}}, {{"crm_contact_id", "C2"}}})},
                  {"modify_time", "2025-11-20T12:00:00Z"}}));
  json leads = stored("lead");
  ASSERT_EQ(leads.size(), 2u);
  EXPECT_EQ(leads["L2"]["lead_name"], "Quoted, Name");
  EXPECT_EQ(leads["L2"]["company"], "Comma, Inc");

  // Every failure, with its phase, locator and cause.
  std::vector<json> errors = report_errors();
  std::map<std::string, json> by_key;
  for (const auto& e : errors) by_key[e["object_type"].get<std::string>() + ":" + e["locator"].get<std::string>()] = e;
  ASSERT_EQ(errors.size(), 8u) << r.out;
  auto expect = [&](const std::string& key, const std::string& id, const std::string& phase, const std::string& field,
                    const std::string& detail_part) {
    ASSERT_TRUE(by_key.count(key)) << "no error for " << key;
    const json& e = by_key[key];
    EXPECT_EQ(e["crm_id"], id) << key;
    EXPECT_EQ(e["phase"], phase) << key;
    EXPECT_EQ(e["field"], field) << key;
    EXPECT_NE(e["detail"].get<std::string>().find(detail_part), std::string::npos) << key << ": " << e["detail"];
    EXPECT_EQ(e["source"], "exports") << key;
  };
  expect("account:accounts.csv:4", "A3", "mapping", "owner_email", "not-an-email");  // email fields are typed
  expect("account:accounts.csv:5", "A4", "mapping", "modify_time", "31/31/2025 99:99");
  expect("contact:contacts.csv:4", "C3", "dependency", "crm_contact_id", "account 'A3'");
  expect("contact:contacts.csv:5", "C4", "remote", "", "A99");
  expect("deal:deals.csv:4", "D3", "validation", "stage", "Lost in space");
  expect("deal:deals.csv:5", "D4", "dependency", "crm_deal_id", "account 'A4'");
  expect("deal:deals.csv:6", "D5", "dependency", "crm_deal_id", "contact 'C4'");
  expect("lead:leads.csv:4", "", "source", "", "expected 5 fields");
  EXPECT_FALSE(by_key["contact:contacts.csv:5"]["task_id"].get<std::string>().empty());

  // One import call per type: ceil(valid / batch_size).
  EXPECT_EQ(import_calls(), 4);
  json summary = report_summary();
  EXPECT_EQ(summary["exit_code"], 1);
  EXPECT_EQ(summary["types"]["account"]["confirmed"], 2);
  EXPECT_EQ(summary["types"]["contact"]["rejected"], 1);
  EXPECT_EQ(summary["failures_by_phase"]["dependency"], 3);

  // errors.csv carries the same lines, with the contract's header.
  std::ifstream csv(last_report_dir() / "errors.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "object_type,crm_id,source,stream,locator,phase,field,detail,task_id");
  int lines = 0;
  for (std::string line; std::getline(csv, line);) ++lines;
  EXPECT_EQ(lines, 8);
}

TEST_F(SpineTest, DryRunPrintsThePlanAndSendsNothing) {
  write_all_data();
  int64_t before = requests_total();
  CommandResult r = zra_sync({"run", "-c", "CONFIG", "--dry-run"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // planted bad rows
  EXPECT_EQ(requests_total(), before) << "a dry run must not talk to ZRA at all";
  EXPECT_NE(r.out.find("Plan (dry run"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("import calls: 4"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "state" / "state.db")) << "a dry run creates no state";
}

TEST_F(SpineTest, ImportCallsAreTheLowerBound) {
  write_default_mappings();
  std::string csv = "Id,Name,OwnerEmail,Revenue,Employees,Modified\n";
  for (int i = 0; i < 25; ++i) csv += "A" + std::to_string(i) + ",Name " + std::to_string(i) + ",o@x.example,1,1,11/20/2025 07:00\n";
  write_file("data/accounts.csv", csv);
  write_config("  - name: exports\n    plugin: csv\n    streams:\n"
               "      - { name: accounts, object: account, path: data/accounts.csv, mapping: mappings/accounts.yaml }\n",
               "  batch_size: 10\n");
  register_crm();
  CommandResult r = zra_sync({"run", "-c", "CONFIG"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(import_calls(), 3);  // ceil(25 / 10)
  EXPECT_EQ(stored("account").size(), 25u);
}

// Batches are filled across the streams of one type: 15 + 12 accounts in two files are 3 calls of 10, not 2 + 2.
TEST_F(SpineTest, BatchesAreFilledAcrossStreamsOfAType) {
  write_default_mappings();
  auto csv = [](int from, int to) {
    std::string s = "Id,Name,OwnerEmail,Revenue,Employees,Modified\n";
    for (int i = from; i < to; ++i) s += "A" + std::to_string(i) + ",N,o@x.example,1,1,11/20/2025 07:00\n";
    return s;
  };
  write_file("data/east.csv", csv(0, 15));
  write_file("data/west.csv", csv(15, 27));
  write_config("  - name: exports\n    plugin: csv\n    streams:\n"
               "      - { name: east, object: account, path: data/east.csv, mapping: mappings/accounts.yaml }\n"
               "      - { name: west, object: account, path: data/west.csv, mapping: mappings/accounts.yaml }\n",
               "  batch_size: 10\n");
  register_crm();
  CommandResult r = zra_sync({"run", "-c", "CONFIG"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(import_calls(), 3);
  EXPECT_EQ(stored("account").size(), 27u);
}

TEST_F(SpineTest, A413HalvesTheBatchOnceForTheRestOfTheRun) {
  sandbox::SandboxOptions o = sandbox_options_;
  o.max_items = 5;
  start_sandbox(o);
  write_default_mappings();
  std::string csv = "Id,Name,OwnerEmail,Revenue,Employees,Modified\n";
  for (int i = 0; i < 25; ++i) csv += "A" + std::to_string(i) + ",N,o@x.example,1,1,11/20/2025 07:00\n";
  write_file("data/accounts.csv", csv);
  write_config("  - name: exports\n    plugin: csv\n    streams:\n"
               "      - { name: accounts, object: account, path: data/accounts.csv, mapping: mappings/accounts.yaml }\n",
               "  batch_size: 10\n");
  register_crm();
  CommandResult r = zra_sync({"run", "-c", "CONFIG"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(import_calls(), 6);  // one 413, then 5 batches of 5
  EXPECT_EQ(stored("account").size(), 25u);
}

TEST_F(SpineTest, NotRegisteredIsFatalWithTheHint) {
  write_all_data();
  CommandResult r = zra_sync({"run", "-c", "CONFIG"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("zra-sync crm register"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(stored("account").size(), 0u);
}

TEST_F(SpineTest, SecretsNeverReachOutputOrReports) {
  write_all_data();
  register_crm();
  CommandResult r = zra_sync({"run", "-c", "CONFIG", "--log-level", "debug"});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string secret = sandbox_options_.client_secret;
  EXPECT_EQ(r.out.find(secret), std::string::npos);
  EXPECT_EQ(r.err.find(secret), std::string::npos);
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir_ / "reports")) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path());
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content.find(secret), std::string::npos) << f.path();
  }
}

TEST_F(SpineTest, GetAndTaskReadBackWhatZraHolds) {
  write_all_data();
  register_crm();
  ASSERT_EQ(zra_sync({"run", "-c", "CONFIG"}).exit_code, 1);
  CommandResult got = zra_sync({"get", "account", "A1", "A2", "-c", "CONFIG"});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  json arr = json::parse(got.out);
  ASSERT_EQ(arr.size(), 2u);
  CommandResult missing = zra_sync({"get", "account", "A1", "NOPE", "-c", "CONFIG"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("not in ZRA: account NOPE"), std::string::npos);
  std::string task_id;
  for (const auto& e : report_errors()) {
    if (e["phase"] == "remote") task_id = e["task_id"];
  }
  ASSERT_FALSE(task_id.empty());
  CommandResult t = zra_sync({"task", task_id, "-c", "CONFIG"});
  EXPECT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("SUCCESS"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("record_id C4"), std::string::npos) << t.out;
}

}  // namespace
}  // namespace zra::testing
