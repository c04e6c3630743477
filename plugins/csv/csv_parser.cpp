#include "plugins/csv/csv_parser.h"

#include "core/common/utf8.h"

#include <cstring>

namespace zra::csv {

CsvParser::CsvParser(ByteSource& source, CsvOptions options)
    : source_(source), options_(options), buffer_(options.buffer_size < 16 ? 16 : options.buffer_size) {
  for (unsigned char c : {static_cast<unsigned char>(options_.delimiter), static_cast<unsigned char>('\r'),
                          static_cast<unsigned char>('\n'), static_cast<unsigned char>('\0')}) {
    ends_unquoted_[c] = true;
  }
}

bool CsvParser::refill() {
  if (eof_) return false;
  size_t got = 0;
  // The first read gathers at least 3 bytes (or all there is) so a BOM is never cut in two.
  do {
    size_t n = source_.read(buffer_.data() + got, buffer_.size() - got);
    if (n == 0) break;
    got += n;
  } while (!started_ && got < 3);
  pos_ = buffer_.data();
  end_ = pos_ + got;
  if (!started_) {
    started_ = true;
    if (got >= 3 && std::memcmp(pos_, "\xEF\xBB\xBF", 3) == 0) pos_ += 3;
    if (pos_ == end_ && got > 0) return refill();  // the input held only the BOM so far
  }
  if (pos_ == end_) {
    eof_ = true;
    return false;
  }
  return true;
}

void CsvParser::append(CsvRecord& r, const char* p, size_t n) {
  if (r.text.size() + n > options_.max_record_bytes) {
    set_issue(r, CsvIssue::RecordTooLong, line_);
    return;
  }
  r.text.append(p, n);
}

void CsvParser::set_issue(CsvRecord& r, CsvIssue issue, uint64_t line) {
  if (r.issue != CsvIssue::None) return;
  r.issue = issue;
  r.issue_field = r.fields.size();
  r.issue_line = line;
}

void CsvParser::consume_line_end() {
  char c = *pos_++;
  ++line_;
  if (c == '\r' && !at_end() && *pos_ == '\n') ++pos_;
}

bool CsvParser::parse_quoted(CsvRecord& r) {
  const uint64_t opened = line_;
  for (;;) {
    if (at_end()) {
      set_issue(r, CsvIssue::UnterminatedQuote, opened);
      return false;
    }
    const char* p = pos_;
    while (p < end_ && *p != options_.quote && *p != '\n' && *p != '\r' && *p != '\0') ++p;
    append(r, pos_, static_cast<size_t>(p - pos_));
    pos_ = p;
    if (pos_ == end_) continue;
    char c = *pos_;
    if (c == options_.quote) {
      ++pos_;
      if (!at_end() && *pos_ == options_.quote) {  // "" is one quote
        append(r, pos_, 1);
        ++pos_;
        continue;
      }
      return true;
    }
    if (c == '\0') {
      set_issue(r, CsvIssue::NulByte, line_);
      ++pos_;
      continue;
    }
    // An embedded line end is kept as written (CRLF stays CRLF) and counts as a physical line.
    if (c == '\r' && pos_ + 1 < end_ && pos_[1] == '\n') {
      append(r, pos_, 2);
      pos_ += 2;
      ++line_;
    } else if (c == '\r') {
      append(r, pos_, 1);
      ++pos_;
      ++line_;
      if (!at_end() && *pos_ == '\n') {
        append(r, pos_, 1);
        ++pos_;
      }
    } else {
      append(r, pos_, 1);
      ++pos_;
      ++line_;
    }
  }
}

void CsvParser::parse_unquoted(CsvRecord& r) {
  for (;;) {
    if (at_end()) return;
    const char* p = pos_;
    // A quote inside an unquoted field is taken literally (5'10", O"Brien): only the four others stop us.
    while (p < end_ && !ends_unquoted_[static_cast<unsigned char>(*p)]) ++p;
    append(r, pos_, static_cast<size_t>(p - pos_));
    pos_ = p;
    if (pos_ == end_) continue;
    if (*pos_ == '\0') {
      set_issue(r, CsvIssue::NulByte, line_);
      ++pos_;
      continue;
    }
    return;  // delimiter or line end
  }
}

bool CsvParser::next(CsvRecord& r) {
  r.text.clear();
  r.fields.clear();
  r.issue = CsvIssue::None;
  r.issue_field = 0;
  r.issue_line = 0;
  // Blank lines are skipped.
  for (;;) {
    if (at_end()) return false;
    if (*pos_ != '\n' && *pos_ != '\r') break;
    consume_line_end();
  }
  r.line = line_;
  for (;;) {
    CsvField f;
    f.begin = r.text.size();
    bool ended = false;
    if (!at_end() && *pos_ == options_.quote) {
      ++pos_;
      f.quoted = true;
      if (!parse_quoted(r)) ended = true;
      // Anything between the closing quote and the next delimiter is malformed; keep it as text.
      if (!ended && !at_end() && *pos_ != options_.delimiter && *pos_ != '\n' && *pos_ != '\r') {
        set_issue(r, CsvIssue::CharAfterQuote, line_);
        parse_unquoted(r);
      }
    } else {
      parse_unquoted(r);
    }
    f.end = r.text.size();
    r.fields.push_back(f);
    if (ended || at_end()) break;
    if (*pos_ == options_.delimiter) {
      ++pos_;
      if (at_end()) {  // "a,b," at EOF: a last empty field
        r.fields.push_back(CsvField{r.text.size(), r.text.size(), false});
        break;
      }
      continue;
    }
    consume_line_end();
    break;
  }
  if (r.issue == CsvIssue::None) check_utf8(r);
  return true;
}

void CsvParser::check_utf8(CsvRecord& r) {
  if (is_valid_utf8(r.text)) return;
  for (size_t i = 0; i < r.fields.size(); ++i) {
    if (!is_valid_utf8(r.field(i))) {
      r.issue = CsvIssue::InvalidUtf8;
      r.issue_field = i;
      r.issue_line = r.line;
      return;
    }
  }
}

bool is_valid_utf8(std::string_view s) { return first_invalid_utf8(s) == std::string_view::npos; }

}  // namespace zra::csv
