// Unit tests: exact-number JSON parsing, record flattening and the page table.
#include <gtest/gtest.h>

#include "plugins/rest/exact_json.h"
#include "plugins/rest/record_flattener.h"

namespace zra::rest {
namespace {

using Row = std::vector<std::optional<std::string>>;

FlatRecord flat(const std::string& text) { return flatten_record(parse_json_exact(text)); }

TEST(ExactJson, KeepsNumbersDigitForDigit) {
  Json doc = parse_json_exact(R"({"a":1.10,"b":12345678901234567890123,"c":-5,"d":1e5,"e":0.1,"f":18446744073709551615})");
  EXPECT_EQ(scalar_text(doc["a"]), "1.10");
  EXPECT_EQ(scalar_text(doc["b"]), "12345678901234567890123");
  EXPECT_EQ(scalar_text(doc["c"]), "-5");
  EXPECT_EQ(scalar_text(doc["d"]), "1e5");
  EXPECT_EQ(scalar_text(doc["e"]), "0.1");
  EXPECT_EQ(scalar_text(doc["f"]), "18446744073709551615");
  EXPECT_TRUE(is_raw_number(doc["a"]));
  EXPECT_FALSE(is_raw_number(doc["c"]));
}

TEST(ExactJson, CompactJsonWritesRawNumbersAndEscapes) {
  Json doc = parse_json_exact(R"([{"x": 1.50, "y": "q\"uote"}, null, true])");
  EXPECT_EQ(compact_json(doc), R"([{"x":1.50,"y":"q\"uote"},null,true])");
}

TEST(ExactJson, SyntaxErrorNamesThePosition) {
  try {
    parse_json_exact("<html>oops</html>");
    FAIL() << "expected JsonSyntaxError";
  } catch (const JsonSyntaxError& e) {
    EXPECT_NE(std::string(e.what()).find("invalid JSON at byte 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_json_exact(""), JsonSyntaxError);
  EXPECT_THROW(parse_json_exact("[1,2"), JsonSyntaxError);
}

TEST(Flattener, NestedObjectsBecomeDottedColumnsInServerOrder) {
  FlatRecord r = flat(R"({"id":"c1","owner":{"email":"a@x.com","team":{"name":"East"}},"z":1})");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].name, "id");
  EXPECT_EQ(r[0].value, "c1");
  EXPECT_EQ(r[1].name, "owner.email");
  EXPECT_EQ(r[1].value, "a@x.com");
  EXPECT_EQ(r[2].name, "owner.team.name");
  EXPECT_EQ(r[2].value, "East");
  EXPECT_EQ(r[3].name, "z");
  EXPECT_EQ(r[3].value, "1");
}

TEST(Flattener, ScalarsArraysNullsAndEmpties) {
  FlatRecord r = flat(R"({"tags":["a","b",3,true],"empty":[],"objs":[{"n":1.0},{"n":2}],"mixed":[1,null],
                         "flag":false,"gone":null,"blank":{},"amount":1250000.50})");
  ASSERT_EQ(r.size(), 8u);
  EXPECT_EQ(r[0].value, "a;b;3;true");
  EXPECT_EQ(r[1].value, "");
  EXPECT_EQ(r[2].value, R"([{"n":1.0},{"n":2}])");
  EXPECT_EQ(r[3].value, "[1,null]");
  EXPECT_EQ(r[4].value, "false");
  EXPECT_EQ(r[5].name, "gone");
  EXPECT_FALSE(r[5].value.has_value());
  EXPECT_EQ(r[6].value, "{}");
  EXPECT_EQ(r[7].value, "1250000.50");
}

TEST(Flattener, CollidingDottedNamesKeepTheLaterValue) {
  FlatRecord r = flat(R"({"a.b":1,"a":{"b":2}})");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].name, "a.b");
  EXPECT_EQ(r[0].value, "2");
}

TEST(Flattener, RejectsNonObjects) { EXPECT_THROW(flatten_record(parse_json_exact("[1]")), std::invalid_argument); }

TEST(PageTable, UnionOfColumnsPaddedWithNullAndErrorRows) {
  PageTableBuilder b;
  b.add(parse_json_exact(R"({"id":1,"name":"A"})"));
  b.add(parse_json_exact(R"({"id":2,"email":"b@x"})"));
  b.add(parse_json_exact(R"("just text")"));
  b.add(parse_json_exact(R"(42.5)"));
  PageTable t = b.take();
  EXPECT_EQ(t.columns, (std::vector<std::string>{"id", "name", "email"}));
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0], (Row{"1", "A", std::nullopt}));
  EXPECT_EQ(t.rows[1], (Row{"2", std::nullopt, "b@x"}));
  EXPECT_EQ(t.rows[2].size(), 3u);
  EXPECT_FALSE(t.row_errors[0].has_value());
  EXPECT_EQ(t.row_errors[2], "the item is a string, not a JSON object");
  EXPECT_EQ(t.row_errors[3], "the item is a number, not a JSON object");
  // take() resets the builder.
  b.add(parse_json_exact(R"({"x":1})"));
  EXPECT_EQ(b.take().columns, (std::vector<std::string>{"x"}));
}

}  // namespace
}  // namespace zra::rest
