// Fuzzes plugins/csv: CsvParser (RFC 4180 with a streaming buffer) and CsvStream (header, column counts).
// Input: 4 control bytes (chunk size, buffer size, delimiter/quote, record limit), then the CSV bytes.
// Checks, beyond "no crash, no leak, no UB":
//  - every record is well formed (fields tile `text`, lines increase, the issue names a field);
//  - a record without issue is valid UTF-8 without NUL (compared with a byte-by-byte validator);
//  - the result does not depend on how the input is cut: small chunks and a 16-byte buffer give exactly
//    what one 64 KiB read gives (without the small record limit, which drops bytes by chunk);
//  - is_valid_utf8 agrees with the reference validator on the raw input;
//  - CsvStream rows without error have exactly the header's number of fields.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "plugins/csv/byte_source.h"
#include "plugins/csv/csv_parser.h"
#include "plugins/csv/csv_stream.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using zra::fuzz::check;
using namespace zra::csv;

struct Parsed {
  std::vector<CsvRecord> records;
  uint64_t lines = 0;
};

Parsed parse_all(const std::string& data, size_t chunk, const CsvOptions& options) {
  StringByteSource source(data, chunk);
  CsvParser parser(source, options);
  Parsed out;
  CsvRecord record;  // reused, as the stream does
  while (parser.next(record)) out.records.push_back(record);
  out.lines = parser.lines();
  return out;
}

void check_record(const CsvRecord& r, uint64_t previous_line, const CsvOptions& options) {
  check(!r.fields.empty(), "a record has at least one field");
  check(r.line > previous_line, "records start on increasing lines");
  size_t expected_begin = 0;
  for (const CsvField& f : r.fields) {
    check(f.begin == expected_begin && f.begin <= f.end && f.end <= r.text.size(), "fields tile the record text");
    expected_begin = f.end;
  }
  check(expected_begin == r.text.size(), "the last field ends the text");
  check(r.text.size() <= options.max_record_bytes, "a record never exceeds max_record_bytes");
  if (r.issue == CsvIssue::None) {
    check(r.text.find('\0') == std::string::npos, "a record without issue has no NUL byte");
    check(zra::fuzz::reference_utf8(r.text), "a record without issue is valid UTF-8", r.text);
  } else {
    check(r.issue_field < r.fields.size(), "the issue names an existing field");
    check(r.issue_line >= r.line, "the issue is on or after the record's first line");
  }
}

bool same(const CsvRecord& a, const CsvRecord& b) {
  if (a.text != b.text || a.line != b.line || a.issue != b.issue || a.issue_field != b.issue_field ||
      a.issue_line != b.issue_line || a.fields.size() != b.fields.size()) {
    return false;
  }
  for (size_t i = 0; i < a.fields.size(); ++i) {
    if (a.fields[i].begin != b.fields[i].begin || a.fields[i].end != b.fields[i].end ||
        a.fields[i].quoted != b.fields[i].quoted) {
      return false;
    }
  }
  return true;
}

void fuzz_stream(const std::string& data, const CsvOptions& options, size_t chunk, bool header) {
  CsvStreamOptions so;
  so.delimiter = options.delimiter;
  so.quote = options.quote;
  so.header = header;
  so.buffer_size = options.buffer_size;
  try {
    CsvStream stream(std::make_unique<StringByteSource>(data, chunk), "fuzz.csv", so);
    CsvRow row;
    while (stream.next(row)) {
      check(!row.locator.empty(), "every row has a locator");
      if (row.error) {
        check(!row.error->empty(), "a row error says something");
        continue;
      }
      check(row.record->fields.size() == stream.columns().size(), "a row without error has every column");
      for (size_t i = 0; i < row.record->fields.size(); ++i) (void)row.value(i);
    }
  } catch (const CsvOpenError& e) {
    check(std::string(e.what()).find("fuzz.csv") != std::string::npos, "an open error names the file", e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 4) return 0;
  const uint8_t chunk_byte = bytes[0], buffer_byte = bytes[1], syntax_byte = bytes[2], limit_byte = bytes[3];
  const std::string data(reinterpret_cast<const char*>(bytes) + 4, size - 4);

  static const char kDelimiters[] = {',', ';', '\t', '|'};
  static const char kQuotes[] = {'"', '\''};
  CsvOptions options;
  options.delimiter = kDelimiters[syntax_byte & 3];
  options.quote = kQuotes[(syntax_byte >> 2) & 1];
  options.buffer_size = 16 + buffer_byte % 48;  // tiny buffers: every refill boundary gets crossed
  const bool limited = (limit_byte & 1) != 0;
  if (limited) options.max_record_bytes = 1 + limit_byte;  // RecordTooLong reachable with short inputs
  const size_t chunk = 1 + chunk_byte % 19;

  const Parsed cut = parse_all(data, chunk, options);
  uint64_t previous_line = 0;
  size_t total_text = 0;
  for (const CsvRecord& r : cut.records) {
    check_record(r, previous_line, options);
    previous_line = r.line;
    total_text += r.text.size();
  }
  check(total_text <= data.size(), "unquoting never adds bytes");
  // lines() counts line ends consumed: the last record may end at EOF without one.
  check(cut.lines + 1 >= previous_line, "lines() reaches the last record's first line");

  // With a small record limit, which bytes of an over-long record are dropped depends on the chunks
  // (and a record can hit the limit after another issue was recorded): compare only without one.
  if (!limited) {
    CsvOptions whole_options = options;
    whole_options.buffer_size = 64 * 1024;
    const Parsed whole = parse_all(data, data.size() + 1, whole_options);
    check(whole.records.size() == cut.records.size(), "the record count does not depend on chunking");
    for (size_t i = 0; i < whole.records.size(); ++i) {
      check(same(whole.records[i], cut.records[i]), "a record does not depend on chunking", whole.records[i].text);
    }
    check(whole.lines == cut.lines, "the line count does not depend on chunking");
  }

  check(is_valid_utf8(data) == zra::fuzz::reference_utf8(data), "is_valid_utf8 agrees with the reference");

  fuzz_stream(data, options, chunk, (syntax_byte & 8) == 0);
  return 0;
}
