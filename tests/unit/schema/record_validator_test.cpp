#include "core/schema/record_validator.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace zra {
namespace {

using nlohmann::json;

std::vector<std::string> fields_of(const std::vector<FieldIssue>& issues) {
  std::vector<std::string> out;
  for (const auto& i : issues) out.push_back(i.field);
  return out;
}

TEST(ObjectTypes, TableDescribesEveryTypeOnce) {
  EXPECT_EQ(object_spec(ObjectType::Deal).plural, "deals");
  EXPECT_EQ(object_spec(ObjectType::Contact).id_field, "crm_contact_id");
  EXPECT_EQ(parse_object_type("leads"), ObjectType::Lead);
  EXPECT_EQ(parse_object_type("lead"), ObjectType::Lead);
  EXPECT_FALSE(parse_object_type("Lead").has_value());
  EXPECT_EQ(object_spec(ObjectType::Deal).depends_on.size(), 2u);
  for (ObjectType t : kAllObjectTypes) {
    const auto& s = object_spec(t);
    ASSERT_NE(s.field(s.id_field), nullptr) << s.name;
    EXPECT_TRUE(s.field(s.id_field)->required);
    ASSERT_NE(s.field("modify_time"), nullptr);
    ASSERT_NE(s.field("deletion"), nullptr);
  }
}

TEST(RecordValidator, AcceptsTheReferenceExamples) {
  json account = {{"crm_account_id", "006aa00000JkrQiiAx"}, {"deletion", false},
                  {"owner_email", "jchill@example.com"}, {"account_name", "Some Company"},
                  {"domain", "example.com"}, {"type", "Prospect"}, {"industry", "Electronics"},
                  {"annual_revenue", 750000}, {"phone", "800-0555-0100"}, {"employees", 30},
                  {"modify_time", "2025-11-20T12:00:00Z"}, {"create_time", "2025-11-20T12:00:00Z"}};
  EXPECT_TRUE(validate_record(ObjectType::Account, account).empty());
  json deal = {{"crm_deal_id", "d1"}, {"owner_email", "a@b.co"}, {"crm_account_id", "a1"},
               {"team_member_emails", {"x@example.com"}},
               {"contacts", {{{"crm_contact_id", "c1"}, {"contact_name", "Jill"}}}},
               {"deal_name", "Deal"}, {"stage", "Prospecting"}, {"amount", 12.5},
               {"close_date", "2025-11-20"}, {"modify_time", "2025-11-20T12:00:00.123+01:00"}};
  EXPECT_TRUE(validate_record(ObjectType::Deal, deal).empty());
}

TEST(RecordValidator, ReportsMissingWrongTypedAndUnknownFields) {
  json deal = {{"crm_deal_id", "d1"}, {"crm_account_id", 5}, {"deal_name", ""}, {"stage", "S"},
               {"modify_time", "2025-11-20 12:00:00"}, {"close_date", "2025-02-30"}, {"bogus", 1},
               {"team_member_emails", {"ok@example.com", "nope"}},
               {"contacts", {{{"contact_name", "no id"}}}}};
  auto issues = validate_record(ObjectType::Deal, deal);
  EXPECT_EQ(fields_of(issues),
            (std::vector<std::string>{"crm_account_id", "deal_name", "modify_time", "owner_email", "close_date",
                                      "contacts[0].crm_contact_id", "team_member_emails[1]", "bogus"}));
  EXPECT_EQ(issues[3].detail, "missing required field 'owner_email'");
  EXPECT_EQ(issues.back().detail, "unknown field 'bogus'");
}

TEST(RecordValidator, DeletionNeedsOnlyTheId) {
  EXPECT_TRUE(validate_record(ObjectType::Lead, {{"crm_lead_id", "L1"}, {"deletion", true}}).empty());
  auto issues = validate_record(ObjectType::Lead, {{"deletion", true}});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].field, "crm_lead_id");
  EXPECT_EQ(validate_record(ObjectType::Lead, {{"crm_lead_id", "L1"}, {"deletion", false}}).size(), 2u);
}

TEST(RecordValidator, IntegerAndNumberAreDistinct) {
  json a = {{"crm_account_id", "a"}, {"account_name", "n"}, {"modify_time", "2025-01-01T00:00:00Z"},
            {"employees", 1.5}, {"annual_revenue", "12"}};
  EXPECT_EQ(fields_of(validate_record(ObjectType::Account, a)),
            (std::vector<std::string>{"annual_revenue", "employees"}));
}

TEST(Formats, Email) {
  for (const char* ok : {"a@b.co", "first.last+tag@sub.example.com", "x_y@example.io"}) {
    EXPECT_TRUE(is_valid_email(ok)) << ok;
  }
  for (const char* bad : {"", "a", "a@", "@b.co", "a@b", "a@@b.co", "a b@c.co", "a@b..co", ".a@b.co", "a@.b.co",
                          "a@b.co.", "a@b_c.co"}) {
    EXPECT_FALSE(is_valid_email(bad)) << bad;
  }
}

TEST(Formats, DateTimeAndDate) {
  for (const char* ok : {"2025-11-20T12:00:00Z", "2024-02-29T23:59:59.999999Z", "2025-11-20T12:00:00-05:00"}) {
    EXPECT_TRUE(is_iso8601_datetime(ok)) << ok;
  }
  for (const char* bad : {"2025-11-20T12:00:00", "2025-11-20 12:00:00Z", "2025-13-01T00:00:00Z",
                          "2023-02-29T00:00:00Z", "2025-11-20T24:00:00Z", "2025-11-20T12:00Z", "2025-11-20T12:00:00.Z",
                          "2025-11-20T12:00:00+0500", "2025-11-20"}) {
    EXPECT_FALSE(is_iso8601_datetime(bad)) << bad;
  }
  EXPECT_TRUE(is_iso8601_date("2024-02-29"));
  EXPECT_FALSE(is_iso8601_date("2025-02-29"));
  EXPECT_FALSE(is_iso8601_date("2025-1-01"));
  EXPECT_FALSE(is_iso8601_date("2025-11-20T00:00:00Z"));
}

}  // namespace
}  // namespace zra
