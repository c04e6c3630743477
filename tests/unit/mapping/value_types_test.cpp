// Typed conversion: number, integer, bool, email and string, with the exact issue of each failure.
#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace zra {
namespace {

using mapping_test::compile_yaml;
using mapping_test::map_one;
using nlohmann::json;

// Maps `raw` through the one-field mapping `field_yaml` and returns the record or the single issue.
class OneField {
 public:
  OneField(ObjectType type, const std::string& field, const std::string& options)
      : field_(field), mapping_(compile_yaml(type, "fields:\n  " + field + ": " + options + "\n")) {}
  json value(const std::string& raw) const {
    MappedRow r = map_one(*mapping_, {{"In", raw}});
    EXPECT_TRUE(r.ok()) << raw << ": " << (r.issues.empty() ? "" : r.issues[0].detail);
    return r.record.contains(field_) ? r.record.at(field_) : json();
  }
  std::string issue(const std::string& raw) const {
    MappedRow r = map_one(*mapping_, {{"In", raw}});
    if (r.issues.size() != 1) return "expected one issue, got " + std::to_string(r.issues.size());
    EXPECT_EQ(r.issues[0].field, field_);
    EXPECT_EQ(r.issues[0].raw_value, raw);
    return r.issues[0].detail;
  }

 private:
  std::string field_;
  std::shared_ptr<const Mapping> mapping_;
};

TEST(MappingTypes, NumberAcceptsThousandsSeparatorsSignsAndExponents) {
  OneField f(ObjectType::Account, "annual_revenue", "{ from: In, type: number }");
  EXPECT_EQ(f.value("1,250,000.50"), json(1250000.5));
  EXPECT_EQ(f.value("1 250 000"), json(1250000));
  EXPECT_EQ(f.value("1\xC2\xA0" "250"), json(1250));      // no-break space
  EXPECT_EQ(f.value("1\xE2\x80\xAF" "250"), json(1250));  // narrow no-break space
  EXPECT_EQ(f.value("-3.5"), json(-3.5));
  EXPECT_EQ(f.value("+2"), json(2));
  EXPECT_EQ(f.value(".5"), json(0.5));
  EXPECT_EQ(f.value("1e3"), json(1000));
  EXPECT_EQ(f.value(" 750000 "), json(750000));
  EXPECT_TRUE(f.value("750000").is_number_integer());  // whole numbers go out without ".0"
}

TEST(MappingTypes, NumberRejectsWhatIsNotPlainlyANumber) {
  OneField f(ObjectType::Account, "annual_revenue", "{ from: In, type: number }");
  EXPECT_EQ(f.issue("12abc"), "cannot parse '12abc' as a number");
  EXPECT_EQ(f.issue("1,2,3.4.5"), "cannot parse '1,2,3.4.5' as a number");
  EXPECT_EQ(f.issue("1,25"), "cannot parse '1,25' as a number");       // a decimal comma is not guessed
  EXPECT_EQ(f.issue("1,250 000"), "cannot parse '1,250 000' as a number");  // mixed separators
  EXPECT_EQ(f.issue("inf"), "cannot parse 'inf' as a number");
  EXPECT_EQ(f.issue("NaN"), "cannot parse 'NaN' as a number");
  EXPECT_EQ(f.issue("1e"), "cannot parse '1e' as a number");
  EXPECT_EQ(f.issue("-"), "cannot parse '-' as a number");
  EXPECT_EQ(f.issue("$100"), "cannot parse '$100' as a number");
  EXPECT_EQ(f.issue("1e999"), "number '1e999' is out of range");
}

TEST(MappingTypes, IntegerMustBeWholeAndFitInt64) {
  OneField f(ObjectType::Account, "employees", "In");  // inferred from the field table
  EXPECT_EQ(f.value("30"), json(30));
  EXPECT_EQ(f.value("1,200"), json(1200));
  EXPECT_EQ(f.value("3.0"), json(3));
  EXPECT_EQ(f.value("1e3"), json(1000));
  EXPECT_EQ(f.value("-9223372036854775808"), json(INT64_MIN));
  EXPECT_EQ(f.value("9,223,372,036,854,775,807"), json(INT64_MAX));
  EXPECT_EQ(f.issue("30.5"), "'30.5' is not a whole number");
  EXPECT_EQ(f.issue("9223372036854775808"), "integer '9223372036854775808' is out of range");
  EXPECT_EQ(f.issue("1e19"), "integer '1e19' is out of range");
  EXPECT_EQ(f.issue("thirty"), "cannot parse 'thirty' as an integer");
}

TEST(MappingTypes, BoolReadsTheUsualSpellingsInAnyCase) {
  OneField f(ObjectType::Account, "deletion", "{ from: In, type: bool }");
  for (const char* t : {"1", "true", "TRUE", "True", "yes", "YES", "y", "Y", "t", "T", " true "}) {
    EXPECT_EQ(f.value(t), json(true)) << t;
  }
  for (const char* t : {"0", "false", "FALSE", "no", "No", "n", "N", "f", "F"}) {
    EXPECT_EQ(f.value(t), json(false)) << t;
  }
  EXPECT_EQ(f.issue("maybe"), "cannot parse 'maybe' as a boolean (expected true/false, yes/no, y/n, t/f or 1/0)");
  EXPECT_EQ(f.issue("2"), "cannot parse '2' as a boolean (expected true/false, yes/no, y/n, t/f or 1/0)");
  EXPECT_EQ(f.issue("truely"), "cannot parse 'truely' as a boolean (expected true/false, yes/no, y/n, t/f or 1/0)");
}

TEST(MappingTypes, EmailIsTrimmedAndCheckedButNotLowerCased) {
  OneField f(ObjectType::Account, "owner_email", "In");
  EXPECT_EQ(f.value("  Ann.Lee@Acme.example "), json("Ann.Lee@Acme.example"));
  EXPECT_EQ(f.issue("ann@"), "'ann@' is not a valid email address");
  EXPECT_EQ(f.issue("ann at acme.example"), "'ann at acme.example' is not a valid email address");
}

TEST(MappingTypes, EmailTrimsEvenWithKeepWhitespace) {
  OneField f(ObjectType::Account, "owner_email", "{ from: In, keep_whitespace: true }");
  EXPECT_EQ(f.value(" a@acme.example "), json("a@acme.example"));
}

TEST(MappingTypes, StringIsTheTextAsIs) {
  OneField f(ObjectType::Account, "phone", "{ from: In, type: string }");
  EXPECT_EQ(f.value("+1 (800) 555-0100"), json("+1 (800) 555-0100"));
  EXPECT_EQ(f.value("0042"), json("0042"));  // no number guessing for text fields
}

}  // namespace
}  // namespace zra
