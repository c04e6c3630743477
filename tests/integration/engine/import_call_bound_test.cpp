// Issue 7, target 1, guarded with exact counts: a sync makes exactly sum over types of
// ceil(records / batch_size) import calls, batches are filled across the streams of a type, a 413 costs
// one extra call once per run (not once per batch or per type), and a rerun with nothing changed makes
// none. Runs the real zra-sync against the in-process sandbox (tests/integration/engine/sync_fixture.h).
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/engine/sync_fixture.h"

namespace zra::testing {
namespace {

using nlohmann::json;

std::string accounts_csv(int from, int to) {
  std::string s = "Id,Name,OwnerEmail,Revenue,Employees,Modified\n";
  for (int i = from; i < to; ++i) s += "A" + std::to_string(i) + ",Name " + std::to_string(i) + ",o@x.example,1,1,11/20/2025 07:00\n";
  return s;
}
std::string contacts_csv(int from, int to) {  // contact i belongs to account i
  std::string s = "Id,AccountId,First,Last,Email,Modified\n";
  for (int i = from; i < to; ++i) {
    s += "C" + std::to_string(i) + ",A" + std::to_string(i) + ",F,L,c" + std::to_string(i) + "@x.example,2025-11-20T12:00:00Z\n";
  }
  return s;
}
std::string deals_csv(int from, int to) {  // deal i: account i, contact i
  std::string s = "Id,AccountId,Name,Owner,Stage,Amount,CloseDate,ContactIds,Modified\n";
  for (int i = from; i < to; ++i) {
    s += "D" + std::to_string(i) + ",A" + std::to_string(i) + ",Deal,o@x.example,Prospecting,10,01.02.2026,C" +
         std::to_string(i) + ",2025-11-20T12:00:00Z\n";
  }
  return s;
}
std::string leads_csv(int from, int to) {
  std::string s = "Id,Name,Email,Company,Modified\n";
  for (int i = from; i < to; ++i) s += "L" + std::to_string(i) + ",Lead,l" + std::to_string(i) + "@x.example,Co,2025-11-20T12:00:00Z\n";
  return s;
}

// Two streams per type, sizes chosen so that per-stream batching would cost more calls than the bound.
constexpr const char* kTwoStreamsPerType =
    "  - name: east\n    plugin: csv\n    streams:\n"
    "      - { name: accounts, object: account, path: data/a1.csv, mapping: mappings/accounts.yaml }\n"
    "      - { name: contacts, object: contact, path: data/c1.csv, mapping: mappings/contacts.yaml }\n"
    "      - { name: deals, object: deal, path: data/d1.csv, mapping: mappings/deals.yaml }\n"
    "      - { name: leads, object: lead, path: data/l1.csv, mapping: mappings/leads.yaml }\n"
    "  - name: west\n    plugin: csv\n    streams:\n"
    "      - { name: accounts, object: account, path: data/a2.csv, mapping: mappings/accounts.yaml }\n"
    "      - { name: contacts, object: contact, path: data/c2.csv, mapping: mappings/contacts.yaml }\n"
    "      - { name: deals, object: deal, path: data/d2.csv, mapping: mappings/deals.yaml }\n"
    "      - { name: leads, object: lead, path: data/l2.csv, mapping: mappings/leads.yaml }\n";

class ImportCallBoundTest : public SyncFixture {
 protected:
  // accounts 15 + 12 = 27, contacts 13 + 8 = 21, deals 9 + 12 = 21, leads 7 + 4 = 11.
  void write_data() {
    write_default_mappings();
    write_file("data/a1.csv", accounts_csv(0, 15));
    write_file("data/a2.csv", accounts_csv(15, 27));
    write_file("data/c1.csv", contacts_csv(0, 13));
    write_file("data/c2.csv", contacts_csv(13, 21));
    write_file("data/d1.csv", deals_csv(0, 9));
    write_file("data/d2.csv", deals_csv(9, 21));
    write_file("data/l1.csv", leads_csv(0, 7));
    write_file("data/l2.csv", leads_csv(7, 11));
  }
  json calls_by_type() const {
    json by_endpoint = sandbox_->requests()["by_endpoint"];
    json out = json::object();
    for (const char* t : {"accounts", "contacts", "deals", "leads"}) {
      out[t] = by_endpoint.value(std::string("POST /v2/zra/crm/") + t, 0);
    }
    return out;
  }
  void expect_everything_stored() {
    EXPECT_EQ(stored("account").size(), 27u);
    EXPECT_EQ(stored("contact").size(), 21u);
    EXPECT_EQ(stored("deal").size(), 21u);
    EXPECT_EQ(stored("lead").size(), 11u);
  }
};

TEST_F(ImportCallBoundTest, EachTypeCostsCeilOfItsRecordsOverTheBatchSize) {
  write_data();
  write_config(kTwoStreamsPerType, "  batch_size: 10\n");
  register_crm();
  CommandResult r = zra_sync({"run", "-c", "CONFIG"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // ceil(27/10) + ceil(21/10) + ceil(21/10) + ceil(11/10) = 3 + 3 + 3 + 2, not 2+2 + 2+1 + 1+2 + 1+1 per stream.
  EXPECT_EQ(calls_by_type(), json({{"accounts", 3}, {"contacts", 3}, {"deals", 3}, {"leads", 2}}));
  EXPECT_EQ(import_calls(), 11);
  EXPECT_EQ(import_items(), 80);
  EXPECT_EQ(report_summary()["api_calls"]["import_calls"], 11);
  expect_everything_stored();

  // Nothing changed: no call at all.
  CommandResult again = zra_sync({"run", "-c", "CONFIG"});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(import_calls(), 11);
  EXPECT_EQ(report_summary()["api_calls"]["import_calls"], 0);
}

// The sandbox takes at most 5 items: the first import (10 accounts) gets 413, the batch size is halved
// for the rest of the run, for every type, and nothing is answered 413 again.
TEST_F(ImportCallBoundTest, A413CostsOneCallOncePerRunAcrossAllTypes) {
  sandbox::SandboxOptions o = sandbox_options_;
  o.max_items = 5;
  start_sandbox(o);
  write_data();
  write_config(kTwoStreamsPerType, "  batch_size: 10\n");
  register_crm();
  CommandResult r = zra_sync({"run", "-c", "CONFIG"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // 1 (the 413) + ceil(27/5) + ceil(21/5) + ceil(21/5) + ceil(11/5) = 1 + 6 + 5 + 5 + 3.
  EXPECT_EQ(calls_by_type(), json({{"accounts", 7}, {"contacts", 5}, {"deals", 5}, {"leads", 3}}));
  EXPECT_EQ(import_calls(), 20);
  EXPECT_EQ(sandbox_->requests()["by_status"].value("413", 0), 1);
  EXPECT_EQ(import_items(), 80);
  expect_everything_stored();
}

}  // namespace
}  // namespace zra::testing
