#pragma once
// A thin RAII layer over the SQLite C API for the state store. Every failure becomes a StateError that
// names the state file and what was being done; damage (SQLITE_CORRUPT, SQLITE_NOTADB) adds how to recover.
// Internal to core/state. Not thread-safe: the StateStore serialises access.
#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace zra::state_sqlite {

// Throws StateError for SQLite result `rc` while doing `operation` on the state file `path`.
[[noreturn]] void throw_sqlite_error(const std::string& path, int rc, std::string_view sqlite_message,
                                     std::string_view operation);

// The recovery advice for a damaged state file.
std::string recovery_hint(const std::string& path);

class SqliteConnection {
 public:
  // Opens (read_only: without SQLITE_OPEN_CREATE or write access). Reads nothing yet, so a damaged file
  // is only noticed by the first statement. Throws StateError.
  SqliteConnection(std::string path, bool read_only);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Runs one or more statements that return no rows we need. Throws StateError naming `operation`.
  void exec(const std::string& sql, std::string_view operation);
  // Runs a statement returning one integer (a PRAGMA, count(*)); throws StateError.
  int64_t query_int(const std::string& sql, std::string_view operation);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t changes() const;
  bool in_transaction() const;
  // Rowid of the last INSERT on this connection.
  int64_t last_insert_rowid() const;
  [[noreturn]] void fail(int rc, std::string_view operation) const;

  const std::string& path() const noexcept { return path_; }
  sqlite3* handle() const noexcept { return db_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

// A prepared statement, prepared once and reused (bindings persist across reset()).
class SqliteStatement {
 public:
  SqliteStatement(SqliteConnection& connection, std::string sql, std::string operation);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Parameters are 1-based. bind_text copies the value; bind_text_static requires it to stay alive and
  // unchanged until the statement is reset (use it on hot paths only).
  void bind_int(int index, int64_t value);
  void bind_text(int index, std::string_view value);
  void bind_text_static(int index, std::string_view value);
  void bind_null(int index);
  // true: a row is available; false: done. Throws StateError.
  bool step();
  // Steps a statement that returns no row (INSERT/UPDATE/DELETE).
  void run();
  void reset() noexcept;

  // Columns are 0-based.
  int64_t column_int(int index) const;
  std::string column_text(int index) const;
  std::string_view column_view(int index) const;  // valid until the next step/reset
  bool column_is_null(int index) const;

 private:
  SqliteConnection& connection_;
  std::string operation_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when a scope ends, also on an exception, so it never holds a read lock open.
class StatementScope {
 public:
  explicit StatementScope(SqliteStatement& statement) : statement_(statement) {}
  ~StatementScope() { statement_.reset(); }
  StatementScope(const StatementScope&) = delete;
  StatementScope& operator=(const StatementScope&) = delete;

 private:
  SqliteStatement& statement_;
};

// BEGIN on construction; commit() makes it durable; the destructor rolls back what was not committed.
class Transaction {
 public:
  // Deferred: locks when first used (reads, temp-table writes). Immediate: takes the write lock now.
  enum class Kind { Deferred, Immediate };
  Transaction(SqliteConnection& connection, Kind kind);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  SqliteConnection& connection_;
  bool open_ = false;
};

}  // namespace zra::state_sqlite
