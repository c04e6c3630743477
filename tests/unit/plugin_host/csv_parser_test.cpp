// The CSV parser on every RFC 4180 case and every malformed input, each fed in chunks of 1, 2, 3, 7 and
// 64K bytes through a 16-byte and a 64 KiB buffer, so every case also crosses buffer boundaries.
#include "plugins/csv/csv_parser.h"

#include <random>

#include <gtest/gtest.h>

namespace zra::csv {
namespace {

struct Parsed {
  uint64_t line;
  std::vector<std::string> fields;
  CsvIssue issue;
  size_t issue_field;
  uint64_t issue_line;
  bool operator==(const Parsed& o) const {
    return line == o.line && fields == o.fields && issue == o.issue && issue_field == o.issue_field &&
           issue_line == o.issue_line;
  }
};

std::ostream& operator<<(std::ostream& os, const Parsed& p) {
  os << "{line " << p.line << ", [";
  for (const auto& f : p.fields) os << "'" << f << "' ";
  return os << "], issue " << static_cast<int>(p.issue) << " field " << p.issue_field << " line " << p.issue_line << "}";
}

Parsed ok(uint64_t line, std::vector<std::string> fields) { return {line, std::move(fields), CsvIssue::None, 0, 0}; }
Parsed bad(uint64_t line, std::vector<std::string> fields, CsvIssue issue, size_t field, uint64_t issue_line) {
  return {line, std::move(fields), issue, field, issue_line};
}

std::vector<Parsed> parse_with(const std::string& text, size_t chunk, size_t buffer, CsvOptions options = {}) {
  StringByteSource source(text, chunk);
  options.buffer_size = buffer;
  CsvParser parser(source, options);
  std::vector<Parsed> out;
  CsvRecord r;
  while (parser.next(r)) {
    Parsed p{r.line, {}, r.issue, r.issue_field, r.issue_line};
    for (size_t i = 0; i < r.fields.size(); ++i) p.fields.emplace_back(r.field(i));
    out.push_back(p);
  }
  return out;
}

// Parses `text` every way and checks all agree with `expected`.
void expect_parse(const std::string& text, const std::vector<Parsed>& expected, CsvOptions options = {}) {
  for (size_t chunk : {1, 2, 3, 7, 65536}) {
    for (size_t buffer : {16, 65536}) {
      EXPECT_EQ(parse_with(text, chunk, buffer, options), expected) << "chunk " << chunk << " buffer " << buffer;
    }
  }
}

TEST(CsvParser, PlainRecordsWithLfCrlfAndCr) {
  expect_parse("a,b\n1,2\n", {ok(1, {"a", "b"}), ok(2, {"1", "2"})});
  expect_parse("a,b\r\n1,2\r\n", {ok(1, {"a", "b"}), ok(2, {"1", "2"})});
  expect_parse("a,b\r1,2", {ok(1, {"a", "b"}), ok(2, {"1", "2"})});
  SCOPED_TRACE("no final line end");
  expect_parse("a,b\n1,2", {ok(1, {"a", "b"}), ok(2, {"1", "2"})});
}

TEST(CsvParser, EmptyFieldsAndTrailingDelimiters) {
  expect_parse(",\n", {ok(1, {"", ""})});
  expect_parse("a,,c,\n", {ok(1, {"a", "", "c", ""})});
  expect_parse("a,", {ok(1, {"a", ""})});
}

TEST(CsvParser, QuotedFieldsWithDelimitersQuotesAndNewlines) {
  expect_parse("\"a,b\",\"say \"\"hi\"\"\"\n", {ok(1, {"a,b", "say \"hi\""})});
  expect_parse("id,notes\n1,\"line one\nline two\"\n2,x\n", {ok(1, {"id", "notes"}), ok(2, {"1", "line one\nline two"}), ok(4, {"2", "x"})});
  SCOPED_TRACE("CRLF inside quotes is kept");
  expect_parse("1,\"a\r\nb\"\r\n2,c\r\n", {ok(1, {"1", "a\r\nb"}), ok(3, {"2", "c"})});
  expect_parse("\"\",\"\"\"\"\n", {ok(1, {"", "\""})});
  SCOPED_TRACE("closing quote at EOF");
  expect_parse("\"x\"", {ok(1, {"x"})});
}

TEST(CsvParser, QuoteInsideUnquotedFieldIsLiteral) {
  expect_parse("5'10\",O\"Brien\n", {ok(1, {"5'10\"", "O\"Brien"})});
}

TEST(CsvParser, BlankLinesAreSkippedAndLinesStayPhysical) {
  expect_parse("\n\na\n\r\n\nb\n\n", {ok(3, {"a"}), ok(6, {"b"})});
  expect_parse("", {});
  expect_parse("\n\n", {});
}

TEST(CsvParser, ByteOrderMarkIsSkipped) {
  expect_parse("\xEF\xBB\xBF" "a,b\n", {ok(1, {"a", "b"})});
  SCOPED_TRACE("only at the start of the file");
  expect_parse("a,\xEF\xBB\xBF\n", {ok(1, {"a", "\xEF\xBB\xBF"})});
}

TEST(CsvParser, OtherDelimiterAndQuote) {
  CsvOptions o;
  o.delimiter = ';';
  o.quote = '\'';
  expect_parse("a;'b;c';'it''s'\n", {ok(1, {"a", "b;c", "it's"})}, o);
  o.delimiter = '\t';
  o.quote = '"';
  expect_parse("a\tb,c\n", {ok(1, {"a", "b,c"})}, o);
}

TEST(CsvParser, Utf8IsCheckedPerField) {
  expect_parse("é,日本,😀\n", {ok(1, {"é", "日本", "😀"})});
  expect_parse("ok\nx,caf\xE9,y\nnext\n",
               {ok(1, {"ok"}), bad(2, {"x", "caf\xE9", "y"}, CsvIssue::InvalidUtf8, 1, 2), ok(3, {"next"})});
  SCOPED_TRACE("overlong");
  expect_parse("\xC0\xAF\n", {bad(1, {"\xC0\xAF"}, CsvIssue::InvalidUtf8, 0, 1)});
  SCOPED_TRACE("surrogate");
  expect_parse("\xED\xA0\x80\n", {bad(1, {"\xED\xA0\x80"}, CsvIssue::InvalidUtf8, 0, 1)});
  SCOPED_TRACE("truncated sequence");
  expect_parse("\xE6\x97\n", {bad(1, {"\xE6\x97"}, CsvIssue::InvalidUtf8, 0, 1)});
}

TEST(CsvParser, NulByteIsARecordIssue) {
  expect_parse(std::string("a,b\0c\nd\n", 8), {bad(1, {"a", "bc"}, CsvIssue::NulByte, 1, 1), ok(2, {"d"})});
  expect_parse(std::string("\"x\0\"\n", 5), {bad(1, {"x"}, CsvIssue::NulByte, 0, 1)});
}

TEST(CsvParser, UnterminatedQuoteAtEofIsAnIssueOnTheRecordsLine) {
  expect_parse("a\n1,\"open\nmore\n", {ok(1, {"a"}), bad(2, {"1", "open\nmore\n"}, CsvIssue::UnterminatedQuote, 1, 2)});
}

TEST(CsvParser, TextAfterAClosingQuoteIsAnIssueAndParsingGoesOn) {
  expect_parse("\"ab\"c,d\n1,2\n", {bad(1, {"abc", "d"}, CsvIssue::CharAfterQuote, 0, 1), ok(2, {"1", "2"})});
}

TEST(CsvParser, RecordOverTheLimitIsAnIssueAndMemoryStaysBounded) {
  CsvOptions o;
  o.max_record_bytes = 10;
  auto out = parse_with("0123456789ABCDEF,x\nshort\n", 3, 16, o);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].issue, CsvIssue::RecordTooLong);
  EXPECT_EQ(out[0].line, 1u);
  EXPECT_EQ(out[1], ok(2, {"short"}));
}

// Round trip: random tables (fields with delimiters, quotes, CR, LF, CRLF, UTF-8, empty), written the
// RFC 4180 way, parse back field for field with the right physical start lines, cut at random places.
TEST(CsvParser, RandomTablesRoundTrip) {
  std::mt19937 rng(20251120);
  const std::vector<std::string> atoms = {"a", "Z", "0", ",", "\"", "\n", "\r\n", "\r", " ", "é", "日本", "😀", "x,y", ""};
  for (int table = 0; table < 200; ++table) {
    std::vector<std::vector<std::string>> rows(1 + rng() % 6, std::vector<std::string>(1 + rng() % 4));
    std::string text;
    std::vector<uint64_t> lines;
    uint64_t line = 1;
    for (auto& row : rows) {
      lines.push_back(line);
      for (size_t f = 0; f < row.size(); ++f) {
        for (int k = rng() % 4; k > 0; --k) row[f] += atoms[rng() % atoms.size()];
        bool quote = row[f].find_first_of(",\"\r\n") != std::string::npos || row[f].empty() || rng() % 3 == 0;
        std::string cell = row[f];
        if (quote) {
          std::string q = "\"";
          for (char c : cell) q += c == '"' ? std::string("\"\"") : std::string(1, c);
          cell = q + "\"";
        }
        text += (f ? "," : "") + cell;
        for (size_t i = 0; i < row[f].size(); ++i) {  // physical lines inside the field
          if (row[f][i] == '\n' || (row[f][i] == '\r' && (i + 1 == row[f].size() || row[f][i + 1] != '\n'))) ++line;
        }
      }
      text += rng() % 2 ? "\r\n" : "\n";
      ++line;
    }
    std::vector<Parsed> expected;
    for (size_t r = 0; r < rows.size(); ++r) expected.push_back(ok(lines[r], rows[r]));
    ASSERT_EQ(parse_with(text, 1 + rng() % 9, 16 + rng() % 20), expected) << "table " << table << ": " << text;
  }
}

TEST(CsvParser, Utf8Validator) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii text longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));   // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\x80"));      // overlong
  EXPECT_FALSE(is_valid_utf8("abcdefgh\x80"));      // lone continuation after the fast path
  EXPECT_FALSE(is_valid_utf8("\xFF"));
}

}  // namespace
}  // namespace zra::csv
