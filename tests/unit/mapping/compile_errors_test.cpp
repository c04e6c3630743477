// Every compile error names the file, the line and the key path of the offending node, and says what is wrong.
#include <gtest/gtest.h>

#include "core/common/errors.h"
#include "tests/unit/mapping/mapping_test_support.h"

namespace zra {
namespace {

using mapping_test::yaml_node;

struct Where {
  int line;
  std::string key_path;
  std::string detail;
};

// Compiles `yaml` (file "mappings/deals.yaml", key paths under "sources[0].streams[1].mapping") and returns
// where and why it failed; line -1 when it compiled.
Where compile_error(ObjectType type, const std::string& yaml) {
  ConfigNode root = yaml_node(yaml, "mappings/deals.yaml", "sources[0].streams[1].mapping");
  try {
    Mapping::compile(type, root);
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), "mappings/deals.yaml");
    EXPECT_EQ(e.exit_code(), kExitUsage);
    EXPECT_EQ(std::string(e.what()), "mappings/deals.yaml:" + std::to_string(e.line()) + ": " + e.key_path() +
                                         ": " + e.detail());
    return {e.line(), e.key_path(), e.detail()};
  }
  return {-1, "", "compiled"};
}

#define EXPECT_WHERE(where, l, path, text)  \
  do {                                      \
    Where w_ = (where);                     \
    EXPECT_EQ(w_.line, l);                  \
    EXPECT_EQ(w_.key_path, path);           \
    EXPECT_EQ(w_.detail, text);             \
  } while (0)

const char* kPrefix = "sources[0].streams[1].mapping";

TEST(MappingCompileErrors, UnknownOptionKey) {
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  crm_deal_id: Id\n  deal_name: { from: Name, trim: true }\n"),
               3, std::string(kPrefix) + ".fields.deal_name.trim",
               "unknown key 'trim' (allowed here: from, value, template, type, format, timezone, map, default, "
               "transform, split, as, keep_whitespace, keep_empty)");
}

TEST(MappingCompileErrors, UnknownRootKeyAndMissingFields) {
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  crm_deal_id: Id\ntimezone: UTC\nzone: UTC\n"), 4,
               std::string(kPrefix) + ".zone", "unknown key 'zone' (allowed here: fields, timezone)");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "timezone: UTC\n"), 1, kPrefix, "missing required key 'fields'");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields: {}\n"), 1, std::string(kPrefix) + ".fields",
               "a mapping needs at least one field");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields: [a, b]\n"), 1, std::string(kPrefix) + ".fields",
               "'fields' needs a mapping of target field to source column or options");
}

TEST(MappingCompileErrors, UnknownTargetFieldListsTheKnownOnes) {
  EXPECT_WHERE(compile_error(ObjectType::Account, "fields:\n  crm_account_id: Id\n  accountname: Name\n"), 3,
               std::string(kPrefix) + ".fields.accountname",
               "unknown field 'accountname' of account (known: crm_account_id, account_name, modify_time, "
               "annual_revenue, create_time, deletion, domain, employees, industry, owner_email, phone, type)");
}

TEST(MappingCompileErrors, BadTypeName) {
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  amount: { from: Amount, type: money }\n"), 2,
               std::string(kPrefix) + ".fields.amount.type",
               "unknown type 'money' (expected one of string, number, integer, bool, date, datetime, email, array)");
}

TEST(MappingCompileErrors, TypeThatContradictsTheFieldTable) {
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  amount: { from: Amount, type: integer }\n"), 2,
               std::string(kPrefix) + ".fields.amount.type",
               "type 'integer' contradicts the ZRA schema: 'amount' is number (use 'number' or leave 'type' out)");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  close_date:\n    from: D\n    type: datetime\n"), 4,
               std::string(kPrefix) + ".fields.close_date.type",
               "type 'datetime' contradicts the ZRA schema: 'close_date' is date (use 'date' or leave 'type' out)");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  team_member_emails: { from: T, type: email }\n"), 2,
               std::string(kPrefix) + ".fields.team_member_emails.type",
               "type 'email' contradicts the ZRA schema: 'team_member_emails' is array of email (use 'array' or "
               "leave 'type' out)");
}

TEST(MappingCompileErrors, BadTimezoneNames) {
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  modify_time: { from: T, timezone: Mars/Olympus }\n"), 2,
               std::string(kPrefix) + ".fields.modify_time.timezone",
               "unknown time zone 'Mars/Olympus' (expected an IANA name such as America/New_York)");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "timezone: Europe/Berln\nfields:\n  modify_time: T\n"), 1,
               std::string(kPrefix) + ".timezone",
               "unknown time zone 'Europe/Berln' (expected an IANA name such as America/New_York)");
}

TEST(MappingCompileErrors, BadFormats) {
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  close_date: { from: D, format: \"%d.%Q.%Y\" }\n"), 2,
               std::string(kPrefix) + ".fields.close_date.format",
               "unknown conversion '%Q' in format '%d.%Q.%Y'");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  modify_time: { from: T, format: \"%H:%M\" }\n"), 2,
               std::string(kPrefix) + ".fields.modify_time.format",
               "format '%H:%M' does not name a full date (it needs a year, a month and a day, e.g. %Y-%m-%d)");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  modify_time: { from: T, format: \"%Y-%m-%d %\" }\n"), 2,
               std::string(kPrefix) + ".fields.modify_time.format",
               "format '%Y-%m-%d %' ends with an incomplete conversion");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  close_date: { from: D, format: \"%d.%m.%4444444444Y\" }\n"), 2,
               std::string(kPrefix) + ".fields.close_date.format",
               "field width '%4444444444Y' in format '%d.%m.%4444444444Y' is too wide (at most 2 digits, e.g. %4Y)");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  amount: { from: A, format: \"%Y\" }\n"), 2,
               std::string(kPrefix) + ".fields.amount.format",
               "'format' applies only to date and datetime fields; 'amount' is number");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  stage: { from: S, timezone: UTC }\n"), 2,
               std::string(kPrefix) + ".fields.stage.timezone",
               "'timezone' applies only to date and datetime fields; 'stage' is string");
}

// The conversions the mapping's date reader does not support are refused when the mapping is loaded.
TEST(MappingCompileErrors, UnsupportedFormatConversions) {
  auto format_error = [](const std::string& format) {
    return compile_error(ObjectType::Deal, "fields:\n  close_date:\n    from: D\n    format: \"" + format + "\"\n");
  };
  const std::string where = std::string(kPrefix) + ".fields.close_date.format";
  const std::string supported =
      " is not supported (supported: %Y %y %C %m %d %e %H %I %M %S %p %b %B %h %a %A %j %z %F %T %R %D %r %n %t %%)";
  for (const char* conversion : {"%c", "%x", "%X", "%U", "%W", "%V", "%G", "%g", "%u", "%w"}) {
    const std::string format = std::string("%Y-%m-%d ") + conversion;
    EXPECT_WHERE(format_error(format), 4, where, "conversion '" + std::string(conversion) + "' in format '" + format +
                                                     "'" + supported);
  }
  EXPECT_WHERE(format_error("%Y-%U"), 4, where, "conversion '%U' in format '%Y-%U'" + supported);
  EXPECT_WHERE(format_error("%F %T %Z"), 4, where,
               "conversion '%Z' in format '%F %T %Z' is not supported: a time zone abbreviation such as CST names no "
               "single offset (use %z for an offset in the text, or the field's timezone)");
  EXPECT_WHERE(format_error("%OY-%m-%d"), 4, where,
               "conversion '%OY' in format '%OY-%m-%d' is not supported (the E and O modifiers apply only to %EY "
               "%Ey %EC %Ez %Od %Oe %OH %OM %Om %OS %Oy %OC %Oz)");
  EXPECT_WHERE(format_error("%d %5b %Y"), 4, where,
               "field width in '%5b' in format '%d %5b %Y' is not supported (a width applies only to %Y %y %C %m %d "
               "%e %H %I %M %S %j %F)");
  EXPECT_WHERE(format_error("%0Y-%m-%d"), 4, where, "field width '%0Y' in format '%0Y-%m-%d' must be 1 to 99");
  EXPECT_WHERE(format_error("%d.%m.%Y %I:%M"), 4, where,
               "format '%d.%m.%Y %I:%M' cannot read back the text it describes ('20.11.2025 01:45')");
  EXPECT_WHERE(format_error("%1d.%1m.%Y"), 4, where,
               "format '%1d.%1m.%Y' cannot read back the text it describes ('20.11.2025')");
  // Accepted: widths, modifiers and the day of the year.
  EXPECT_WHERE(format_error("%2d%2m%4Y"), -1, "", "compiled");
  EXPECT_WHERE(format_error("%OC%Ey-%Om-%Od"), -1, "", "compiled");
  EXPECT_WHERE(format_error("%Y-%j"), -1, "", "compiled");
}

TEST(MappingCompileErrors, TemplateSyntax) {
  auto at = [](const std::string& tmpl) {
    return compile_error(ObjectType::Deal, "fields:\n  deal_name: { template: \"" + tmpl + "\" }\n");
  };
  std::string path = std::string(kPrefix) + ".fields.deal_name.template";
  EXPECT_WHERE(at("{Name"), 2, path, "template '{Name': unclosed '{' at offset 0 (write '{{' for a literal brace)");
  EXPECT_WHERE(at("Name} x"), 2, path,
               "template 'Name} x': unmatched '}' at offset 4 (write '}}' for a literal brace)");
  EXPECT_WHERE(at("a {} b"), 2, path, "template 'a {} b': empty placeholder '{}' at offset 2");
  EXPECT_WHERE(at("{a{b}"), 2, path, "template '{a{b}': '{' inside the placeholder at offset 0");
  EXPECT_WHERE(at("plain {{text}}"), 2, path,
               "template 'plain {{text}}': no {column} placeholder (use 'value' for a constant)");
}

TEST(MappingCompileErrors, SplitAndAsOnlyOnArrays) {
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  stage: { from: S, as: crm_contact_id }\n"), 2,
               std::string(kPrefix) + ".fields.stage.as",
               "'as' applies only to a field that is an array of objects (such as a deal's 'contacts'); 'stage' is "
               "string");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  team_member_emails: { from: T, split: \";\", as: x }\n"), 2,
               std::string(kPrefix) + ".fields.team_member_emails.as",
               "'as' applies only to a field that is an array of objects (such as a deal's 'contacts'); "
               "'team_member_emails' is array of email");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  stage: { from: S, split: \";\" }\n"), 2,
               std::string(kPrefix) + ".fields.stage.split",
               "'split' applies only to array fields; 'stage' is string");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  contacts: { from: C, split: \";\" }\n"), 2,
               std::string(kPrefix) + ".fields.contacts",
               "'contacts' is an array of objects: name the item field each value fills with 'as' (one of "
               "crm_contact_id, contact_email, contact_name, home_phone, mobile_phone, other_phone, phone)");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  contacts: ContactIds\n"), 2,
               std::string(kPrefix) + ".fields.contacts",
               "'contacts' is an array of objects: name the item field each value fills with 'as' (one of "
               "crm_contact_id, contact_email, contact_name, home_phone, mobile_phone, other_phone, phone)");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  contacts: { from: C, split: \";\", as: id }\n"), 2,
               std::string(kPrefix) + ".fields.contacts.as",
               "unknown item field 'id' of 'contacts' (one of crm_contact_id, contact_email, contact_name, "
               "home_phone, mobile_phone, other_phone, phone)");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  team_member_emails: { from: T, split: \"\" }\n"), 2,
               std::string(kPrefix) + ".fields.team_member_emails.split",
               "'split' needs a separator, e.g. \";\"");
}

TEST(MappingCompileErrors, SourceOptions) {
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  stage: { from: S, value: Open }\n"), 2,
               std::string(kPrefix) + ".fields.stage.value", "'value' cannot be combined with 'from'");
  // A map value carries the line of its key.
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  stage:\n    map: { a: b }\n"), 2,
               std::string(kPrefix) + ".fields.stage",
               "a field needs one of 'from' (a column), 'value' (a constant) or 'template'");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  stage:\n"), 2, std::string(kPrefix) + ".fields.stage",
               "expected a column name or a mapping of options (from, value, template, ...)");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  stage: { from: [a, b] }\n"), 2,
               std::string(kPrefix) + ".fields.stage.from", "'from' needs a column name");
}

TEST(MappingCompileErrors, ValuesAndDefaultsMustConvert) {
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  is_private: { value: maybe }\n"), 2,
               std::string(kPrefix) + ".fields.is_private.value",
               "value 'maybe' does not convert: cannot parse 'maybe' as a boolean (expected true/false, yes/no, y/n, "
               "t/f or 1/0)");
  EXPECT_WHERE(compile_error(ObjectType::Account, "fields:\n  employees: { from: E, default: many }\n"), 2,
               std::string(kPrefix) + ".fields.employees.default",
               "default 'many' does not convert: cannot parse 'many' as an integer");
  EXPECT_WHERE(compile_error(ObjectType::Account, "fields:\n  industry: { from: I, default: \"\" }\n"), 2,
               std::string(kPrefix) + ".fields.industry.default", "'default' is empty");
  EXPECT_WHERE(compile_error(ObjectType::Account, "fields:\n  industry: { value: \"  \" }\n"), 2,
               std::string(kPrefix) + ".fields.industry.value", "'value' is empty, so the field would never be sent");
  EXPECT_WHERE(compile_error(ObjectType::Account, "fields:\n  type: { value: A, default: B }\n"), 2,
               std::string(kPrefix) + ".fields.type.default",
               "'default' has no use with 'value' (a constant is never absent)");
}

TEST(MappingCompileErrors, TransformsMapsAndFlags) {
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  stage:\n    from: S\n    transform: [trim, title]\n"), 4,
               std::string(kPrefix) + ".fields.stage.transform[1]",
               "unknown transform 'title' (expected trim, lower, upper or null_if_empty)");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  stage: { from: S, map: [a, b] }\n"), 2,
               std::string(kPrefix) + ".fields.stage.map",
               "'map' needs a mapping of source value to target value");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  stage: { from: S, map: { a: [b] } }\n"), 2,
               std::string(kPrefix) + ".fields.stage.map.a",
               "a 'map' entry needs a single value (or null for no value)");
  EXPECT_WHERE(compile_error(ObjectType::Deal, "fields:\n  stage: { from: S, keep_empty: sometimes }\n"), 2,
               std::string(kPrefix) + ".fields.stage.keep_empty", "expected true or false, found 'sometimes'");
}

TEST(MappingCompileErrors, ErrorsPointAtTheLineOfTheOffendingKey) {
  Where w = compile_error(ObjectType::Deal,
                          "# deals\n"
                          "fields:\n"
                          "  crm_deal_id: Id\n"
                          "  close_date:\n"
                          "    from: CloseDate\n"
                          "    format: \"%d.%m.%Y\"\n"
                          "    timezone: Europe/Nowhere\n");
  EXPECT_EQ(w.line, 7);
  EXPECT_EQ(w.key_path, std::string(kPrefix) + ".fields.close_date.timezone");
}

TEST(MappingCompileErrors, AValidMappingCompiles) {
  EXPECT_EQ(compile_error(ObjectType::Deal, "fields:\n  crm_deal_id: Id\n").line, -1);
}

}  // namespace
}  // namespace zra
