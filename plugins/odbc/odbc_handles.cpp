#include "plugins/odbc/odbc_handles.h"

#include <vector>

#include "plugins/odbc/odbc_diagnostics.h"
#include "plugins/odbc/odbc_failure.h"

namespace zra::odbc {

OdbcEnvironment::OdbcEnvironment() {
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &handle_))) {
    throw OdbcFailure(ZRA_ERROR, "cannot allocate an ODBC environment (is unixODBC installed?)");
  }
  SQLRETURN rc = SQLSetEnvAttr(handle_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
  if (!SQL_SUCCEEDED(rc)) {
    std::string detail = format_diagnostics(read_diagnostics(SQL_HANDLE_ENV, handle_));
    SQLFreeHandle(SQL_HANDLE_ENV, handle_);
    throw OdbcFailure(ZRA_ERROR, "cannot select ODBC 3 behaviour: " + detail);
  }
}

OdbcEnvironment::~OdbcEnvironment() { SQLFreeHandle(SQL_HANDLE_ENV, handle_); }

OdbcConnection::OdbcConnection(const OdbcEnvironment& environment) {
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, environment.handle(), &handle_))) {
    throw OdbcFailure(ZRA_ERROR, "cannot allocate an ODBC connection handle: " +
                                     format_diagnostics(read_diagnostics(SQL_HANDLE_ENV, environment.handle())));
  }
}

OdbcConnection::~OdbcConnection() {
  if (connected_) SQLDisconnect(handle_);
  SQLFreeHandle(SQL_HANDLE_DBC, handle_);
}

void OdbcConnection::connect(const std::string& connection_string, std::optional<int> login_timeout_s,
                             const SecretRedactor& redactor) {
  if (login_timeout_s) {
    SQLSetConnectAttr(handle_, SQL_ATTR_LOGIN_TIMEOUT,
                      reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(*login_timeout_s)), 0);
  }
  std::vector<SQLCHAR> text(connection_string.begin(), connection_string.end());
  text.push_back(0);
  SQLRETURN rc = SQLDriverConnect(handle_, nullptr, text.data(), SQL_NTS, nullptr, 0, nullptr, SQL_DRIVER_NOPROMPT);
  check_odbc(rc, SQL_HANDLE_DBC, handle_, CallPhase::kConnect, "cannot connect", redactor);
  connected_ = true;

  char name[256] = {0};
  if (SQL_SUCCEEDED(SQLGetInfo(handle_, SQL_DRIVER_NAME, name, sizeof name, nullptr))) capabilities_.driver_name = name;
  SQLUINTEGER getdata = 0;
  SQLGetInfo(handle_, SQL_GETDATA_EXTENSIONS, &getdata, sizeof getdata, nullptr);
  capabilities_.getdata_bound = (getdata & SQL_GD_BOUND) != 0;
  // SQL_GD_BLOCK promises SQLGetData inside a block. psqlODBC positions there with SQLSetPos even though
  // it does not list SQL_CA1_POS_POSITION for forward-only cursors, so that flag is not required.
  capabilities_.getdata_block = capabilities_.getdata_bound && (getdata & SQL_GD_BLOCK) != 0;
}

OdbcStatement::OdbcStatement(const OdbcConnection& connection) {
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, connection.handle(), &handle_))) {
    const auto records = read_diagnostics(SQL_HANDLE_DBC, connection.handle());
    throw OdbcFailure(classify_failure(records, CallPhase::kOther),
                      "cannot allocate an ODBC statement: " + format_diagnostics(records));
  }
}

OdbcStatement::~OdbcStatement() {
  SQLFreeStmt(handle_, SQL_CLOSE);
  SQLFreeHandle(SQL_HANDLE_STMT, handle_);
}

}  // namespace zra::odbc

