#include "plugins/odbc/odbc_diagnostics.h"

namespace zra::odbc {
namespace {

// One line: drivers put newlines inside messages (psqlODBC: "ERROR: ...;\nError while executing the query").
std::string trim_message(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == ';')) s.pop_back();
  return s;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

bool connection_is_dead(SQLHDBC connection) {
  if (connection == SQL_NULL_HDBC) return false;
  SQLUINTEGER dead = SQL_CD_FALSE;
  SQLRETURN rc = SQLGetConnectAttr(connection, SQL_ATTR_CONNECTION_DEAD, &dead, 0, nullptr);
  return SQL_SUCCEEDED(rc) && dead == SQL_CD_TRUE;
}

}  // namespace

std::vector<DiagnosticRecord> read_diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle) {
  std::vector<DiagnosticRecord> out;
  if (handle == SQL_NULL_HANDLE) return out;
  for (SQLSMALLINT i = 1; i <= 20; ++i) {
    SQLCHAR state[6] = {0};
    SQLINTEGER native = 0;
    std::vector<SQLCHAR> text(1024);
    SQLSMALLINT length = 0;
    SQLRETURN rc = SQLGetDiagRec(handle_type, handle, i, state, &native, text.data(),
                                 static_cast<SQLSMALLINT>(text.size()), &length);
    if (rc == SQL_SUCCESS_WITH_INFO && length >= static_cast<SQLSMALLINT>(text.size())) {
      text.resize(static_cast<size_t>(length) + 1);
      rc = SQLGetDiagRec(handle_type, handle, i, state, &native, text.data(),
                         static_cast<SQLSMALLINT>(text.size()), &length);
    }
    if (!SQL_SUCCEEDED(rc)) break;
    out.push_back({reinterpret_cast<const char*>(state), static_cast<long>(native),
                   trim_message(reinterpret_cast<const char*>(text.data()))});
  }
  return out;
}

std::string format_diagnostics(const std::vector<DiagnosticRecord>& records) {
  if (records.empty()) return "the driver gave no diagnostic";
  std::string out;
  for (const auto& r : records) {
    if (!out.empty()) out += "; ";
    out += "SQLSTATE " + r.sqlstate + " (native " + std::to_string(r.native) + "): " + r.message;
  }
  return out;
}

zra_status classify_failure(const std::vector<DiagnosticRecord>& records, CallPhase phase) {
  for (const auto& r : records) {
    if (starts_with(r.sqlstate, "08") || r.sqlstate == "HYT00" || r.sqlstate == "HYT01") return ZRA_ERROR_IO;
  }
  if (phase == CallPhase::kConnect) {
    // IMxxx (no such DSN or driver), or only warnings (unixODBC's 01000 "Can't open lib"): the
    // configuration names something that is not there. Anything else came from the driver or server.
    bool only_warnings = true;
    for (const auto& r : records) {
      if (starts_with(r.sqlstate, "IM")) return ZRA_ERROR_SETTINGS;
      if (!starts_with(r.sqlstate, "01")) only_warnings = false;
    }
    return only_warnings && !records.empty() ? ZRA_ERROR_SETTINGS : ZRA_ERROR_IO;
  }
  if (phase == CallPhase::kPrepare || phase == CallPhase::kExecute) {
    for (const auto& r : records) {
      if (starts_with(r.sqlstate, "42") || starts_with(r.sqlstate, "07") || starts_with(r.sqlstate, "37")) {
        return ZRA_ERROR_SETTINGS;
      }
    }
  }
  return ZRA_ERROR;
}

void check_odbc(SQLRETURN rc, SQLSMALLINT handle_type, SQLHANDLE handle, CallPhase phase, const std::string& what,
                const SecretRedactor& redactor, SQLHDBC connection) {
  if (SQL_SUCCEEDED(rc)) return;
  if (rc == SQL_INVALID_HANDLE) throw OdbcFailure(ZRA_ERROR, what + ": invalid ODBC handle (a plugin bug)");
  const auto records = read_diagnostics(handle_type, handle);
  zra_status status = classify_failure(records, phase);
  if (status != ZRA_ERROR_IO && connection_is_dead(connection)) status = ZRA_ERROR_IO;
  std::string message = what + ": " + format_diagnostics(records);
  if (status == ZRA_ERROR_IO && phase == CallPhase::kFetch) message = "connection lost while reading: " + message;
  throw OdbcFailure(status, redactor.redact(message));
}

}  // namespace zra::odbc
