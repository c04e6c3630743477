#include "plugins/odbc/result_reader.h"

#include <algorithm>
#include <cstring>

#include "plugins/odbc/odbc_diagnostics.h"
#include "plugins/odbc/odbc_failure.h"

namespace zra::odbc {
namespace {

constexpr SQLLEN kPieceBytes = 64 * 1024;

}  // namespace

ResultReader::ResultReader(SQLHSTMT statement, SQLHDBC connection, const DriverCapabilities& capabilities,
                           int fetch_rows, const SecretRedactor& redactor)
    : statement_(statement), connection_(connection), capabilities_(capabilities), redactor_(redactor) {
  describe_columns();
  SQLLEN row_bytes = 0;
  for (const auto& c : columns_) row_bytes += c.bound_bytes + static_cast<SQLLEN>(sizeof(SQLLEN));
  SQLULEN rows = static_cast<SQLULEN>(std::max(1, fetch_rows));
  rows = std::min<SQLULEN>(rows, std::max<SQLULEN>(1, kMaxBlockBytes / static_cast<SQLULEN>(std::max<SQLLEN>(row_bytes, 1))));
  // Without SQLGetData inside a block, an over-long value could only be read by fetching its row alone.
  rows_per_block_ = capabilities_.getdata_block ? rows : 1;
  bind_columns();
}

std::vector<std::string> ResultReader::column_names() const {
  std::vector<std::string> out;
  for (const auto& c : columns_) out.push_back(c.name);
  return out;
}

void ResultReader::describe_columns() {
  SQLSMALLINT count = 0;
  check_odbc(SQLNumResultCols(statement_, &count), SQL_HANDLE_STMT, statement_, CallPhase::kExecute,
             "cannot count the query's columns", redactor_, connection_);
  if (count <= 0) throw settings_failure("query: returns no result set (it must be a SELECT or return rows)");
  for (SQLUSMALLINT i = 1; i <= static_cast<SQLUSMALLINT>(count); ++i) {
    std::vector<SQLCHAR> name(256);
    SQLSMALLINT name_length = 0, type = 0, digits = 0, nullable = 0;
    SQLULEN size = 0;
    SQLRETURN rc = SQLDescribeCol(statement_, i, name.data(), static_cast<SQLSMALLINT>(name.size()), &name_length,
                                  &type, &size, &digits, &nullable);
    if (SQL_SUCCEEDED(rc) && name_length >= static_cast<SQLSMALLINT>(name.size())) {
      name.resize(static_cast<size_t>(name_length) + 1);
      rc = SQLDescribeCol(statement_, i, name.data(), static_cast<SQLSMALLINT>(name.size()), &name_length, &type,
                          &size, &digits, &nullable);
    }
    check_odbc(rc, SQL_HANDLE_STMT, statement_, CallPhase::kExecute,
               "cannot describe column " + std::to_string(i) + " of the query", redactor_, connection_);
    columns_.push_back(plan_column(reinterpret_cast<const char*>(name.data()), type, size));
  }
}

void ResultReader::bind_columns() {
  auto set_attr = [&](SQLINTEGER attribute, SQLPOINTER value, const char* what) {
    check_odbc(SQLSetStmtAttr(statement_, attribute, value, 0), SQL_HANDLE_STMT, statement_, CallPhase::kOther, what,
               redactor_, connection_);
  };
  row_status_.assign(rows_per_block_, SQL_ROW_NOROW);
  set_attr(SQL_ATTR_ROW_BIND_TYPE, reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(SQL_BIND_BY_COLUMN)),
           "cannot select column-wise binding");
  set_attr(SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(rows_per_block_), "cannot set the fetch block size");
  set_attr(SQL_ATTR_ROW_STATUS_PTR, row_status_.data(), "cannot set the row status array");
  set_attr(SQL_ATTR_ROWS_FETCHED_PTR, &rows_fetched_, "cannot set the rows-fetched counter");
  buffers_.resize(columns_.size());
  indicators_.resize(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    buffers_[c].assign(static_cast<size_t>(columns_[c].bound_bytes) * rows_per_block_, 0);
    indicators_[c].assign(rows_per_block_, 0);
    SQLRETURN rc = SQLBindCol(statement_, static_cast<SQLUSMALLINT>(c + 1), columns_[c].c_type, buffers_[c].data(),
                              columns_[c].bound_bytes, indicators_[c].data());
    check_odbc(rc, SQL_HANDLE_STMT, statement_, CallPhase::kOther, "cannot bind column " + columns_[c].name,
               redactor_, connection_);
  }
}

bool ResultReader::fetch_block() {
  if (finished_) return false;
  rows_fetched_ = 0;
  next_row_ = 0;
  block_diagnostics_.clear();
  SQLRETURN rc = SQLFetch(statement_);
  if (rc == SQL_NO_DATA) {
    finished_ = true;
    return false;
  }
  check_odbc(rc, SQL_HANDLE_STMT, statement_, CallPhase::kFetch, "cannot fetch rows", redactor_, connection_);
  if (rc == SQL_SUCCESS_WITH_INFO) {
    // Keep per-row diagnostics (conversion errors) to explain rows the driver marks as failed.
    for (SQLSMALLINT i = 1; i <= 50; ++i) {
      SQLLEN row_number = SQL_ROW_NUMBER_UNKNOWN;
      if (!SQL_SUCCEEDED(SQLGetDiagField(SQL_HANDLE_STMT, statement_, i, SQL_DIAG_ROW_NUMBER, &row_number, 0, nullptr))) break;
      SQLCHAR state[6] = {0};
      SQLCHAR text[512] = {0};
      SQLINTEGER native = 0;
      SQLSMALLINT length = 0;
      SQLGetDiagRec(SQL_HANDLE_STMT, statement_, i, state, &native, text, sizeof text, &length);
      block_diagnostics_.emplace_back(row_number, "SQLSTATE " + std::string(reinterpret_cast<char*>(state)) + ": " +
                                                      reinterpret_cast<char*>(text));
    }
  }
  return rows_fetched_ > 0;
}

std::string ResultReader::row_diagnostics(SQLULEN row) const {
  std::string out;
  for (const auto& [number, text] : block_diagnostics_) {
    if (number == static_cast<SQLLEN>(row + 1) || number == SQL_ROW_NUMBER_UNKNOWN || number == SQL_NO_ROW_NUMBER) {
      if (!out.empty()) out += "; ";
      out += text;
    }
  }
  return out.empty() ? "no diagnostic from the driver" : redactor_.redact(out);
}

bool ResultReader::read_row(BatchBuilder& out) {
  while (next_row_ >= rows_fetched_) {
    if (!fetch_block()) return false;
  }
  const SQLULEN row = next_row_++;
  out.start_row();
  if (row_status_[row] == SQL_ROW_ERROR) {
    for (size_t c = 0; c < columns_.size(); ++c) out.add_null();
    out.set_row_error("the driver could not read this row: " + row_diagnostics(row));
    return true;
  }
  std::string row_error;
  for (size_t c = 0; c < columns_.size(); ++c) read_value(c, row, out, row_error);
  if (!row_error.empty()) out.set_row_error(row_error);
  return true;
}

void ResultReader::read_value(size_t column, SQLULEN row, BatchBuilder& out, std::string& row_error) {
  const ColumnPlan& plan = columns_[column];
  const SQLLEN indicator = indicators_[column][row];
  if (indicator == SQL_NULL_DATA) {
    out.add_null();
    return;
  }
  const char* data = buffers_[column].data() + static_cast<size_t>(plan.bound_bytes) * row;
  if (plan.c_type != SQL_C_CHAR) {
    scratch_.clear();
    format_typed_value(plan.c_type, data, scratch_);
    out.add_value(scratch_.data(), scratch_.size());
    return;
  }
  if (indicator == SQL_NO_TOTAL || indicator >= plan.bound_bytes) {
    if (!read_long_value(column, row, out, row_error)) out.add_null();
    return;
  }
  out.add_value(data, static_cast<size_t>(indicator));
}

bool ResultReader::read_long_value(size_t column, SQLULEN row, BatchBuilder& out, std::string& row_error) {
  const ColumnPlan& plan = columns_[column];
  auto fail = [&](const std::string& why) {
    if (row_error.empty()) {
      row_error = "column " + plan.name + ": value longer than the " + std::to_string(plan.bound_bytes - 1) +
                  " bytes bound and " + why;
    }
    return false;
  };
  if (!capabilities_.getdata_bound) return fail("the driver cannot read a bound column again with SQLGetData");
  if (rows_per_block_ > 1) {
    SQLRETURN rc = SQLSetPos(statement_, static_cast<SQLSETPOSIROW>(row + 1), SQL_POSITION, SQL_LOCK_NO_CHANGE);
    if (!SQL_SUCCEEDED(rc)) {
      return fail("positioning on it failed: " + redactor_.redact(format_diagnostics(read_diagnostics(SQL_HANDLE_STMT, statement_))));
    }
  }
  std::vector<char> piece(static_cast<size_t>(kPieceBytes));
  bool started = false;
  while (true) {
    SQLLEN length = 0;
    SQLRETURN rc = SQLGetData(statement_, static_cast<SQLUSMALLINT>(column + 1), SQL_C_CHAR, piece.data(), kPieceBytes, &length);
    if (rc == SQL_NO_DATA) break;
    if (!SQL_SUCCEEDED(rc)) {
      const auto records = read_diagnostics(SQL_HANDLE_STMT, statement_);
      if (classify_failure(records, CallPhase::kFetch) == ZRA_ERROR_IO) {
        throw OdbcFailure(ZRA_ERROR_IO, redactor_.redact("connection lost while reading column " + plan.name + ": " +
                                                         format_diagnostics(records)));
      }
      fail("SQLGetData failed: " + redactor_.redact(format_diagnostics(records)));
      return started;  // a started value keeps its slot; otherwise the caller adds a NULL
    }
    if (length == SQL_NULL_DATA) return false;  // caller adds the NULL
    size_t bytes;
    if (rc == SQL_SUCCESS_WITH_INFO && (length == SQL_NO_TOTAL || length >= kPieceBytes)) {
      // A partial piece is NUL-terminated; a driver may stop short of a split UTF-8 character.
      bytes = strnlen(piece.data(), static_cast<size_t>(kPieceBytes - 1));
    } else {
      bytes = static_cast<size_t>(length);
    }
    if (!started) {
      out.add_value(piece.data(), bytes);
      started = true;
    } else {
      out.append_to_last(piece.data(), bytes);
    }
    if (rc == SQL_SUCCESS) break;
  }
  if (!started) out.add_value("", 0);
  return true;
}

}  // namespace zra::odbc
