// RecordBuilder's direct path (typed values, field-table check, body written as text) against what the
// JSON path gives: the same body bytes and hash, the same failures with the same messages.
#include <gtest/gtest.h>

#include "core/engine/record_builder.h"
#include "core/schema/record_validator.h"
#include "core/state/payload_hash.h"
#include "tests/unit/mapping/mapping_test_support.h"

namespace zra {
namespace {

using mapping_test::compile_yaml;
using mapping_test::make_row;
using nlohmann::json;

PlannedRecord planned(const std::variant<PlannedRecord, RowFailure>& built) {
  if (const auto* f = std::get_if<RowFailure>(&built)) {
    ADD_FAILURE() << "failed: " << f->detail;
    return PlannedRecord{};
  }
  return std::get<PlannedRecord>(built);
}

RowFailure failed(const std::variant<PlannedRecord, RowFailure>& built) {
  EXPECT_TRUE(std::holds_alternative<RowFailure>(built));
  return std::holds_alternative<RowFailure>(built) ? std::get<RowFailure>(built) : RowFailure{};
}

const char* kDealMapping =
    "fields:\n"
    "  crm_deal_id: Id\n"
    "  deal_name: { from: Name, keep_empty: true }\n"
    "  crm_account_id: Account\n"
    "  owner_email: Owner\n"
    "  stage: Stage\n"
    "  amount: { from: Amount, type: number }\n"
    "  modify_time: Modified\n"
    "  deletion: { from: Deleted, default: \"false\" }\n"
    "  contacts: { from: Contacts, split: \";\", as: crm_contact_id }\n";

SourceRow deal(const std::optional<std::string>& name, const std::string& stage, const std::string& contacts,
               const std::string& deleted = "false") {
  return make_row({{"Id", "D1"}, {"Name", name}, {"Account", "A1"}, {"Owner", "ann@acme.example"}, {"Stage", stage},
                   {"Amount", "1,250.50"}, {"Modified", "2025-11-20T12:00:00Z"}, {"Deleted", deleted},
                   {"Contacts", contacts}},
                  "deals.csv:7");
}

TEST(RecordBuilder, BodyIsDumpsBytesAndHashIsOfTheBody) {
  auto m = compile_yaml(ObjectType::Deal, kDealMapping);
  RecordBuilder builder(*m, {"Prospecting", "Closed Won"});
  for (const char* contacts : {"", "c1", "c2; c1"}) {
    SourceRow row = deal("Big \"Q4\" deal – Zürich", "Closed Won", contacts);
    const PlannedRecord rec = planned(builder.build(row));
    EXPECT_EQ(rec.body, m->apply(row).record.dump(-1, ' ', false, json::error_handler_t::strict));
    EXPECT_EQ(rec.hash, payload_hash(rec.body, kNewStateHashScheme));
    EXPECT_EQ(rec.crm_id, "D1");
    EXPECT_EQ(rec.modify_time, "2025-11-20T12:00:00Z");
    EXPECT_EQ(rec.locator, "deals.csv:7");
    EXPECT_FALSE(rec.deletion);
  }
  const PlannedRecord rec = planned(builder.build(deal("N", "Prospecting", "c2; c1")));
  EXPECT_EQ(rec.body, R"({"amount":1250.5,"contacts":[{"crm_contact_id":"c2"},{"crm_contact_id":"c1"}],)"
                      R"("crm_account_id":"A1","crm_deal_id":"D1","deal_name":"N","deletion":false,)"
                      R"("modify_time":"2025-11-20T12:00:00Z","owner_email":"ann@acme.example","stage":"Prospecting"})");
  // References in field-table order: the account, then the contacts.
  EXPECT_EQ(rec.references, (std::vector<std::pair<ObjectType, std::string>>{
                                {ObjectType::Account, "A1"}, {ObjectType::Contact, "c2"}, {ObjectType::Contact, "c1"}}));
}

TEST(RecordBuilder, FailuresSayWhatValidateRecordSays) {
  auto m = compile_yaml(ObjectType::Deal, kDealMapping);
  RecordBuilder builder(*m, {"Prospecting", "Closed Won"});
  // A required field mapped empty (keep_empty) and one absent.
  SourceRow row = deal("", "Prospecting", "");
  RowFailure f = failed(builder.build(row));
  EXPECT_EQ(f.phase, Phase::Validation);
  EXPECT_EQ(f.crm_id, "D1");
  EXPECT_EQ(f.field, "deal_name");
  EXPECT_EQ(f.detail, "required field 'deal_name' is empty");
  f = failed(builder.build(deal(std::nullopt, "Lost", "")));
  EXPECT_EQ(f.field, "deal_name,stage");
  EXPECT_EQ(f.detail, "missing required field 'deal_name'; stage 'Lost' is not a registered deal stage "
                      "(registered: Closed Won, Prospecting)");
  // A deletion needs only the id, and its stage is not checked.
  const PlannedRecord del = planned(builder.build(deal(std::nullopt, "Lost", "", "true")));
  EXPECT_TRUE(del.deletion);
  EXPECT_TRUE(del.references.empty());
  // Mapping issues come first and carry the id.
  SourceRow bad = deal("N", "Prospecting", "");
  bad.values[5] = "lots";
  f = failed(builder.build(bad));
  EXPECT_EQ(f.phase, Phase::Mapping);
  EXPECT_EQ(f.field, "amount");
  EXPECT_EQ(f.detail, "cannot parse 'lots' as a number");
}

TEST(RecordBuilder, InvalidUtf8IsAMappingFailureNamingTheByte) {
  auto m = compile_yaml(ObjectType::Account, "fields:\n  crm_account_id: Id\n  account_name: Name\n"
                                             "  modify_time: Modified\n");
  RecordBuilder builder(*m, {});
  RowFailure f = failed(builder.build(make_row({{"Id", "A1"}, {"Name", "Caf\xe9"}, {"Modified", "2025-11-20"}})));
  EXPECT_EQ(f.phase, Phase::Mapping);
  EXPECT_EQ(f.crm_id, "A1");
  EXPECT_EQ(f.detail, "value is not valid UTF-8: [json.exception.type_error.316] incomplete UTF-8 string; last byte: 0xE9");
  const PlannedRecord ok = planned(builder.build(make_row({{"Id", "A1"}, {"Name", "Caf\xc3\xa9"}, {"Modified", "2025-11-20"}})));
  EXPECT_EQ(ok.body, "{\"account_name\":\"Caf\xc3\xa9\",\"crm_account_id\":\"A1\",\"modify_time\":\"2025-11-20T00:00:00Z\"}");
  EXPECT_TRUE(ok.references.empty());
}

TEST(RecordBuilder, HashOnlyKeepsEverythingButTheBody) {
  auto m = compile_yaml(ObjectType::Deal, kDealMapping);
  RecordBuilder keep(*m, {"Prospecting", "Closed Won"});
  RecordBuilder hash_only(*m, {"Prospecting", "Closed Won"}, BodyUse::HashOnly);
  for (const char* contacts : {"", "c2; c1"}) {
    const PlannedRecord full = planned(keep.build(deal("Big deal", "Closed Won", contacts)));
    const PlannedRecord light = planned(hash_only.build(deal("Big deal", "Closed Won", contacts)));
    EXPECT_TRUE(light.body.empty());
    EXPECT_FALSE(full.body.empty());
    EXPECT_EQ(light.hash, full.hash);
    EXPECT_EQ(light.crm_id, full.crm_id);
    EXPECT_EQ(light.modify_time, full.modify_time);
    EXPECT_EQ(light.locator, full.locator);
    EXPECT_EQ(light.references, full.references);
  }
  // The body is still written, so text that is not UTF-8 still fails the row.
  SourceRow bad = deal("Caf\xe9", "Closed Won", "");
  EXPECT_EQ(failed(hash_only.build(bad)).phase, Phase::Mapping);
}

void expect_same(const PlannedRecord& a, const PlannedRecord& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.crm_id, b.crm_id);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.modify_time, b.modify_time);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.stream, b.stream);
  EXPECT_EQ(a.locator, b.locator);
  EXPECT_EQ(a.deletion, b.deletion);
  EXPECT_EQ(a.sequence, b.sequence);
  EXPECT_EQ(a.references, b.references);
}

TEST(RecordBuilder, BuildingIntoAReusedRecordLeavesNothingOfItBehind) {
  auto m = compile_yaml(ObjectType::Deal, kDealMapping);
  for (BodyUse use : {BodyUse::Keep, BodyUse::HashOnly}) {
    RecordBuilder builder(*m, {"Prospecting", "Closed Won"}, use);
    SourceRow no_modify_time = deal("Plain", "Prospecting", "");
    no_modify_time.values[6] = std::nullopt;
    SourceRow other_locator = deal("Other", "Prospecting", "c9");
    other_locator.locator = "other.csv:123456";
    // A long record first, then rows that set less: a deletion, one without modify_time, a failure,
    // and a record again after the failure.
    const std::vector<SourceRow> rows = {deal("Big \"Q4\" deal", "Closed Won", "c2; c1; c3"),
                                         deal(std::nullopt, "Lost", "", "true"), no_modify_time,
                                         deal("", "Prospecting", ""), other_locator};
    BuiltRow reused;
    // A record with every member set, as one from an earlier batch would be.
    PlannedRecord& stale = std::get<PlannedRecord>(reused);
    stale.source = "crm";
    stale.stream = "deals";
    stale.sequence = 99;
    stale.body = "{\"old\":true}";
    for (const SourceRow& row : rows) {
      builder.build_into(row, reused);
      const auto fresh = builder.build(row);
      ASSERT_EQ(reused.index(), fresh.index()) << row.locator;
      if (const auto* f = std::get_if<RowFailure>(&fresh)) {
        EXPECT_EQ(std::get<RowFailure>(reused).detail, f->detail);
        continue;
      }
      expect_same(std::get<PlannedRecord>(reused), std::get<PlannedRecord>(fresh));
    }
  }
}

}  // namespace
}  // namespace zra
