#pragma once
// A throwaway PostgreSQL server for tests: a fresh cluster (a copy of one initdb'd template kept in
// /tmp) in a temporary directory, pg_ctl start on a free loopback port with its socket in that
// directory, stopped and deleted on destruction. Runs the server as the `postgres` system user when
// the test runs as root (PostgreSQL refuses root).
#include <string>

namespace zra::testing {

class PostgresServer {
 public:
  // Throws std::runtime_error with a clear message when the PostgreSQL binaries are missing (install
  // postgresql-15 or run `make test`) or the server does not start (the server log is included).
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  const std::string& directory() const { return dir_; }
  // ODBC connection string for database `postgres` as user `postgres` (trust auth, no password).
  std::string connection_string() const;

  // Directory holding initdb/pg_ctl, or "" when none is installed.
  static std::string find_bin_dir();

 private:
  std::string run_as_owner(const std::string& command) const;
  // Path of an initdb'd data directory to copy (created on first use). Throws std::runtime_error.
  std::string cluster_template() const;
  std::string bin_;
  std::string dir_;
  int port_ = 0;
  bool started_ = false;
};

}  // namespace zra::testing
