#pragma once
// One CSV file read as rows: header handling, column counts, and each malformed record turned into a row
// error that says what is wrong and where (the locator says which line). Pure C++, no plugin types.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/csv/byte_source.h"
#include "plugins/csv/csv_parser.h"

namespace zra::csv {

struct CsvStreamOptions {
  std::string path;
  char delimiter = ',';
  char quote = '"';
  bool header = true;  // false: columns are named "1", "2", ... and the first record sets their number
  size_t buffer_size = 64 * 1024;
};

// The file cannot be read as a table at all (cannot open, no header, duplicate or empty header names).
class CsvOpenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CsvRow {
  std::string locator;  // "<file name>:<line>", line = physical line where the record starts
  std::optional<std::string> error;
  const CsvRecord* record = nullptr;  // the parsed fields, valid until the next call (when no error)
  // Field i of the record, or nullopt for an empty unquoted field (",," is absent; ",""," is an empty string).
  std::optional<std::string_view> value(size_t i) const;
};

class CsvStream {
 public:
  // Opens the file and reads the header. Throws CsvOpenError naming the file (and line and column).
  explicit CsvStream(const CsvStreamOptions& options);
  // For tests: reads from `source`, naming it `display_name` in locators.
  CsvStream(std::unique_ptr<ByteSource> source, const std::string& display_name, const CsvStreamOptions& options);

  const std::vector<std::string>& columns() const { return columns_; }
  // Reads the next record. false at the end. Throws std::runtime_error on I/O errors.
  bool next(CsvRow& row);

 private:
  void read_header();
  std::string column_label(size_t i) const;
  std::string describe(const CsvRecord& r) const;

  std::unique_ptr<ByteSource> source_;
  std::string display_name_;
  CsvStreamOptions options_;
  CsvParser parser_;
  CsvRecord record_;
  std::vector<std::string> columns_;
  bool columns_known_ = false;
};

}  // namespace zra::csv
