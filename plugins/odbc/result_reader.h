#pragma once
// Reads an executed statement's result set row by row into a BatchBuilder, fetching blocks of rows
// (SQL_ATTR_ROW_ARRAY_SIZE, column-wise binding) so memory stays flat whatever the result's size.
// A text value longer than its bound buffer is read whole with SQLGetData in pieces: inside the block
// when the driver allows SQLGetData there (SQL_GD_BLOCK), otherwise the reader fetches one row at a
// time. A value that still cannot be read whole is a row error, never silently truncated.
#include <sql.h>
#include <sqlext.h>

#include <string>
#include <vector>

#include "plugins/odbc/batch_builder.h"
#include "plugins/odbc/column_plan.h"
#include "plugins/odbc/odbc_handles.h"
#include "plugins/odbc/secret_redactor.h"

namespace zra::odbc {

// Cap on the bound buffers of one block: fewer rows per block when the columns are wide.
constexpr size_t kMaxBlockBytes = 32u * 1024u * 1024u;

class ResultReader {
 public:
  // `statement` has been executed. Throws OdbcFailure when it has no result set or binding fails.
  ResultReader(SQLHSTMT statement, SQLHDBC connection, const DriverCapabilities& capabilities, int fetch_rows,
               const SecretRedactor& redactor);
  ResultReader(const ResultReader&) = delete;
  ResultReader& operator=(const ResultReader&) = delete;

  const std::vector<ColumnPlan>& columns() const { return columns_; }
  std::vector<std::string> column_names() const;
  // Rows per SQLFetch actually used (1 when the driver cannot read long values inside a block).
  SQLULEN rows_per_block() const { return rows_per_block_; }

  // Appends the next row's values to `out` (start_row + one value per column [+ set_row_error]); the
  // caller finishes the row. Returns false at the end of the result. Throws OdbcFailure when fetching
  // fails (ZRA_ERROR_IO when the connection was lost).
  bool read_row(BatchBuilder& out);

 private:
  void describe_columns();
  void bind_columns();
  bool fetch_block();
  void read_value(size_t column, SQLULEN row, BatchBuilder& out, std::string& row_error);
  bool read_long_value(size_t column, SQLULEN row, BatchBuilder& out, std::string& row_error);
  std::string row_diagnostics(SQLULEN row) const;

  SQLHSTMT statement_;
  SQLHDBC connection_;
  DriverCapabilities capabilities_;
  const SecretRedactor& redactor_;
  std::vector<ColumnPlan> columns_;
  SQLULEN rows_per_block_ = 1;
  std::vector<std::vector<char>> buffers_;     // per column: rows_per_block_ * bound_bytes
  std::vector<std::vector<SQLLEN>> indicators_;  // per column: rows_per_block_
  std::vector<SQLUSMALLINT> row_status_;
  SQLULEN rows_fetched_ = 0;
  SQLULEN next_row_ = 0;
  bool finished_ = false;
  std::vector<std::pair<SQLLEN, std::string>> block_diagnostics_;  // (row number, text) of the last fetch
  std::string scratch_;
};

}  // namespace zra::odbc
