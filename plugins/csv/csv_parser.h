#pragma once
// An RFC 4180 CSV parser: quoted fields with delimiters, doubled quotes and embedded newlines (CRLF or
// LF); a UTF-8 BOM skipped; CRLF, LF or CR line ends; blank lines skipped. It streams through its input
// with a fixed buffer: memory is the buffer plus the largest record (capped by max_record_bytes).
// A malformed record is returned with an issue set and parsing goes on with the next one.
// Pure C++ (no plugin types), so it is unit-tested and fuzzed directly. Not thread-safe.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/csv/byte_source.h"

namespace zra::csv {

struct CsvOptions {
  char delimiter = ',';
  char quote = '"';
  size_t buffer_size = 64 * 1024;
  size_t max_record_bytes = 16 * 1024 * 1024;  // a record beyond this is an issue (its bytes are dropped)
};

// What is wrong with a record; the first problem found wins.
enum class CsvIssue {
  None,
  UnterminatedQuote,   // EOF inside a quoted field (opened on `issue_line`)
  CharAfterQuote,      // "abc"x : a closing quote followed by something other than a delimiter or line end
  NulByte,             // a NUL byte in a field
  InvalidUtf8,         // a field is not valid UTF-8
  RecordTooLong,       // over max_record_bytes
};

struct CsvField {
  size_t begin = 0, end = 0;  // byte range in CsvRecord::text
  bool quoted = false;        // written "..." in the file ("" is an empty string, nothing is absent)
};

struct CsvRecord {
  std::string text;  // the fields' bytes, unquoted
  std::vector<CsvField> fields;
  uint64_t line = 0;  // 1-based physical line where the record starts
  CsvIssue issue = CsvIssue::None;
  size_t issue_field = 0;   // 0-based field the issue is in
  uint64_t issue_line = 0;  // physical line of the issue (the opening quote for UnterminatedQuote)

  std::string_view field(size_t i) const { return std::string_view(text).substr(fields[i].begin, fields[i].end - fields[i].begin); }
};

class CsvParser {
 public:
  CsvParser(ByteSource& source, CsvOptions options);
  // Reads the next non-blank record into `record` (reusing its storage). Returns false at the end of the
  // input. Throws what the ByteSource throws.
  bool next(CsvRecord& record);
  // Physical lines consumed so far.
  uint64_t lines() const { return line_ - 1; }

 private:
  bool refill();  // false at EOF; keeps pos_ < end_ otherwise
  bool at_end() { return pos_ == end_ && !refill(); }
  void append(CsvRecord& r, const char* p, size_t n);
  void set_issue(CsvRecord& r, CsvIssue issue, uint64_t line);
  void consume_line_end();  // at '\r' or '\n': consumes CRLF, LF or CR and counts one line
  bool parse_quoted(CsvRecord& r);    // after the opening quote; false when the input ended inside
  void parse_unquoted(CsvRecord& r);  // up to a delimiter, line end or EOF
  void check_utf8(CsvRecord& r);

  ByteSource& source_;
  CsvOptions options_;
  std::vector<char> buffer_;
  const char* pos_ = nullptr;
  const char* end_ = nullptr;
  bool eof_ = false;
  bool started_ = false;
  uint64_t line_ = 1;
  bool ends_unquoted_[256] = {};  // delimiter, CR, LF, NUL: one lookup a byte in the hot loop
};

// True when s is valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace zra::csv
