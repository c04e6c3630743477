// apply() as the engine uses it: column lists shared by many rows, changing column orders, referenced
// columns, no per-row zone lookups, concurrent use of one mapping.
#include <gtest/gtest.h>

#include <thread>

#include "mapping/column_index_cache.h"
#include "mapping/time_zone_lookup.h"
#include "tests/unit/mapping/mapping_test_support.h"

namespace zra {
namespace {

using mapping_test::compile_yaml;
using nlohmann::json;

const char* kDealMapping =
    "timezone: America/New_York\n"
    "fields:\n"
    "  crm_deal_id: Id\n"
    "  deal_name: { template: \"{Account} - {Product}\" }\n"
    "  crm_account_id: AccountId\n"
    "  owner_email: { from: Owner, transform: [lower] }\n"
    "  stage: { from: Stage, map: { \"Closed - Won\": Closed Won } }\n"
    "  amount: Amount\n"
    "  modify_time: { from: Modified, format: \"%m/%d/%Y %H:%M\" }\n"
    "  close_date: { from: Close, format: \"%d.%m.%Y\", timezone: Europe/Berlin }\n"
    "  contacts: { from: Contacts, split: \";\", as: crm_contact_id }\n"
    "  description: { template: \"{Product} for {Account}\" }\n"
    "  forecast_category: { value: Pipeline }\n";

SourceRow deal_row(const std::shared_ptr<const std::vector<std::string>>& columns, int i) {
  SourceRow row;
  row.columns = columns;
  row.values = {std::to_string(i), "Acme", "Widgets", "A" + std::to_string(i % 7), "Ann@Acme.example", "Closed - Won",
                "1,250.50", "11/20/2025 07:00", "20.11.2025", "c1;c2"};
  row.locator = "deals.csv:" + std::to_string(i + 2);
  return row;
}

std::shared_ptr<const std::vector<std::string>> deal_columns() {
  return std::make_shared<const std::vector<std::string>>(std::vector<std::string>{
      "Id", "Account", "Product", "AccountId", "Owner", "Stage", "Amount", "Modified", "Close", "Contacts"});
}

json expected_deal(int i) {
  return json({{"crm_deal_id", std::to_string(i)},
               {"deal_name", "Acme - Widgets"},
               {"crm_account_id", "A" + std::to_string(i % 7)},
               {"owner_email", "ann@acme.example"},
               {"stage", "Closed Won"},
               {"amount", 1250.5},
               {"modify_time", "2025-11-20T12:00:00Z"},
               {"close_date", "2025-11-20"},
               {"contacts", {{{"crm_contact_id", "c1"}}, {{"crm_contact_id", "c2"}}}},
               {"description", "Widgets for Acme"},
               {"forecast_category", "Pipeline"}});
}

TEST(MappingApply, ReferencedColumnsAreUniqueAndInMappingOrder) {
  auto m = compile_yaml(ObjectType::Deal, kDealMapping);
  EXPECT_EQ(m->referenced_columns(), (std::vector<std::string>{"Id", "Account", "Product", "AccountId", "Owner",
                                                               "Stage", "Amount", "Modified", "Close", "Contacts"}));
  EXPECT_EQ(m->object_type(), ObjectType::Deal);
}

TEST(MappingApply, TenThousandRowsMapWithoutAnyZoneLookup) {
  auto m = compile_yaml(ObjectType::Deal, kDealMapping);
  auto columns = deal_columns();
  uint64_t lookups_before = mapping_detail::time_zone_lookups();
  for (int i = 0; i < 10000; ++i) {
    MappedRow r = m->apply(deal_row(columns, i));
    ASSERT_TRUE(r.ok()) << i << ": " << r.issues[0].detail;
    if (i % 1000 == 0) {
      EXPECT_EQ(r.record, expected_deal(i)) << i;
    }
  }
  EXPECT_EQ(mapping_detail::time_zone_lookups(), lookups_before);
}

TEST(MappingApply, CompilingLooksUpEachZoneOnce) {
  uint64_t before = mapping_detail::time_zone_lookups();
  compile_yaml(ObjectType::Deal, kDealMapping);
  EXPECT_EQ(mapping_detail::time_zone_lookups() - before, 2u);  // the root's and close_date's
}

TEST(MappingApply, ColumnsAreFoundByNameWhateverTheirOrder) {
  auto m = compile_yaml(ObjectType::Account, "fields:\n  crm_account_id: Id\n  account_name: Name\n");
  auto a = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"Id", "Name"});
  auto b = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"Other", "Name", "Id"});
  for (int round = 0; round < 3; ++round) {
    SourceRow ra{a, {"1", "One"}, "a.csv:2", std::nullopt};
    SourceRow rb{b, {"x", "Two", "2"}, "b.csv:2", std::nullopt};
    EXPECT_EQ(m->apply(ra).record, json({{"crm_account_id", "1"}, {"account_name", "One"}}));
    EXPECT_EQ(m->apply(rb).record, json({{"crm_account_id", "2"}, {"account_name", "Two"}}));
  }
  // A row shorter than its column list, and a row without a column list, read as absent.
  SourceRow short_row{b, {"x", "Three"}, "b.csv:3", std::nullopt};
  EXPECT_EQ(m->apply(short_row).record, json({{"account_name", "Three"}}));
  SourceRow no_columns{nullptr, {"1"}, "c.csv:2", std::nullopt};
  EXPECT_EQ(m->apply(no_columns).record, json::object());
}

TEST(ColumnIndexCache, ResolvesEachDistinctColumnListOnce) {
  mapping_detail::ColumnIndexCache cache({"A", "B", "C"});
  auto first = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"B", "A", "X", "B"});
  auto second = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"C"});
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(cache.resolve(first), (mapping_detail::ColumnIndexes{1, 0, -1}));
    EXPECT_EQ(cache.resolve(second), (mapping_detail::ColumnIndexes{-1, -1, 0}));
  }
  EXPECT_EQ(cache.resolutions(), 2u);
  // Another thread finds both lists in the shared cache.
  std::thread([&] { EXPECT_EQ(cache.resolve(first), (mapping_detail::ColumnIndexes{1, 0, -1})); }).join();
  EXPECT_EQ(cache.resolutions(), 2u);
  // A list with the same names is still another list.
  auto copy = std::make_shared<const std::vector<std::string>>(*first);
  EXPECT_EQ(cache.resolve(copy), (mapping_detail::ColumnIndexes{1, 0, -1}));
  EXPECT_EQ(cache.resolutions(), 3u);
}

TEST(ColumnIndexCache, ManyColumnListsStayCorrect) {
  // More distinct lists than either cache level holds: evictions must never give a wrong answer.
  mapping_detail::ColumnIndexCache cache({"Id"});
  std::vector<std::shared_ptr<const std::vector<std::string>>> lists;
  for (int i = 0; i < 40; ++i) {
    std::vector<std::string> names(static_cast<size_t>(i), "pad");
    names.push_back("Id");
    lists.push_back(std::make_shared<const std::vector<std::string>>(names));
  }
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 40; ++i) EXPECT_EQ(cache.resolve(lists[static_cast<size_t>(i)]), (mapping_detail::ColumnIndexes{i}));
  }
}

TEST(MappingApply, OneMappingServesManyThreads) {
  auto m = compile_yaml(ObjectType::Deal, kDealMapping);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto columns = deal_columns();  // each thread its own batch column list, as plugins do
      for (int i = 0; i < 500; ++i) {
        MappedRow r = m->apply(deal_row(columns, t * 1000 + i));
        if (!r.ok() || r.record != expected_deal(t * 1000 + i)) ++mismatches[static_cast<size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, (std::vector<int>{0, 0, 0, 0}));
}

}  // namespace
}  // namespace zra
