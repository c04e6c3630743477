// The typed form of apply(): the same values as the JSON form, a body written straight as text that is
// byte for byte dump()'s, buffers reused from row to row, and time zone conversion through the per-thread
// interval cache agreeing with the tz database around every DST change.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include <date/date.h>
#include <date/tz.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace zra {
namespace {

using mapping_test::compile_yaml;
using mapping_test::make_row;
using nlohmann::json;

std::string dump_strict(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::strict); }

const char* kAccountMapping =
    "timezone: America/New_York\n"
    "fields:\n"
    "  crm_account_id: Id\n"
    "  account_name: { from: Name, keep_whitespace: true }\n"
    "  owner_email: { from: Owner, transform: [trim, lower] }\n"
    "  annual_revenue: { from: Revenue, type: number }\n"
    "  employees: { from: Employees, default: 0 }\n"
    "  modify_time: { from: Modified, format: \"%m/%d/%Y %H:%M\" }\n"
    "  deletion: { from: Deleted }\n"
    "  domain: { template: \"{Site}.example\" }\n"
    "  type: { from: Status, transform: [lower], map: { \"customer\": Customer, \"n/a\": ~ } }\n"
    "  industry: { value: Software }\n";

SourceRow account_row(const std::string& name, const std::optional<std::string>& revenue,
                      const std::optional<std::string>& status) {
  return make_row({{"Id", "A1"}, {"Name", name}, {"Owner", " Ann@Acme.EXAMPLE "}, {"Revenue", revenue},
                   {"Employees", std::nullopt}, {"Modified", "07/04/2025 09:30"}, {"Deleted", "no"},
                   {"Site", "acme"}, {"Status", status}});
}

TEST(MappedRecord, TypedValuesMatchTheJsonForm) {
  auto m = compile_yaml(ObjectType::Account, kAccountMapping);
  MappedRecord mapped;
  m->apply(account_row("Acme", "1,250,000.50", "CUSTOMER"), mapped);
  ASSERT_TRUE(mapped.ok());
  ASSERT_EQ(mapped.values.size(), m->targets().size());
  // Slots follow the field names' order.
  std::vector<std::string> names;
  for (const FieldSpec* f : m->targets()) names.emplace_back(f->name);
  EXPECT_EQ(names, (std::vector<std::string>{"account_name", "annual_revenue", "crm_account_id", "deletion", "domain",
                                             "employees", "industry", "modify_time", "owner_email", "type"}));
  EXPECT_EQ(mapped.values[1].kind, MappedValue::Kind::Number);
  EXPECT_EQ(mapped.values[1].number, 1250000.5);
  EXPECT_EQ(mapped.values[3].kind, MappedValue::Kind::Bool);
  EXPECT_EQ(mapped.values[5].kind, MappedValue::Kind::Integer);  // the default
  EXPECT_EQ(mapped.values[7].text, "2025-07-04T13:30:00Z");
  EXPECT_EQ(mapped.values[8].text, "ann@acme.example");
  json expected = {{"account_name", "Acme"}, {"annual_revenue", 1250000.5}, {"crm_account_id", "A1"},
                   {"deletion", false}, {"domain", "acme.example"}, {"employees", 0}, {"industry", "Software"},
                   {"modify_time", "2025-07-04T13:30:00Z"}, {"owner_email", "ann@acme.example"}, {"type", "Customer"}};
  EXPECT_EQ(m->to_json(mapped), expected);
  EXPECT_EQ(m->apply(account_row("Acme", "1,250,000.50", "CUSTOMER")).record, expected);
  std::string body;
  ASSERT_TRUE(m->write_json(mapped, body));
  EXPECT_EQ(body,
            R"({"account_name":"Acme","annual_revenue":1250000.5,"crm_account_id":"A1","deletion":false,)"
            R"("domain":"acme.example","employees":0,"industry":"Software","modify_time":"2025-07-04T13:30:00Z",)"
            R"("owner_email":"ann@acme.example","type":"Customer"})");
  EXPECT_EQ(body, dump_strict(expected));
}

TEST(MappedRecord, ReusedForManyRowsGivesWhatAFreshOneGives) {
  auto m = compile_yaml(ObjectType::Account, kAccountMapping);
  const std::vector<SourceRow> rows = {
      account_row("A long company name that does not fit a short string, Inc.", "98000", "n/a"),
      account_row("  Tabs\tand \"quotes\" and \\ backslashes  ", std::nullopt, "Customer"),
      account_row("Zürich – 東京", "-3.25e2", std::nullopt),
      account_row("Bad revenue", "12abc", "x"),
      account_row("", "1 200", "PARTNER"),
  };
  MappedRecord reused;
  std::string body;
  for (int round = 0; round < 2; ++round) {
    for (const SourceRow& row : rows) {
      m->apply(row, reused);
      MappedRecord fresh;
      m->apply(row, fresh);
      MappedRow as_json = m->apply(row);
      EXPECT_EQ(m->to_json(reused), m->to_json(fresh));
      EXPECT_EQ(m->to_json(reused), as_json.record);
      ASSERT_EQ(reused.issues.size(), as_json.issues.size());
      for (size_t i = 0; i < reused.issues.size(); ++i) EXPECT_EQ(reused.issues[i].detail, as_json.issues[i].detail);
      ASSERT_TRUE(m->write_json(reused, body));
      EXPECT_EQ(body, dump_strict(as_json.record));
    }
  }
  m->apply(rows[3], reused);
  ASSERT_EQ(reused.issues.size(), 1u);
  EXPECT_EQ(reused.issues[0].field, "annual_revenue");
  EXPECT_EQ(reused.issues[0].detail, "cannot parse '12abc' as a number");
}

TEST(MappedRecord, ArraysAndInvalidUtf8) {
  auto m = compile_yaml(ObjectType::Deal,
                        "fields:\n  crm_deal_id: Id\n  contacts: { from: C, split: \";\", as: crm_contact_id }\n"
                        "  team_member_emails: { from: T, split: \",\" }\n  deal_name: Name\n");
  MappedRecord mapped;
  m->apply(make_row({{"Id", "D1"}, {"C", "c1; c2"}, {"T", "a@x.example,b@y.example"}, {"Name", "Q\n4"}}), mapped);
  ASSERT_TRUE(mapped.ok());
  std::string body;
  ASSERT_TRUE(m->write_json(mapped, body));
  EXPECT_EQ(body, R"({"contacts":[{"crm_contact_id":"c1"},{"crm_contact_id":"c2"}],"crm_deal_id":"D1",)"
                  R"("deal_name":"Q\n4","team_member_emails":["a@x.example","b@y.example"]})");
  EXPECT_EQ(body, dump_strict(m->to_json(mapped)));
  m->apply(make_row({{"Id", "D1"}, {"Name", "bad \xff byte"}}), mapped);
  ASSERT_TRUE(mapped.ok());
  EXPECT_FALSE(m->write_json(mapped, body));
  m->apply(make_row({{"Id", "D1"}, {"C", "ok;\xc3"}}), mapped);
  ASSERT_TRUE(mapped.ok());
  EXPECT_FALSE(m->write_json(mapped, body));
}

// The mapping's conversion of `local` (seconds precision) against date's own answer without any cache.
std::string reference_utc(const date::time_zone* zone, date::local_seconds local) {
  date::local_info info = zone->get_info(local);
  if (info.result == date::local_info::nonexistent) return "gap";
  return date::format("%Y-%m-%dT%H:%M:%SZ", date::sys_seconds{local.time_since_epoch() - info.first.offset});
}

void expect_zone_agrees(const std::string& zone_name, std::vector<date::local_seconds> times) {
  SCOPED_TRACE(zone_name);
  auto m = compile_yaml(ObjectType::Account,
                        "fields:\n  modify_time: { from: T, format: \"%Y-%m-%d %H:%M:%S\", timezone: " + zone_name + " }\n");
  const date::time_zone* zone = date::locate_zone(zone_name);
  auto columns = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"T"});
  MappedRecord mapped;
  for (date::local_seconds t : times) {
    SourceRow row{columns, {date::format("%Y-%m-%d %H:%M:%S", t)}, "t.csv:2", std::nullopt};
    m->apply(row, mapped);
    std::string got = mapped.ok() ? mapped.values[0].text : "gap";
    if (!mapped.ok()) {
      EXPECT_NE(mapped.issues[0].detail.find("(DST gap)"), std::string::npos);
    }
    ASSERT_EQ(got, reference_utc(zone, t)) << row.values[0].value();
  }
}

// Every 10 minutes over two years in order (each change met from either side), then the same times
// shuffled (the cache jumping between periods), for zones with 1 h, 30 min and 24 h changes.
TEST(MappedRecord, ZoneIntervalCacheAgreesWithTheTzDatabase) {
  using namespace std::chrono;
  for (const char* zone : {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Apia"}) {
    std::vector<date::local_seconds> times;
    date::local_seconds start = date::local_days{date::year{2011} / 1 / 1};
    for (date::local_seconds t = start; t < start + date::days{730}; t += minutes{10}) times.push_back(t);
    expect_zone_agrees(zone, times);
    std::shuffle(times.begin(), times.end(), std::mt19937(3));
    times.resize(20000);
    expect_zone_agrees(zone, times);
  }
}

}  // namespace
}  // namespace zra
