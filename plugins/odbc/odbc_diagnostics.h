#pragma once
// Turns a failed ODBC call into an OdbcFailure whose message carries SQLSTATE, native code and the
// driver's text (from SQLGetDiagRec), with secrets redacted, and whose status says what kind of failure.
#include <sql.h>
#include <sqlext.h>

#include <string>
#include <vector>

#include "plugins/odbc/odbc_failure.h"
#include "plugins/odbc/secret_redactor.h"

namespace zra::odbc {

struct DiagnosticRecord {
  std::string sqlstate;  // five characters, e.g. "42601"
  long native = 0;
  std::string message;
};

// All diagnostic records of a handle (empty when there are none).
std::vector<DiagnosticRecord> read_diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle);

// "SQLSTATE 42601 (native 7): ERROR: syntax error ..." for each record, joined with "; ".
std::string format_diagnostics(const std::vector<DiagnosticRecord>& records);

// Where a call was made: decides the status of its failure.
enum class CallPhase { kConnect, kPrepare, kExecute, kFetch, kOther };

// The status a failure gets: connection-class SQLSTATEs (08xxx, HYT0x) are ZRA_ERROR_IO; a connect
// failure other than a missing driver or DSN (IMxxx or only 01xxx warnings: a settings error) is
// ZRA_ERROR_IO; syntax/access
// (42xxx), dynamic SQL (07xxx) at prepare or execute are ZRA_ERROR_SETTINGS; the rest ZRA_ERROR.
zra_status classify_failure(const std::vector<DiagnosticRecord>& records, CallPhase phase);

// Throws OdbcFailure unless rc is SQL_SUCCESS / SQL_SUCCESS_WITH_INFO (or SQL_NO_DATA when allowed).
// The message is "<what>: <diagnostics>" redacted. `connection` (optional) is asked whether it died,
// which makes the failure ZRA_ERROR_IO whatever the SQLSTATE.
void check_odbc(SQLRETURN rc, SQLSMALLINT handle_type, SQLHANDLE handle, CallPhase phase, const std::string& what,
                const SecretRedactor& redactor, SQLHDBC connection = SQL_NULL_HDBC);

}  // namespace zra::odbc
