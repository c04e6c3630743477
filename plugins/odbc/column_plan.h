#pragma once
// How each result column is fetched and turned into text. Every SQL type reaches the host as UTF-8
// text: exact types (integers, decimals, text, booleans) as the driver renders them with SQL_C_CHAR
// (no digits lost), floating point as the shortest text that round-trips, dates as YYYY-MM-DD and
// timestamps as YYYY-MM-DD HH:MM:SS with .fff / .ffffff / .fffffffff only when the fraction is not zero.
#include <sql.h>
#include <sqlext.h>

#include <string>
#include <vector>

namespace zra::odbc {

struct ColumnPlan {
  std::string name;
  SQLSMALLINT sql_type = SQL_VARCHAR;  // as described by the driver
  SQLSMALLINT c_type = SQL_C_CHAR;     // how it is bound
  SQLLEN bound_bytes = 0;              // buffer per row; longer SQL_C_CHAR values are read with SQLGetData
};

// Bytes bound per row for a text column when the driver declares no size or a long type.
constexpr SQLLEN kLongColumnBoundBytes = 1024;
// Upper bound for any text column's buffer per row (values beyond it are read in pieces).
constexpr SQLLEN kMaxColumnBoundBytes = 4096;

// Plans one column from SQLDescribeCol's type and size.
ColumnPlan plan_column(std::string name, SQLSMALLINT sql_type, SQLULEN column_size);

// Text of a bound non-character value (SQL_C_DOUBLE, SQL_C_FLOAT, SQL_C_TYPE_DATE, SQL_C_TYPE_TIMESTAMP),
// appended to `out`.
void format_typed_value(SQLSMALLINT c_type, const void* data, std::string& out);

}  // namespace zra::odbc
