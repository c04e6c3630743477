// CsvStream: header rules, column counts and the exact row error messages and locators.
#include "plugins/csv/csv_stream.h"

#include <gtest/gtest.h>

namespace zra::csv {
namespace {

struct Row {
  std::string locator;
  std::vector<std::optional<std::string>> values;
  std::optional<std::string> error;
  bool operator==(const Row& o) const { return locator == o.locator && values == o.values && error == o.error; }
};
std::ostream& operator<<(std::ostream& os, const Row& r) {
  os << r.locator << " [";
  for (const auto& v : r.values) os << (v ? "'" + *v + "'" : "NULL") << " ";
  return os << "] " << r.error.value_or("");
}

std::unique_ptr<CsvStream> stream_of(const std::string& text, CsvStreamOptions o = {}) {
  return std::make_unique<CsvStream>(std::make_unique<StringByteSource>(text, 5), "leads.csv", o);
}

std::vector<Row> rows_of(CsvStream& s) {
  std::vector<Row> out;
  CsvRow r;
  while (s.next(r)) {
    Row row{r.locator, {}, r.error};
    if (!r.error) {
      for (size_t i = 0; i < s.columns().size(); ++i) {
        auto v = r.value(i);
        row.values.push_back(v ? std::optional<std::string>(std::string(*v)) : std::nullopt);
      }
    }
    out.push_back(row);
  }
  return out;
}

std::string open_error(const std::string& text, CsvStreamOptions o = {}) {
  try {
    stream_of(text, o);
  } catch (const CsvOpenError& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(CsvStream, HeaderNamesColumnsAndRowsCarryPhysicalLineLocators) {
  auto s = stream_of("\xEF\xBB\xBFId,Name,Notes\r\n1,Ann,\"two\r\nlines\"\r\n\r\n2,,\"\"\r\n");
  EXPECT_EQ(s->columns(), (std::vector<std::string>{"Id", "Name", "Notes"}));
  EXPECT_EQ(rows_of(*s), (std::vector<Row>{{"leads.csv:2", {"1", "Ann", "two\r\nlines"}, std::nullopt},
                                           {"leads.csv:5", {"2", std::nullopt, ""}, std::nullopt}}));
}

TEST(CsvStream, EveryRowErrorSaysWhatAndTheRestGoesOn) {
  using namespace std::string_literals;
  auto s = stream_of("Id,Name\n1,a,extra\n2\n3,caf\xE9\n4,\"x\"y\n5,n\0l\n6,ok\n7,\"never closed\n"s);
  EXPECT_EQ(rows_of(*s),
            (std::vector<Row>{
                {"leads.csv:2", {}, "expected 2 fields as in the header, found 3"},
                {"leads.csv:3", {}, "expected 2 fields as in the header, found 1"},
                {"leads.csv:4", {}, "invalid UTF-8 in field 2 ('Name') (the file must be UTF-8)"},
                {"leads.csv:5", {}, "field 2 ('Name'): unexpected text after a closing quote on line 5 (a quote inside a quoted field must be doubled: \"\")"},
                {"leads.csv:6", {}, "NUL byte in field 2 ('Name') on line 6"},
                {"leads.csv:7", {"6", "ok"}, std::nullopt},
                {"leads.csv:8", {}, "unterminated quoted field 2 ('Name'): the quote opened on line 8 is never closed"},
            }));
}

TEST(CsvStream, WithoutHeaderColumnsAreNumberedAndTheFirstRecordSetsTheCount) {
  CsvStreamOptions o;
  o.header = false;
  auto s = stream_of("a,b\nc\n", o);
  EXPECT_EQ(rows_of(*s), (std::vector<Row>{{"leads.csv:1", {"a", "b"}, std::nullopt},
                                           {"leads.csv:2", {}, "expected 2 fields as in the first record, found 1"}}));
  EXPECT_EQ(s->columns(), (std::vector<std::string>{"1", "2"}));
}

TEST(CsvStream, BadHeadersFailTheWholeFile) {
  EXPECT_EQ(open_error(""), "leads.csv: the file is empty (expected a header line)");
  EXPECT_EQ(open_error("\n\nId,Name,Id\n"), "leads.csv:3: header: column name 'Id' appears twice (columns 1 and 3)");
  EXPECT_EQ(open_error("Id,,Name\n"), "leads.csv:1: header: column 2 has an empty name");
  EXPECT_EQ(open_error("Id,Na\xFFme\n"), "leads.csv:1: header: invalid UTF-8 in field 2 (the file must be UTF-8)");
  CsvStreamOptions o;
  o.path = "/nonexistent/dir/leads.csv";
  try {
    CsvStream s(o);
    FAIL();
  } catch (const CsvOpenError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot open /nonexistent/dir/leads.csv: No such file or directory");
  }
}

}  // namespace
}  // namespace zra::csv
