#include "plugins/csv/csv_stream.h"

#include <charconv>
#include <filesystem>
#include <unordered_map>

namespace zra::csv {
namespace {
CsvOptions parser_options(const CsvStreamOptions& o) {
  CsvOptions p;
  p.delimiter = o.delimiter;
  p.quote = o.quote;
  p.buffer_size = o.buffer_size;
  return p;
}
}  // namespace

std::optional<std::string_view> CsvRow::value(size_t i) const {
  const CsvField& f = record->fields[i];
  if (f.begin == f.end && !f.quoted) return std::nullopt;
  return record->field(i);
}

CsvStream::CsvStream(const CsvStreamOptions& options)
    : CsvStream(
          [&]() -> std::unique_ptr<ByteSource> {
            try {
              return std::make_unique<FileByteSource>(options.path);
            } catch (const std::runtime_error& e) {
              throw CsvOpenError(e.what());
            }
          }(),
          std::filesystem::path(options.path).filename().string(), options) {}

CsvStream::CsvStream(std::unique_ptr<ByteSource> source, const std::string& display_name,
                     const CsvStreamOptions& options)
    : source_(std::move(source)), display_name_(display_name), options_(options),
      parser_(*source_, parser_options(options)) {
  if (options_.header) read_header();
}

void CsvStream::read_header() {
  const std::string where = options_.path.empty() ? display_name_ : options_.path;
  if (!parser_.next(record_)) throw CsvOpenError(where + ": the file is empty (expected a header line)");
  const std::string at = where + ":" + std::to_string(record_.line) + ": header: ";
  if (record_.issue != CsvIssue::None) throw CsvOpenError(at + describe(record_));
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t i = 0; i < record_.fields.size(); ++i) {
    columns_.emplace_back(record_.field(i));
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].empty()) throw CsvOpenError(at + "column " + std::to_string(i + 1) + " has an empty name");
    auto [it, inserted] = seen.emplace(columns_[i], i);
    if (!inserted) {
      throw CsvOpenError(at + "column name '" + columns_[i] + "' appears twice (columns " +
                         std::to_string(it->second + 1) + " and " + std::to_string(i + 1) + ")");
    }
  }
  columns_known_ = true;
}

std::string CsvStream::column_label(size_t i) const {
  std::string label = "field " + std::to_string(i + 1);
  if (options_.header && i < columns_.size()) label += " ('" + columns_[i] + "')";
  return label;
}

std::string CsvStream::describe(const CsvRecord& r) const {
  switch (r.issue) {
    case CsvIssue::UnterminatedQuote:
      return "unterminated quoted " + column_label(r.issue_field) + ": the quote opened on line " +
             std::to_string(r.issue_line) + " is never closed";
    case CsvIssue::CharAfterQuote:
      return column_label(r.issue_field) + ": unexpected text after a closing quote on line " +
             std::to_string(r.issue_line) + " (a quote inside a quoted field must be doubled: \"\")";
    case CsvIssue::NulByte:
      return "NUL byte in " + column_label(r.issue_field) + " on line " + std::to_string(r.issue_line);
    case CsvIssue::InvalidUtf8:
      return "invalid UTF-8 in " + column_label(r.issue_field) + " (the file must be UTF-8)";
    case CsvIssue::RecordTooLong:
      return "record longer than the limit of " + std::to_string(CsvOptions{}.max_record_bytes) + " bytes";
    case CsvIssue::None: break;
  }
  return "";
}

bool CsvStream::next(CsvRow& row) {
  if (!parser_.next(record_)) return false;
  // "<file>:<line>" written into the row's string, which keeps its capacity from row to row.
  char line[24];
  const auto written = std::to_chars(line, line + sizeof line, record_.line);
  row.locator.assign(display_name_).append(1, ':').append(line, static_cast<size_t>(written.ptr - line));
  row.record = &record_;
  row.error.reset();
  if (record_.issue != CsvIssue::None) {
    row.error = describe(record_);
    return true;
  }
  if (!columns_known_) {
    for (size_t i = 0; i < record_.fields.size(); ++i) columns_.push_back(std::to_string(i + 1));
    columns_known_ = true;
  }
  if (record_.fields.size() != columns_.size()) {
    row.error = "expected " + std::to_string(columns_.size()) + " fields" +
                (options_.header ? " as in the header" : " as in the first record") + ", found " +
                std::to_string(record_.fields.size());
  }
  return true;
}

}  // namespace zra::csv
