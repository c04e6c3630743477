#pragma once
// The test databases: the same fixture rows loaded into SQLite (libsqliteodbc) or PostgreSQL (psqlODBC),
// each reachable by an ODBC connection string. Loading goes through ODBC directly, not the plugin.
#include <memory>
#include <string>

#include "tests/integration/odbc/postgres_server.h"

namespace zra::testing {

enum class Driver { kSqlite, kPostgres };
std::string driver_name(Driver driver);  // "SQLite", "PostgreSQL"

class FixtureDatabase {
 public:
  // Creates an empty database (starting a PostgreSQL server for kPostgres). Throws std::runtime_error.
  explicit FixtureDatabase(Driver driver);
  ~FixtureDatabase();

  Driver driver() const { return driver_; }
  std::string connection_string() const;

  // Loads tests/integration/odbc/fixtures/<driver>_schema.sql, rows.sql, <driver>_extras.sql.
  void load_fixture();
  // Runs each ";"-at-end-of-line terminated statement of `sql` through ODBC. Throws with the driver's
  // diagnostic on failure.
  void execute(const std::string& sql) const;

 private:
  Driver driver_;
  std::unique_ptr<PostgresServer> server_;
  std::string sqlite_dir_;
};

}  // namespace zra::testing
