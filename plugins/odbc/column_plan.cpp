#include "plugins/odbc/column_plan.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>

namespace zra::odbc {

ColumnPlan plan_column(std::string name, SQLSMALLINT sql_type, SQLULEN column_size) {
  ColumnPlan plan;
  plan.name = std::move(name);
  plan.sql_type = sql_type;
  switch (sql_type) {
    case SQL_DOUBLE:
    case SQL_FLOAT:  // ODBC's SQL_FLOAT is double precision
      plan.c_type = SQL_C_DOUBLE;
      plan.bound_bytes = sizeof(double);
      return plan;
    case SQL_REAL:
      plan.c_type = SQL_C_FLOAT;
      plan.bound_bytes = sizeof(float);
      return plan;
    case SQL_TYPE_DATE:
    case SQL_DATE:
      plan.c_type = SQL_C_TYPE_DATE;
      plan.bound_bytes = sizeof(SQL_DATE_STRUCT);
      return plan;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
      plan.c_type = SQL_C_TYPE_TIMESTAMP;
      plan.bound_bytes = sizeof(SQL_TIMESTAMP_STRUCT);
      return plan;
    default:
      break;
  }
  plan.c_type = SQL_C_CHAR;
  const bool long_type = sql_type == SQL_LONGVARCHAR || sql_type == SQL_WLONGVARCHAR || sql_type == SQL_LONGVARBINARY;
  if (long_type || column_size == 0) {
    plan.bound_bytes = kLongColumnBoundBytes;
  } else {
    // Up to 4 UTF-8 bytes per character (binary renders as 2 hex digits per byte), plus sign/point and NUL.
    const SQLULEN cap = static_cast<SQLULEN>(kMaxColumnBoundBytes);
    plan.bound_bytes = static_cast<SQLLEN>(column_size >= cap ? cap : std::min(column_size * 4 + 3, cap));
  }
  return plan;
}

namespace {

// ".789", ".789123" or ".789123456": the shortest group of three digits that holds the fraction.
void append_fraction(SQLUINTEGER nanoseconds, std::string& out) {
  if (nanoseconds == 0) return;
  char digits[16];
  std::snprintf(digits, sizeof digits, "%09u", static_cast<unsigned>(nanoseconds % 1000000000u));
  int keep = nanoseconds % 1000000u == 0 ? 3 : (nanoseconds % 1000u == 0 ? 6 : 9);
  out += '.';
  out.append(digits, static_cast<size_t>(keep));
}

}  // namespace

void format_typed_value(SQLSMALLINT c_type, const void* data, std::string& out) {
  char buffer[64];
  switch (c_type) {
    case SQL_C_DOUBLE: {
      double v;
      std::memcpy(&v, data, sizeof v);
      auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
      out.append(buffer, result.ptr);
      return;
    }
    case SQL_C_FLOAT: {
      float v;
      std::memcpy(&v, data, sizeof v);
      auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
      out.append(buffer, result.ptr);
      return;
    }
    case SQL_C_TYPE_DATE: {
      SQL_DATE_STRUCT d;
      std::memcpy(&d, data, sizeof d);
      int n = std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", d.year, d.month, d.day);
      out.append(buffer, static_cast<size_t>(n));
      return;
    }
    case SQL_C_TYPE_TIMESTAMP: {
      SQL_TIMESTAMP_STRUCT t;
      std::memcpy(&t, data, sizeof t);
      int n = std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02u:%02u:%02u", t.year, t.month, t.day, t.hour,
                            t.minute, t.second);
      out.append(buffer, static_cast<size_t>(n));
      append_fraction(t.fraction, out);
      return;
    }
    default:
      return;
  }
}

}  // namespace zra::odbc
