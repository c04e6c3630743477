// The ODBC plugin through `zra-sync run`: the same CRM rows (NULLs, Unicode, big decimals, dates and
// timestamps, invalid rows) loaded into SQLite and into PostgreSQL, each synced by the real binary into a
// fresh in-process sandbox. What ZRA stored (every field of every record) and the report's errors must be
// identical for both databases, and a few tricky values are asserted exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "tests/integration/engine/sync_fixture.h"
#include "tests/integration/odbc/fixture_database.h"

namespace zra::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string fixture_text(const std::string& name) {
  const std::string path = std::string(ZRA_SOURCE_DIR) + "/tests/integration/odbc/fixtures/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// What one run left behind: the sandbox's records without the ids ZRA assigns, and the report's errors
// without task ids (both differ between sandboxes), sorted.
struct SyncResult {
  int exit_code = -1;
  json records;  // {type: {crm id: record}}
  std::vector<json> errors;
};

class OdbcEngineTest : public SyncFixture {
 protected:
  void write_mappings() {
    write_file("mappings/accounts.yaml",
               "timezone: America/New_York\n"
               "fields:\n"
               "  crm_account_id: id\n"
               "  account_name: name\n"
               "  owner_email: { from: owner_email, transform: [lower] }\n"
               "  annual_revenue: revenue\n"
               "  employees: employees\n"
               "  create_time: created\n"
               "  modify_time: modified\n");
    write_file("mappings/contacts.yaml",
               "fields:\n"
               "  crm_contact_id: id\n"
               "  crm_account_id: account_id\n"
               "  contact_name: { template: \"{first_name} {last_name}\" }\n"
               "  contact_email: email\n"
               "  modify_time: modified\n");
    write_file("mappings/deals.yaml",
               "fields:\n"
               "  crm_deal_id: id\n"
               "  crm_account_id: account_id\n"
               "  deal_name: name\n"
               "  owner_email: owner\n"
               "  stage: { from: stage, map: { \"Closed - Won\": Closed Won } }\n"
               "  amount: amount\n"
               "  close_date: close_date\n"
               "  contacts: { from: contact_ids, split: \";\", as: crm_contact_id }\n"
               "  is_private: is_private\n"
               "  probability: probability\n"
               "  modify_time: modified\n");
    write_file("mappings/leads.yaml",
               "fields:\n"
               "  crm_lead_id: id\n"
               "  lead_name: name\n"
               "  lead_email: email\n"
               "  company: company\n"
               "  modify_time: modified\n");
  }

  std::string sources(const std::string& connection_string) const {
    std::string yaml = "  - name: erp\n    plugin: odbc\n    settings: { connection_string: \"" +
                       connection_string + "\" }\n    streams:\n";
    for (const char* table : {"accounts", "contacts", "deals", "leads"}) {
      const std::string t = table;
      const std::string object = t.substr(0, t.size() - 1);
      yaml += "      - { name: " + t + ", object: " + object + ", key: id, query: \"SELECT * FROM " + t +
              " ORDER BY id\", mapping: mappings/" + t + ".yaml }\n";
    }
    return yaml;
  }

  // Loads the fixture into a new database of `driver`, syncs it into a fresh sandbox, collects the result.
  SyncResult sync_from(Driver driver) {
    SyncResult result;
    FixtureDatabase db(driver);
    const std::string prefix = driver == Driver::kSqlite ? "engine_sqlite" : "engine_postgres";
    db.execute(fixture_text(prefix + "_schema.sql"));
    db.execute(fixture_text("engine_rows.sql"));

    start_sandbox(sandbox_options_);  // an empty store
    fs::remove_all(dir_ / "state");
    fs::remove_all(dir_ / "reports");
    write_mappings();
    write_config(sources(db.connection_string()));
    register_crm();
    CommandResult r = zra_sync({"run", "-c", "CONFIG", "--no-progress"});
    result.exit_code = r.exit_code;
    EXPECT_EQ(r.exit_code, 1) << driver_name(driver) << ":\n" << r.out << r.err;

    for (const char* type : {"account", "contact", "deal", "lead"}) {
      json records = stored(type);
      for (auto& [id, record] : records.items()) {
        EXPECT_TRUE(record.contains(std::string("zra_") + type + "_id")) << record.dump();
        record.erase(std::string("zra_") + type + "_id");
      }
      result.records[type] = records;
    }
    for (json e : report_errors()) {
      if (e["phase"] == "remote") {
        EXPECT_FALSE(e["task_id"].get<std::string>().empty()) << e.dump();
      }
      e.erase("task_id");
      result.errors.push_back(e);
    }
    std::sort(result.errors.begin(), result.errors.end(), [](const json& a, const json& b) {
      return a["locator"].get<std::string>() < b["locator"].get<std::string>();
    });
    return result;
  }
};

TEST_F(OdbcEngineTest, SqliteAndPostgresSyncToIdenticalRecordsAndErrors) {
  const SyncResult sqlite = sync_from(Driver::kSqlite);
  const SyncResult postgres = sync_from(Driver::kPostgres);
  ASSERT_EQ(sqlite.exit_code, 1);
  ASSERT_EQ(postgres.exit_code, 1);

  // Identical, record by record and field by field (the failure message names the first difference).
  for (const char* type : {"account", "contact", "deal", "lead"}) {
    const json& a = sqlite.records[type];
    const json& b = postgres.records[type];
    EXPECT_EQ(a, b) << type << " differs: " << json::diff(a, b).dump(2) << "\nSQLite: " << a.dump(2)
                    << "\nPostgreSQL: " << b.dump(2);
  }
  ASSERT_EQ(sqlite.errors.size(), postgres.errors.size())
      << json(sqlite.errors).dump(2) << json(postgres.errors).dump(2);
  for (size_t i = 0; i < sqlite.errors.size(); ++i) EXPECT_EQ(sqlite.errors[i], postgres.errors[i]) << i;

  // What both stored, exactly (checked on SQLite; PostgreSQL is equal to it above).
  const json& r = sqlite.records;
  EXPECT_EQ(r["account"].size(), 3u);
  EXPECT_EQ(r["contact"].size(), 2u);
  EXPECT_EQ(r["deal"].size(), 2u);
  EXPECT_EQ(r["lead"].size(), 1u);
  EXPECT_EQ(r["account"]["A1"], (json{{"crm_account_id", "A1"},
                                      {"account_name", "Acme Corp"},
                                      {"owner_email", "jane@acme.example"},
                                      {"annual_revenue", 12345678901234.56},
                                      {"employees", 120},
                                      {"create_time", "2024-03-01T17:34:56.789Z"},
                                      {"modify_time", "2025-11-20T12:00:00Z"}}));
  // NULLs are absent fields; summer time in New York is UTC-4.
  EXPECT_EQ(r["account"]["A2"], (json{{"crm_account_id", "A2"},
                                      {"account_name", "Café Crème"},
                                      {"annual_revenue", -0.5},
                                      {"modify_time", "2025-07-01T12:00:00Z"}}));
  // 36 significant digits become the nearest double; the largest BIGINT stays exact.
  EXPECT_EQ(r["account"]["A3"], (json{{"crm_account_id", "A3"},
                                      {"account_name", "日本商事 😀"},
                                      {"owner_email", "kenji@nihon.example"},
                                      {"annual_revenue", 1.2345678901234568e25},
                                      {"employees", 9223372036854775807LL},
                                      {"create_time", "2000-01-01T04:59:59Z"},
                                      {"modify_time", "2026-01-01T05:00:00.500Z"}}));
  EXPECT_EQ(r["contact"]["C1"], (json{{"crm_contact_id", "C1"},
                                      {"crm_account_id", "A1"},
                                      {"contact_name", "Zoë Łukasiewicz"},
                                      {"contact_email", "zoe@acme.example"},
                                      {"modify_time", "2025-11-20T12:00:00Z"}}));
  EXPECT_EQ(r["contact"]["C2"], (json{{"crm_contact_id", "C2"},
                                      {"crm_account_id", "A2"},
                                      {"contact_name", "Dubois"},
                                      {"modify_time", "2025-11-20T12:00:01.250Z"}}));
  EXPECT_EQ(r["deal"]["D1"],
            (json{{"crm_deal_id", "D1"},
                  {"crm_account_id", "A1"},
                  {"deal_name", "Big deal"},
                  {"owner_email", "jane@acme.example"},
                  {"stage", "Closed Won"},
                  {"amount", 50000},
                  {"close_date", "2025-12-31"},
                  {"contacts", json::array({{{"crm_contact_id", "C1"}}, {{"crm_contact_id", "C2"}}})},
                  {"is_private", true},
                  {"probability", 0.1},
                  {"modify_time", "2025-11-20T12:00:00Z"}}));
  EXPECT_EQ(r["deal"]["D2"], (json{{"crm_deal_id", "D2"},
                                   {"crm_account_id", "A3"},
                                   {"deal_name", "日本 deal"},
                                   {"owner_email", "kenji@nihon.example"},
                                   {"stage", "Prospecting"},
                                   {"amount", 1e17},
                                   {"is_private", false},
                                   {"modify_time", "2025-11-21T09:30:00Z"}}));
  EXPECT_EQ(r["lead"]["L1"], (json{{"crm_lead_id", "L1"},
                                   {"lead_name", "Émile Zola"},
                                   {"lead_email", "emile@lead.example"},
                                   {"company", "Les Éditions & Co"},
                                   {"modify_time", "2025-11-20T12:00:00Z"}}));

  // Every failure: the row's locator (stream#key=value), its phase and field.
  std::vector<std::string> summary;
  for (const json& e : sqlite.errors) {
    EXPECT_EQ(e["source"], "erp") << e.dump();
    summary.push_back(e["locator"].get<std::string>() + " " + e["crm_id"].get<std::string>() + " " +
                      e["phase"].get<std::string>() + " " + e["field"].get<std::string>());
  }
  EXPECT_EQ(summary, (std::vector<std::string>{
                         "accounts#id=A4 A4 mapping owner_email",
                         "accounts#id=A5 A5 mapping modify_time",
                         "contacts#id=C3 C3 dependency crm_contact_id",
                         "contacts#id=C4 C4 remote ",
                         "deals#id=D3 D3 validation stage",
                         "deals#id=D4 D4 dependency crm_deal_id",
                         "leads#id=L2 L2 validation lead_name",
                         "leads#id=L3 L3 mapping lead_email",
                     }))
      << json(sqlite.errors).dump(2);
}

}  // namespace
}  // namespace zra::testing
