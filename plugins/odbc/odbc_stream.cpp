#include "plugins/odbc/odbc_stream.h"

#include <algorithm>
#include <cctype>

#include "plugins/odbc/named_parameters.h"
#include "plugins/odbc/odbc_diagnostics.h"
#include "plugins/odbc/odbc_failure.h"

namespace zra::odbc {
namespace {

bool equals_ignoring_case(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

}  // namespace

OdbcStream::OdbcStream(std::shared_ptr<ConnectionState> connection, StreamSettings settings,
                       std::optional<int> query_timeout_s, const SecretRedactor& redactor)
    : connection_(std::move(connection)), settings_(std::move(settings)), redactor_(redactor) {
  const RewrittenQuery query = rewrite_named_parameters(settings_.query);
  const OdbcConnection& conn = *connection_->connection;
  statement_ = std::make_unique<OdbcStatement>(conn);
  const SQLHSTMT stmt = statement_->handle();
  try {
    if (query_timeout_s) {
      check_odbc(SQLSetStmtAttr(stmt, SQL_ATTR_QUERY_TIMEOUT,
                                reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(*query_timeout_s)), 0),
                 SQL_HANDLE_STMT, stmt, CallPhase::kOther, "query_timeout_s: the driver refused it", redactor_,
                 conn.handle());
    }
    parameters_.bind(stmt, query, settings_, redactor_);
    std::vector<SQLCHAR> sql(query.sql.begin(), query.sql.end());
    sql.push_back(0);
    SQLRETURN rc = SQLExecDirect(stmt, sql.data(), SQL_NTS);
    check_odbc(rc == SQL_NO_DATA ? SQL_SUCCESS : rc, SQL_HANDLE_STMT, stmt, CallPhase::kExecute,
               "stream " + settings_.name + ": query failed", redactor_, conn.handle());
    reader_ = std::make_unique<ResultReader>(stmt, conn.handle(), conn.capabilities(), settings_.fetch_rows, redactor_);
  } catch (const OdbcFailure& failure) {
    if (failure.status() == ZRA_ERROR_IO) connection_->lost = true;
    throw;
  }
  const auto& columns = reader_->columns();
  if (settings_.key) {
    for (size_t pass = 0; pass < 2 && !key_column_; ++pass) {
      for (size_t c = 0; c < columns.size(); ++c) {
        const bool match = pass == 0 ? columns[c].name == *settings_.key : equals_ignoring_case(columns[c].name, *settings_.key);
        if (match) {
          key_column_ = c;
          break;
        }
      }
    }
    if (!key_column_) {
      std::string names;
      for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c.name;
      throw settings_failure("stream " + settings_.name + ": key: the query returns no column \"" + *settings_.key +
                             "\" (columns: " + names + ")");
    }
  }
  batch_ = std::make_unique<BatchBuilder>(reader_->column_names());
}

std::string OdbcStream::locator_for_current_row(uint64_t row_number) const {
  if (!key_column_) return settings_.name + " row " + std::to_string(row_number);
  const auto value = batch_->current_value(*key_column_);
  if (!value) return settings_.name + "#" + *settings_.key + "=NULL row " + std::to_string(row_number);
  return settings_.name + "#" + *settings_.key + "=" + *value;
}

const zra_batch* OdbcStream::next_batch() {
  if (failure_) throw OdbcFailure(failure_->first, failure_->second);
  if (done_) return nullptr;
  batch_->clear();
  try {
    while (batch_->row_count() < settings_.batch_rows) {
      if (!reader_->read_row(*batch_)) {
        done_ = true;
        break;
      }
      ++rows_read_;
      batch_->finish_row(locator_for_current_row(rows_read_));
    }
  } catch (const OdbcFailure& failure) {
    if (failure.status() == ZRA_ERROR_IO) connection_->lost = true;
    const std::string message = "stream " + settings_.name + ", after row " + std::to_string(rows_read_) + ": " + failure.what();
    failure_.emplace(failure.status(), message);
    throw OdbcFailure(failure.status(), message);
  }
  if (batch_->row_count() == 0) return nullptr;
  return batch_->finish();
}

}  // namespace zra::odbc
