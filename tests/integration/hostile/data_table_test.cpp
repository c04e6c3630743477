// Hostile source data: one bad row between two good ones. The bad row gets exactly one report line naming
// its locator, phase, field and what is wrong; the good rows are stored in ZRA; the run exits 1.
// A whole stream that cannot be read fails alone: the other stream's records still sync.
#include <filesystem>
#include <fstream>

#include "tests/integration/hostile/hostile_fixture.h"

namespace zra::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::string_literals;

const std::vector<std::string> kRun = {"run", "-c", "CONFIG", "--no-progress"};
const char* kHeader = "Id,Name,OwnerEmail,Revenue,Employees,Modified\n";
const char* kGood1 = "A1,Acme,o@x.example,1000,10,11/20/2025 12:00\n";
const char* kGood2 = "A2,Beta,o@x.example,2000,20,11/20/2025 12:00\n";

struct Expected {
  std::string crm_id, phase, field, detail;
};

void expect_one_error(HostileFixture& f, const Expected& want) {
  auto errors = f.report_errors();
  ASSERT_EQ(errors.size(), 1u) << json(errors).dump(1);
  const json& e = errors[0];
  EXPECT_EQ(e["object_type"], "account");
  EXPECT_EQ(e["crm_id"], want.crm_id);
  EXPECT_EQ(e["locator"], "accounts.csv:3");
  EXPECT_EQ(e["phase"], want.phase);
  EXPECT_EQ(e["field"], want.field);
  EXPECT_EQ(e["detail"], want.detail);
}

void expect_good_rows_stored(HostileFixture& f) {
  json stored = f.stored("account");
  EXPECT_EQ(stored.size(), 2u) << stored.dump(1);
  EXPECT_TRUE(stored.contains("A1"));
  EXPECT_TRUE(stored.contains("A2"));
}

void prepare_accounts(HostileFixture& f, const std::string& bad_line) {
  f.write_default_mappings();
  f.write_file("data/accounts.csv", std::string(kHeader) + kGood1 + bad_line + kGood2);
  f.write_config(csv_source("account", "data/accounts.csv", "mappings/accounts.yaml"));
  f.register_crm();
}

// The row `bad_line` at accounts.csv:3 gets exactly `want`; A1 and A2 are stored.
HostileRow bad_account(std::string name, std::string bad_line, Expected want) {
  return {name,
          [bad_line](HostileFixture& f) {
            prepare_accounts(f, bad_line);
            return kRun;
          },
          1, {},
          [want](HostileFixture& f) {
            expect_one_error(f, want);
            expect_good_rows_stored(f);
          }};
}

// Two streams: accounts from `accounts_path` (which cannot be read) and leads that can.
HostileRow unreadable_stream(std::string name, std::function<void(HostileFixture&)> make_unreadable,
                             std::string detail) {
  return {name,
          [make_unreadable](HostileFixture& f) {
            f.write_default_mappings();
            f.write_file("data/leads.csv",
                         "Id,Name,Email,Company,Modified\nL1,Lead 1,l1@x.example,Co,2025-11-20T12:00:00Z\n");
            make_unreadable(f);
            f.write_config(csv_source("lead", "data/leads.csv", "mappings/leads.yaml", "web") +
                           csv_source("account", "data/accounts.csv", "mappings/accounts.yaml", "erp"));
            f.register_crm();
            return kRun;
          },
          1, {},
          [detail](HostileFixture& f) {
            auto errors = f.report_errors();
            ASSERT_EQ(errors.size(), 1u) << json(errors).dump(1);
            EXPECT_EQ(errors[0]["phase"], "source");
            EXPECT_EQ(errors[0]["locator"], "erp/accounts");
            std::string got = errors[0]["detail"];
            EXPECT_NE(got.find(detail), std::string::npos) << got;
            EXPECT_TRUE(f.stored("lead").contains("L1")) << "the other stream still syncs";
          }};
}

// A fixture plugin that fails mid-stream (tests/integration/plugins/fixtures) beside a CSV stream that
// works: the plugin's stream fails alone, with `detail`, and the CSV's lead is stored.
HostileRow failing_plugin(std::string name, std::string plugin, std::string detail) {
  return {name,
          [plugin](HostileFixture& f) {
            f.write_default_mappings();
            f.write_file("data/leads.csv",
                         "Id,Name,Email,Company,Modified\nL1,Lead 1,l1@x.example,Co,2025-11-20T12:00:00Z\n");
            f.write_config("  - name: plug\n    plugin: " + plugin + "\n    streams:\n"
                           "      - { name: s, object: lead, label: x, mapping: { fields: { crm_lead_id: id, "
                           "lead_name: label, modify_time: { value: \"2025-11-20T12:00:00Z\" } } } }\n" +
                               csv_source("lead", "data/leads.csv", "mappings/leads.yaml", "web"),
                           "", "plugin_paths: [ " + std::string(ZRA_BINARY_DIR) + "/test-plugins ]\n");
            f.register_crm();
            return kRun;
          },
          1, {},
          [plugin, detail](HostileFixture& f) {
            auto errors = f.report_errors();
            ASSERT_EQ(errors.size(), 1u) << json(errors).dump(1);
            EXPECT_EQ(errors[0]["phase"], "source");
            EXPECT_EQ(errors[0]["locator"], "plug/s");
            std::string got = errors[0]["detail"];
            EXPECT_NE(got.find(detail), std::string::npos) << got;
            EXPECT_TRUE(f.stored("lead").contains("L1")) << "the other source still syncs";
          }};
}

}  // namespace

std::vector<HostileRow> data_rows() {
  std::vector<HostileRow> rows;
  rows.push_back(bad_account("csv_nul_byte", "A3,Ga\0ma,o@x.example,1,1,11/20/2025 12:00\n"s,
                             {"", "source", "", "NUL byte in field 2 ('Name') on line 3"}));
  rows.push_back(bad_account("csv_invalid_utf8", "A3,Caf\xE9,o@x.example,1,1,11/20/2025 12:00\n",
                             {"", "source", "", "invalid UTF-8 in field 2 ('Name') (the file must be UTF-8)"}));
  rows.push_back(bad_account("csv_utf16_surrogate", "A3,X\xED\xA0\x80Y,o@x.example,1,1,11/20/2025 12:00\n",
                             {"", "source", "", "invalid UTF-8 in field 2 ('Name') (the file must be UTF-8)"}));
  rows.push_back(bad_account("csv_text_after_closing_quote", "A3,\"Gam\"ma,o@x.example,1,1,11/20/2025 12:00\n",
                             {"", "source", "",
                              "field 2 ('Name'): unexpected text after a closing quote on line 3 (a quote inside a "
                              "quoted field must be doubled: \"\")"}));
  rows.push_back(bad_account("csv_too_few_fields", "A3,Gamma\n",
                             {"", "source", "", "expected 6 fields as in the header, found 2"}));
  rows.push_back({"csv_100_mb_field",
                  [](HostileFixture& f) {
                    prepare_accounts(f, "");
                    // Written in pieces: 100 MB of one field between the two good rows, deleted after the row.
                    std::ofstream out(f.dir() / "data/accounts.csv", std::ios::binary | std::ios::trunc);
                    out << kHeader << kGood1 << "A3,";
                    const std::string chunk(1 << 20, 'x');
                    for (int i = 0; i < 100; ++i) out << chunk;
                    out << ",o@x.example,1,1,11/20/2025 12:00\n" << kGood2;
                    return kRun;
                  },
                  1, {},
                  [](HostileFixture& f) {
                    expect_one_error(f, {"", "source", "", "record longer than the limit of 16777216 bytes"});
                    expect_good_rows_stored(f);
                    fs::remove(f.dir() / "data/accounts.csv");
                  }});
  rows.push_back(bad_account("dst_gap", "A3,Gamma,o@x.example,1,1,03/09/2025 02:30\n",
                             {"A3", "mapping", "modify_time",
                              "'2025-03-09 02:30:00' does not exist in America/New_York (DST gap)"}));
  rows.push_back({"dst_overlap_means_the_earlier_instant",
                  [](HostileFixture& f) {
                    prepare_accounts(f, "A3,Gamma,o@x.example,1,1,11/02/2025 01:30\n");
                    return kRun;
                  },
                  0, {},
                  [](HostileFixture& f) {
                    EXPECT_TRUE(f.report_errors().empty());
                    json stored = f.stored("account");
                    ASSERT_TRUE(stored.contains("A3")) << stored.dump(1);
                    EXPECT_EQ(stored["A3"]["modify_time"], "2025-11-02T05:30:00Z") << "01:30 EDT, not 01:30 EST";
                  }});
  rows.push_back(bad_account("number_1e400", "A3,Gamma,o@x.example,1e400,1,11/20/2025 12:00\n",
                             {"A3", "mapping", "annual_revenue", "number '1e400' is out of range"}));
  rows.push_back(bad_account("number_minus_1e400", "A3,Gamma,o@x.example,-1e400,1,11/20/2025 12:00\n",
                             {"A3", "mapping", "annual_revenue", "number '-1e400' is out of range"}));
  rows.push_back(bad_account("number_inf", "A3,Gamma,o@x.example,inf,1,11/20/2025 12:00\n",
                             {"A3", "mapping", "annual_revenue", "cannot parse 'inf' as a number"}));
  rows.push_back(bad_account("integer_overflow", "A3,Gamma,o@x.example,1,99999999999999999999,11/20/2025 12:00\n",
                             {"A3", "mapping", "employees", "integer '99999999999999999999' is out of range"}));
  rows.push_back(bad_account("integer_1e19", "A3,Gamma,o@x.example,1,1e19,11/20/2025 12:00\n",
                             {"A3", "mapping", "employees", "integer '1e19' is out of range"}));
  rows.push_back(unreadable_stream("csv_missing", [](HostileFixture&) {}, "No such file or directory"));
  rows.push_back(unreadable_stream(
      "csv_is_a_directory", [](HostileFixture& f) { fs::create_directories(f.dir() / "data/accounts.csv"); },
      "Is a directory"));
  rows.push_back(failing_plugin("plugin_crashes", "fixture_crash_next",
                                 "the plugin process crashed with SIGSEGV during next_batch()"));
  rows.push_back(failing_plugin("plugin_throws_across_the_abi", "fixture_throws",
                                 "plugin bug: a C++ exception escaped next_batch() (exceptions must not cross the ABI): "
                                 "boom from next_batch"));
  return rows;
}

namespace {

class DataTable : public HostileFixture, public ::testing::WithParamInterface<HostileRow> {};

TEST_P(DataTable, BadRowIsReportedAndTheOthersSync) { run_row(GetParam(), "data"); }

INSTANTIATE_TEST_SUITE_P(Hostile, DataTable, ::testing::ValuesIn(data_rows()), row_name);

}  // namespace
}  // namespace zra::testing
