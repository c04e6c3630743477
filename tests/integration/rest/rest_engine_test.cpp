// The REST plugin through `zra-sync run`: the real binary reads accounts and contacts from the fake CRM
// (page and cursor pagination, nested `owner.email`, a `{since}` cursor parameter) into the in-process
// sandbox. Asserts every stored field, the errors.jsonl locators (`GET <path> page N item M`) and the
// since value the second run sends.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/integration/engine/sync_fixture.h"
#include "tests/integration/rest/fake_crm_server.h"

namespace zra::testing {
namespace {

using nlohmann::json;

json without(json record, const std::string& field) {
  EXPECT_TRUE(record.contains(field)) << record.dump();
  record.erase(field);
  return record;
}

class RestEngineTest : public SyncFixture {
 protected:
  void write_crm_config() {
    write_file("mappings/rest_accounts.yaml",
               "fields:\n"
               "  crm_account_id: id\n"
               "  account_name: name\n"
               "  owner_email: { from: owner.email, transform: [lower] }\n"
               "  annual_revenue: revenue\n"
               "  modify_time: updated_at\n");
    write_file("mappings/rest_contacts.yaml",
               "fields:\n"
               "  crm_contact_id: id\n"
               "  crm_account_id: account.id\n"
               "  contact_name: { template: \"{first} {last}\" }\n"
               "  contact_email: email\n"
               "  owner_email: owner.email\n"
               "  modify_time: updated_at\n");
    write_config(
        "  - name: crm-api\n"
        "    plugin: rest\n"
        "    settings: { base_url: \"" +
        crm_.origin() +
        "/api\", backoff_initial_ms: 1 }\n"
        "    streams:\n"
        "      - name: accounts\n"
        "        object: account\n"
        "        path: /crm/accounts\n"
        "        cursor: true\n"
        "        params: { updated_since: \"{since}\" }\n"
        "        records: /data\n"
        "        pagination: { type: page, size: 2 }\n"
        "        mapping: mappings/rest_accounts.yaml\n"
        "      - name: contacts\n"
        "        object: contact\n"
        "        path: /crm/contacts\n"
        "        cursor: true\n"
        "        params: { updated_since: \"{since}\" }\n"
        "        records: /items\n"
        "        pagination: { type: cursor, cursor: /paging/next, param: cursor }\n"
        "        mapping: mappings/rest_contacts.yaml\n");
  }
  // The targets the fake CRM received for `path` since `first` (an index into targets()).
  std::vector<std::string> targets_of(const std::string& path, size_t first = 0) const {
    std::vector<std::string> all = crm_.targets(), out;
    for (size_t i = first; i < all.size(); ++i) {
      if (all[i].rfind(path, 0) == 0) out.push_back(all[i]);
    }
    return out;
  }
  // The one error of the run, checked field by field.
  void expect_bad_contact_error() {
    std::vector<json> errors = report_errors();
    ASSERT_EQ(errors.size(), 1u) << json(errors).dump(2);
    const json& e = errors[0];
    EXPECT_EQ(e["object_type"], "contact");
    EXPECT_EQ(e["crm_id"], "k3");
    EXPECT_EQ(e["source"], "crm-api");
    EXPECT_EQ(e["stream"], "contacts");
    EXPECT_EQ(e["locator"], "GET /crm/contacts page 2 item 1");
    EXPECT_EQ(e["phase"], "mapping");
    EXPECT_EQ(e["field"], "contact_email");
    EXPECT_NE(e["detail"].get<std::string>().find("not-an-email"), std::string::npos) << e.dump();
  }

  rest_test::FakeCrmServer crm_;
};

TEST_F(RestEngineTest, SyncsNestedFieldsReportsLocatorsAndSendsTheSinceCursor) {
  write_crm_config();
  register_crm();
  CommandResult first = zra_sync({"run", "-c", "CONFIG", "--no-progress"});
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;

  // Without a since, the parameter is left out; pages and cursors follow each other.
  EXPECT_EQ(
      targets_of("/api/crm/accounts"),
      (std::vector<std::string>{"/api/crm/accounts?page=1&per_page=2", "/api/crm/accounts?page=2&per_page=2",
                                "/api/crm/accounts?page=3&per_page=2"}));
  EXPECT_EQ(targets_of("/api/crm/contacts"),
            (std::vector<std::string>{"/api/crm/contacts", "/api/crm/contacts?cursor=after2"}));

  json accounts = stored("account");
  ASSERT_EQ(accounts.size(), 3u) << accounts.dump(2);
  EXPECT_EQ(without(accounts["a1"], "zra_account_id"), (json{{"crm_account_id", "a1"},
                                                             {"account_name", "Acme Corp"},
                                                             {"owner_email", "jane@acme.example"},
                                                             {"annual_revenue", 1250000.5},
                                                             {"modify_time", "2025-11-20T12:00:00Z"}}));
  EXPECT_EQ(without(accounts["a2"], "zra_account_id"),  // owner: null gives no owner_email at all
            (json{{"crm_account_id", "a2"},
                  {"account_name", "Café Crème"},
                  {"annual_revenue", 12345678901234.5},
                  {"modify_time", "2025-11-21T09:30:00Z"}}));
  EXPECT_EQ(without(accounts["a3"], "zra_account_id"), (json{{"crm_account_id", "a3"},
                                                             {"account_name", "日本商事 😀"},
                                                             {"owner_email", "kenji@nihon.example"},
                                                             {"modify_time", "2025-11-19T08:00:00.250Z"}}));

  json contacts = stored("contact");
  ASSERT_EQ(contacts.size(), 3u) << contacts.dump(2);
  EXPECT_EQ(without(contacts["k1"], "zra_contact_id"), (json{{"crm_contact_id", "k1"},
                                                             {"crm_account_id", "a1"},
                                                             {"contact_name", "Ann Lee"},
                                                             {"contact_email", "ann@acme.example"},
                                                             {"owner_email", "jane@acme.example"},
                                                             {"modify_time", "2025-11-20T10:00:00Z"}}));
  EXPECT_EQ(without(contacts["k2"], "zra_contact_id"), (json{{"crm_contact_id", "k2"},
                                                             {"crm_account_id", "a2"},
                                                             {"contact_name", "Zoë Łukasiewicz"},
                                                             {"modify_time", "2025-11-20T11:00:00Z"}}));
  EXPECT_EQ(without(contacts["k4"], "zra_contact_id"), (json{{"crm_contact_id", "k4"},
                                                             {"crm_account_id", "a3"},
                                                             {"contact_name", "Tanaka"},
                                                             {"contact_email", "tanaka@nihon.example"},
                                                             {"owner_email", "kenji@nihon.example"},
                                                             {"modify_time", "2025-11-20T13:00:00Z"}}));
  expect_bad_contact_error();
  EXPECT_EQ(import_calls(), 2);

  // Second run: the accounts stream read completely and confirmed, so it sends the newest modify_time it
  // read; the CRM answers with the one account changed since. The contacts stream had a failed record,
  // so its cursor did not move: it is read whole again (unchanged contacts cost no import).
  crm_.update_account("a1", "Acme Corporation", "2025-11-22T08:00:00Z");
  const size_t before = crm_.targets().size();
  CommandResult second = zra_sync({"run", "-c", "CONFIG", "--no-progress"});
  ASSERT_EQ(second.exit_code, 1) << second.out << second.err;
  EXPECT_EQ(targets_of("/api/crm/accounts", before),
            (std::vector<std::string>{
                "/api/crm/accounts?updated_since=2025-11-21T09%3A30%3A00Z&page=1&per_page=2",
                "/api/crm/accounts?updated_since=2025-11-21T09%3A30%3A00Z&page=2&per_page=2"}));
  EXPECT_EQ(targets_of("/api/crm/contacts", before),
            (std::vector<std::string>{"/api/crm/contacts", "/api/crm/contacts?cursor=after2"}));
  accounts = stored("account");
  EXPECT_EQ(accounts["a1"]["account_name"], "Acme Corporation");
  EXPECT_EQ(accounts["a1"]["modify_time"], "2025-11-22T08:00:00Z");
  EXPECT_EQ(accounts["a2"]["account_name"], "Café Crème");
  EXPECT_EQ(import_calls(), 3) << "only the changed account is imported again";
  expect_bad_contact_error();
}

}  // namespace
}  // namespace zra::testing
