// Field forms and text handling: short form, from, value, template, trim/empty rules, transforms, map,
// default, split/as, and "the record holds only fields that have a value".
#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace zra {
namespace {

using mapping_test::compile_yaml;
using mapping_test::map_one;
using nlohmann::json;

TEST(MappingFieldForms, ShortFormReadsTheColumnTrimmed) {
  auto m = compile_yaml(ObjectType::Account, "fields:\n  crm_account_id: Id\n  account_name: Name\n");
  MappedRow r = map_one(*m, {{"Id", "0017"}, {"Name", "  Acme Corp \t"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.record, json({{"crm_account_id", "0017"}, {"account_name", "Acme Corp"}}));
}

TEST(MappingFieldForms, EmptyNullAndMissingColumnsAreAbsent) {
  auto m = compile_yaml(ObjectType::Account,
                        "fields:\n  crm_account_id: Id\n  account_name: Name\n  industry: Industry\n  phone: Phone\n");
  // Name is blank, Industry is NULL, Phone is not a column of this row at all.
  MappedRow r = map_one(*m, {{"Id", "1"}, {"Name", "   "}, {"Industry", std::nullopt}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.record, json({{"crm_account_id", "1"}}));
}

TEST(MappingFieldForms, DottedColumnNamesArePlainNames) {
  auto m = compile_yaml(ObjectType::Account, "fields:\n  owner_email: { from: owner.email }\n");
  EXPECT_EQ(map_one(*m, {{"owner.email", "ann@acme.example"}}).record, json({{"owner_email", "ann@acme.example"}}));
}

TEST(MappingFieldForms, KeepWhitespaceAndKeepEmpty) {
  auto m = compile_yaml(ObjectType::Account,
                        "fields:\n"
                        "  account_name: { from: Name, keep_whitespace: true }\n"
                        "  industry: { from: Industry, keep_empty: true }\n");
  MappedRow r = map_one(*m, {{"Name", "  Acme  "}, {"Industry", "   "}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.record, json({{"account_name", "  Acme  "}, {"industry", ""}}));
  // keep_empty keeps an empty text, not a NULL.
  EXPECT_EQ(map_one(*m, {{"Name", "x"}, {"Industry", std::nullopt}}).record, json({{"account_name", "x"}}));
}

TEST(MappingFieldForms, TransformsApplyInOrder) {
  auto m = compile_yaml(ObjectType::Account,
                        "fields:\n"
                        "  owner_email: { from: Owner, transform: [trim, lower] }\n"
                        "  industry: { from: Industry, transform: [upper] }\n"
                        "  type: { from: Type, keep_whitespace: true, transform: [upper, trim] }\n"
                        "  domain: { from: Domain, transform: lower }\n");
  MappedRow r = map_one(*m, {{"Owner", "  Ann.Lee@Acme.EXAMPLE "},
                             {"Industry", "Électronique"},
                             {"Type", "  customer "},
                             {"Domain", "ACME.example"}});
  ASSERT_TRUE(r.ok());
  // Case changes are ASCII-only: the multi-byte 'É' is left intact.
  EXPECT_EQ(r.record, json({{"owner_email", "ann.lee@acme.example"},
                            {"industry", "ÉLECTRONIQUE"},
                            {"type", "CUSTOMER"},
                            {"domain", "acme.example"}}));
}

TEST(MappingFieldForms, NullIfEmptyDropsAKeptEmptyValue) {
  auto m = compile_yaml(ObjectType::Account,
                        "fields:\n  industry: { from: Industry, keep_empty: true, transform: [null_if_empty] }\n");
  EXPECT_EQ(map_one(*m, {{"Industry", " "}}).record, json::object());
  EXPECT_EQ(map_one(*m, {{"Industry", "Retail"}}).record, json({{"industry", "Retail"}}));
}

TEST(MappingFieldForms, MapAppliesAfterTransformsAndPassesUnmappedValuesThrough) {
  auto m = compile_yaml(ObjectType::Deal,
                        "fields:\n"
                        "  stage:\n"
                        "    from: Stage\n"
                        "    transform: [lower]\n"
                        "    map: { \"closed - won\": Closed Won, \"closed - lost\": Closed Lost, \"n/a\": ~ }\n");
  EXPECT_EQ(map_one(*m, {{"Stage", " CLOSED - WON "}}).record, json({{"stage", "Closed Won"}}));
  EXPECT_EQ(map_one(*m, {{"Stage", "Prospecting"}}).record, json({{"stage", "prospecting"}}));
  // A value mapped to null is absent.
  EXPECT_EQ(map_one(*m, {{"Stage", "N/A"}}).record, json::object());
}

TEST(MappingFieldForms, MapFeedsTheTypeConversion) {
  auto m = compile_yaml(ObjectType::Deal,
                        "fields:\n  is_private: { from: Visibility, map: { Private: \"yes\", Public: \"no\" } }\n");
  EXPECT_EQ(map_one(*m, {{"Visibility", "Private"}}).record, json({{"is_private", true}}));
  EXPECT_EQ(map_one(*m, {{"Visibility", "Public"}}).record, json({{"is_private", false}}));
  MappedRow bad = map_one(*m, {{"Visibility", "Team"}});
  ASSERT_EQ(bad.issues.size(), 1u);
  EXPECT_EQ(bad.issues[0].field, "is_private");
  EXPECT_EQ(bad.issues[0].raw_value, "Team");
  EXPECT_EQ(bad.issues[0].detail,
            "cannot parse 'Team' as a boolean (expected true/false, yes/no, y/n, t/f or 1/0)");
}

TEST(MappingFieldForms, DefaultFillsAbsentAndEmptyValuesOnly) {
  auto m = compile_yaml(ObjectType::Account,
                        "fields:\n"
                        "  employees: { from: Employees, type: integer, default: 0 }\n"
                        "  type: { from: Type, default: Prospect }\n");
  EXPECT_EQ(map_one(*m, {{"Employees", ""}, {"Type", std::nullopt}}).record,
            json({{"employees", 0}, {"type", "Prospect"}}));
  EXPECT_EQ(map_one(*m, {}).record, json({{"employees", 0}, {"type", "Prospect"}}));
  EXPECT_EQ(map_one(*m, {{"Employees", "1,200"}, {"Type", "Customer"}}).record,
            json({{"employees", 1200}, {"type", "Customer"}}));
  // A value that does not convert is an issue, never replaced by the default.
  MappedRow bad = map_one(*m, {{"Employees", "about 40"}, {"Type", "Customer"}});
  ASSERT_EQ(bad.issues.size(), 1u);
  EXPECT_EQ(bad.issues[0].field, "employees");
  EXPECT_EQ(bad.issues[0].raw_value, "about 40");
  EXPECT_EQ(bad.issues[0].detail, "cannot parse 'about 40' as an integer");
}

TEST(MappingFieldForms, ValueIsAConstantOfTheFieldsType) {
  auto m = compile_yaml(ObjectType::Account,
                        "fields:\n  type: { value: Customer }\n  deletion: { value: false }\n"
                        "  employees: { value: \"1,000\" }\n");
  EXPECT_EQ(map_one(*m, {}).record, json({{"type", "Customer"}, {"deletion", false}, {"employees", 1000}}));
}

TEST(MappingFieldForms, TemplateJoinsPartsAndSkipsEmptyOnesCleanly) {
  auto m = compile_yaml(ObjectType::Contact, "fields:\n  contact_name: { template: \"{First} {Last}\" }\n");
  EXPECT_EQ(map_one(*m, {{"First", " Marie "}, {"Last", "Dubois"}}).record, json({{"contact_name", "Marie Dubois"}}));
  EXPECT_EQ(map_one(*m, {{"First", ""}, {"Last", "Dubois"}}).record, json({{"contact_name", "Dubois"}}));
  EXPECT_EQ(map_one(*m, {{"Last", "Dubois"}}).record, json({{"contact_name", "Dubois"}}));
  EXPECT_EQ(map_one(*m, {{"First", "Marie"}, {"Last", std::nullopt}}).record, json({{"contact_name", "Marie"}}));
  EXPECT_EQ(map_one(*m, {{"First", " "}, {"Last", ""}}).record, json::object());
}

TEST(MappingFieldForms, TemplateSeparatorsCollapseAroundMissingParts) {
  auto m = compile_yaml(ObjectType::Account,
                        "fields:\n"
                        "  account_name: { template: \"{Street}, {City} {Zip}\" }\n"
                        "  industry: { template: \"[{A}-{B}-{C}]\" }\n");
  MappedRow r = map_one(*m, {{"Street", "1 Rue X"}, {"City", ""}, {"Zip", "75001"}, {"A", "a"}, {"C", "c"}});
  ASSERT_TRUE(r.ok());
  // The separator after the previous present part is kept; leading and trailing text stay.
  EXPECT_EQ(r.record, json({{"account_name", "1 Rue X, 75001"}, {"industry", "[a-c]"}}));
  r = map_one(*m, {{"Street", ""}, {"City", "Paris"}, {"Zip", ""}, {"B", "b"}});
  EXPECT_EQ(r.record, json({{"account_name", "Paris"}, {"industry", "[b]"}}));
}

TEST(MappingFieldForms, TemplateDoubledBracesAreLiteral) {
  auto m = compile_yaml(ObjectType::Account, "fields:\n  industry: { template: \"{{{Code}}} }}{{\" }\n");
  EXPECT_EQ(map_one(*m, {{"Code", "R1"}}).record, json({{"industry", "{R1} }{"}}));
}

TEST(MappingFieldForms, TemplateResultGoesThroughTheType) {
  auto m = compile_yaml(ObjectType::Account,
                        "fields:\n  owner_email: { template: \"{User}@{Domain}\", transform: [lower] }\n");
  EXPECT_EQ(map_one(*m, {{"User", "Ann"}, {"Domain", "Acme.Example"}}).record,
            json({{"owner_email", "ann@acme.example"}}));
  MappedRow bad = map_one(*m, {{"User", "Ann"}, {"Domain", ""}});
  ASSERT_EQ(bad.issues.size(), 1u);
  // The separator goes with the missing part; the issue shows the text the template made.
  EXPECT_EQ(bad.issues[0].raw_value, "Ann");
  EXPECT_EQ(bad.issues[0].detail, "'ann' is not a valid email address");
}

TEST(MappingFieldForms, SplitMakesATrimmedArrayWithoutEmptyElements) {
  auto m = compile_yaml(ObjectType::Deal, "fields:\n  team_member_emails: { from: Team, split: \";\" }\n");
  EXPECT_EQ(map_one(*m, {{"Team", " a@acme.example ;; b@acme.example ; "}}).record,
            json({{"team_member_emails", {"a@acme.example", "b@acme.example"}}}));
  EXPECT_EQ(map_one(*m, {{"Team", " ; ;"}}).record, json::object());
  MappedRow bad = map_one(*m, {{"Team", "a@acme.example;nobody"}});
  ASSERT_EQ(bad.issues.size(), 1u);
  EXPECT_EQ(bad.issues[0].field, "team_member_emails");
  EXPECT_EQ(bad.issues[0].raw_value, "a@acme.example;nobody");
  EXPECT_EQ(bad.issues[0].detail, "item 2: 'nobody' is not a valid email address");
}

TEST(MappingFieldForms, KeepEmptyOnAnArrayGivesAnEmptyArray) {
  auto m = compile_yaml(ObjectType::Deal,
                        "fields:\n  team_member_emails: { from: Team, split: \";\", keep_empty: true }\n");
  EXPECT_EQ(map_one(*m, {{"Team", " ; "}}).record, json({{"team_member_emails", json::array()}}));
  EXPECT_EQ(map_one(*m, {{"Team", ""}}).record, json({{"team_member_emails", json::array()}}));
  EXPECT_EQ(map_one(*m, {{"Team", std::nullopt}}).record, json::object());
}

TEST(MappingFieldForms, AnEmailArrayWithoutSplitTakesOneValue) {
  auto m = compile_yaml(ObjectType::Deal, "fields:\n  team_member_emails: Owner\n");
  EXPECT_EQ(map_one(*m, {{"Owner", "a@acme.example"}}).record, json({{"team_member_emails", {"a@acme.example"}}}));
}

TEST(MappingFieldForms, SplitWithAsMakesObjects) {
  auto m = compile_yaml(ObjectType::Deal,
                        "fields:\n"
                        "  contacts: { from: ContactIds, split: \"|\", as: crm_contact_id }\n");
  EXPECT_EQ(map_one(*m, {{"ContactIds", "c1| c2 ||"}}).record,
            json({{"contacts", {{{"crm_contact_id", "c1"}}, {{"crm_contact_id", "c2"}}}}}));
  auto emails = compile_yaml(ObjectType::Deal, "fields:\n  contacts: { from: Emails, split: \",\", as: contact_email }\n");
  EXPECT_EQ(map_one(*emails, {{"Emails", "x@acme.example"}}).record,
            json({{"contacts", {{{"contact_email", "x@acme.example"}}}}}));
  MappedRow bad = map_one(*emails, {{"Emails", "x@acme.example, y@"}});
  ASSERT_EQ(bad.issues.size(), 1u);
  EXPECT_EQ(bad.issues[0].detail, "item 2: 'y@' is not a valid email address");
}

TEST(MappingFieldForms, MapAppliesToEachSplitElement) {
  auto m = compile_yaml(ObjectType::Deal,
                        "fields:\n"
                        "  team_member_emails:\n"
                        "    from: Team\n"
                        "    split: \",\"\n"
                        "    map: { ann: ann@acme.example, bob: bob@acme.example, nobody: ~ }\n");
  EXPECT_EQ(map_one(*m, {{"Team", "ann, nobody, c@acme.example, bob"}}).record,
            json({{"team_member_emails", {"ann@acme.example", "c@acme.example", "bob@acme.example"}}}));
}

TEST(MappingFieldForms, ArrayDefaultIsSplitToo) {
  auto m = compile_yaml(ObjectType::Deal,
                        "fields:\n  team_member_emails: { from: Team, split: \";\", default: \"a@x.example;b@x.example\" }\n");
  EXPECT_EQ(map_one(*m, {}).record, json({{"team_member_emails", {"a@x.example", "b@x.example"}}}));
}

TEST(MappingFieldForms, AllIssuesOfARowAreReported) {
  auto m = compile_yaml(ObjectType::Account,
                        "fields:\n  crm_account_id: Id\n  employees: Employees\n  annual_revenue: Revenue\n"
                        "  owner_email: Owner\n");
  MappedRow r = map_one(*m, {{"Id", "7"}, {"Employees", "30.5"}, {"Revenue", "12abc"}, {"Owner", "x@"}});
  ASSERT_EQ(r.issues.size(), 3u);
  EXPECT_EQ(r.issues[0].field, "employees");
  EXPECT_EQ(r.issues[0].detail, "'30.5' is not a whole number");
  EXPECT_EQ(r.issues[1].field, "annual_revenue");
  EXPECT_EQ(r.issues[1].detail, "cannot parse '12abc' as a number");
  EXPECT_EQ(r.issues[2].field, "owner_email");
  EXPECT_EQ(r.issues[2].detail, "'x@' is not a valid email address");
  EXPECT_FALSE(r.ok());
}

TEST(MappingFieldForms, ARowThePluginCouldNotReadIsOneIssue) {
  auto m = compile_yaml(ObjectType::Account, "fields:\n  crm_account_id: Id\n");
  SourceRow row = mapping_test::make_row({{"Id", "1"}});
  row.error = "wrong number of columns (3, expected 4)";
  MappedRow r = m->apply(row);
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].field, "");
  EXPECT_EQ(r.issues[0].detail, "the row could not be read: wrong number of columns (3, expected 4)");
}

}  // namespace
}  // namespace zra
