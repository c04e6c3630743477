#include "tests/integration/odbc/fixture_database.h"

#include <sql.h>
#include <sqlext.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace zra::testing {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string diagnostics(SQLSMALLINT type, SQLHANDLE handle) {
  std::string out;
  SQLCHAR state[6], text[1024];
  SQLINTEGER native;
  SQLSMALLINT length;
  for (SQLSMALLINT i = 1; SQLGetDiagRec(type, handle, i, state, &native, text, sizeof text, &length) == SQL_SUCCESS; ++i) {
    out += std::string(reinterpret_cast<char*>(state)) + " " + reinterpret_cast<char*>(text) + "; ";
  }
  return out;
}

}  // namespace

std::string driver_name(Driver driver) { return driver == Driver::kSqlite ? "SQLite" : "PostgreSQL"; }

FixtureDatabase::FixtureDatabase(Driver driver) : driver_(driver) {
  if (driver == Driver::kPostgres) {
    server_ = std::make_unique<PostgresServer>();
  } else {
    char pattern[] = "/tmp/zra-odbc-sqlite-XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw std::runtime_error("cannot create a temporary directory for SQLite");
    sqlite_dir_ = pattern;
  }
}

FixtureDatabase::~FixtureDatabase() {
  std::error_code ec;
  if (!sqlite_dir_.empty()) fs::remove_all(sqlite_dir_, ec);
}

std::string FixtureDatabase::connection_string() const {
  if (server_) return server_->connection_string();
  const char* so = "/usr/lib/x86_64-linux-gnu/odbc/libsqlite3odbc.so";
  return std::string("Driver=") + (fs::exists(so) ? so : "SQLite3") + ";Database=" + sqlite_dir_ + "/crm.db";
}

void FixtureDatabase::load_fixture() {
  const std::string dir = std::string(ZRA_SOURCE_DIR) + "/tests/integration/odbc/fixtures/";
  const std::string prefix = driver_ == Driver::kSqlite ? "sqlite" : "postgres";
  execute(read_file(dir + prefix + "_schema.sql"));
  execute(read_file(dir + "rows.sql"));
  execute(read_file(dir + prefix + "_extras.sql"));
}

void FixtureDatabase::execute(const std::string& sql) const {
  std::vector<std::string> statements;
  std::string current;
  std::istringstream lines(sql);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("--", 0) == 0) continue;
    current += line + "\n";
    if (!line.empty() && line.back() == ';') {
      statements.push_back(current);
      current.clear();
    }
  }
  if (current.find_first_not_of(" \n\t") != std::string::npos) statements.push_back(current);

  SQLHENV env;
  SQLHDBC dbc;
  SQLHSTMT stmt;
  SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
  SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
  SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
  std::string cs = connection_string();
  std::string error;
  if (!SQL_SUCCEEDED(SQLDriverConnect(dbc, nullptr, reinterpret_cast<SQLCHAR*>(cs.data()), SQL_NTS, nullptr, 0, nullptr,
                                      SQL_DRIVER_NOPROMPT))) {
    error = "connect: " + diagnostics(SQL_HANDLE_DBC, dbc);
  } else {
    SQLAllocHandle(SQL_HANDLE_STMT, dbc, &stmt);
    for (auto& s : statements) {
      SQLRETURN rc = SQLExecDirect(stmt, reinterpret_cast<SQLCHAR*>(s.data()), SQL_NTS);
      if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) {
        error = s + ": " + diagnostics(SQL_HANDLE_STMT, stmt);
        break;
      }
      SQLFreeStmt(stmt, SQL_CLOSE);
    }
    SQLFreeHandle(SQL_HANDLE_STMT, stmt);
    SQLDisconnect(dbc);
  }
  SQLFreeHandle(SQL_HANDLE_DBC, dbc);
  SQLFreeHandle(SQL_HANDLE_ENV, env);
  if (!error.empty()) throw std::runtime_error(driver_name(driver_) + " fixture: " + error);
}

}  // namespace zra::testing
