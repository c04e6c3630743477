#pragma once
// RAII owners of the three ODBC handles. Not thread-safe: one instance serves one stream at a time.
#include <sql.h>
#include <sqlext.h>

#include <optional>
#include <string>

#include "plugins/odbc/secret_redactor.h"

namespace zra::odbc {

// An ODBC 3 environment. Throws OdbcFailure(ZRA_ERROR) when the driver manager cannot allocate one.
class OdbcEnvironment {
 public:
  OdbcEnvironment();
  ~OdbcEnvironment();
  OdbcEnvironment(const OdbcEnvironment&) = delete;
  OdbcEnvironment& operator=(const OdbcEnvironment&) = delete;
  SQLHENV handle() const { return handle_; }

 private:
  SQLHENV handle_ = SQL_NULL_HENV;
};

// What the driver can do with SQLGetData, asked once after connecting.
struct DriverCapabilities {
  std::string driver_name;          // SQL_DRIVER_NAME, e.g. "psqlodbcw.so"
  bool getdata_bound = false;       // SQL_GD_BOUND: SQLGetData on a bound column
  bool getdata_block = false;       // SQL_GD_BLOCK (+ SQL_GD_BOUND): SQLGetData inside a block cursor
};

// A connection. connect() throws OdbcFailure: ZRA_ERROR_SETTINGS for a missing driver/DSN (IMxxx),
// ZRA_ERROR_IO for anything else (unreachable server, refused login). Messages never hold the password.
class OdbcConnection {
 public:
  explicit OdbcConnection(const OdbcEnvironment& environment);
  ~OdbcConnection();
  OdbcConnection(const OdbcConnection&) = delete;
  OdbcConnection& operator=(const OdbcConnection&) = delete;

  void connect(const std::string& connection_string, std::optional<int> login_timeout_s,
               const SecretRedactor& redactor);
  bool connected() const { return connected_; }
  SQLHDBC handle() const { return handle_; }
  const DriverCapabilities& capabilities() const { return capabilities_; }

 private:
  SQLHDBC handle_ = SQL_NULL_HDBC;
  bool connected_ = false;
  DriverCapabilities capabilities_;
};

// A statement on a connected OdbcConnection, freed (and its cursor closed) on destruction.
class OdbcStatement {
 public:
  explicit OdbcStatement(const OdbcConnection& connection);
  ~OdbcStatement();
  OdbcStatement(const OdbcStatement&) = delete;
  OdbcStatement& operator=(const OdbcStatement&) = delete;
  SQLHSTMT handle() const { return handle_; }

 private:
  SQLHSTMT handle_ = SQL_NULL_HSTMT;
};

}  // namespace zra::odbc
