#include "core/state/sqlite_connection.h"

#include <sqlite3.h>

#include "core/common/errors.h"
#include "core/common/log.h"

namespace zra::state_sqlite {

std::string recovery_hint(const std::string& path) {
  return "To recover: if `zra-sync state export` can still read it, save what it holds with that; then move "
         "the file away (mv '" + path + "' '" + path + ".damaged') and run `zra-sync run --full`, which "
         "resends every record and rebuilds the state";
}

void throw_sqlite_error(const std::string& path, int rc, std::string_view sqlite_message,
                        std::string_view operation) {
  const int primary = rc & 0xff;
  std::string detail = std::string(sqlite_message) + " (SQLite code " + std::to_string(rc) + ")";
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    throw StateError("state file " + path + " is damaged or is not a zra-sync state database (" +
                     std::string(operation) + ": " + detail + "). " + recovery_hint(path));
  }
  std::string advice;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) advice = "; another process keeps it busy";
  if (primary == SQLITE_FULL) advice = "; the disk is full";
  if (primary == SQLITE_READONLY) advice = "; the file or its directory is not writable";
  if (primary == SQLITE_CANTOPEN) advice = "; check that the path is a file and its directory is writable";
  throw StateError("state file " + path + ": " + std::string(operation) + " failed: " + detail + advice);
}

SqliteConnection::SqliteConnection(std::string path, bool read_only) : path_(std::move(path)) {
  // NOMUTEX: the StateStore serialises access itself.
  const int flags = (read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw_sqlite_error(path_, rc, message, "opening");
  }
  sqlite3_extended_result_codes(db_, 1);
}

SqliteConnection::~SqliteConnection() {
  // Statements are owned by the store and finalised first; close_v2 copes if one was not.
  sqlite3_close_v2(db_);
}

void SqliteConnection::fail(int rc, std::string_view operation) const {
  throw_sqlite_error(path_, rc, sqlite3_errmsg(db_), operation);
}

void SqliteConnection::exec(const std::string& sql, std::string_view operation) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw_sqlite_error(path_, rc, text, operation);
  }
}

int64_t SqliteConnection::query_int(const std::string& sql, std::string_view operation) {
  SqliteStatement statement(*this, sql, std::string(operation));
  if (!statement.step()) return 0;
  return statement.column_int(0);
}

int64_t SqliteConnection::changes() const { return sqlite3_changes64(db_); }

int64_t SqliteConnection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

bool SqliteConnection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

SqliteStatement::SqliteStatement(SqliteConnection& connection, std::string sql, std::string operation)
    : connection_(connection), operation_(std::move(operation)) {
  const int rc = sqlite3_prepare_v3(connection_.handle(), sql.c_str(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) connection_.fail(rc, operation_ + " (preparing)");
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::bind_int(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) connection_.fail(rc, operation_ + " (binding)");
}

void SqliteStatement::bind_text(int index, std::string_view value) {
  const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) connection_.fail(rc, operation_ + " (binding)");
}

void SqliteStatement::bind_text_static(int index, std::string_view value) {
  const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) connection_.fail(rc, operation_ + " (binding)");
}

void SqliteStatement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) connection_.fail(rc, operation_ + " (binding)");
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  connection_.fail(rc, operation_);
}

void SqliteStatement::run() {
  while (step()) {
  }
}

void SqliteStatement::reset() noexcept { sqlite3_reset(stmt_); }

int64_t SqliteStatement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string SqliteStatement::column_text(int index) const { return std::string(column_view(index)); }

std::string_view SqliteStatement::column_view(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
  if (text == nullptr) return {};
  return std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

bool SqliteStatement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

Transaction::Transaction(SqliteConnection& connection, Kind kind) : connection_(connection) {
  // IMMEDIATE takes the write lock up front, so a busy database fails here, before any work is done.
  connection_.exec(kind == Kind::Immediate ? "BEGIN IMMEDIATE" : "BEGIN", "starting a transaction");
  open_ = true;
}

Transaction::~Transaction() {
  // SQLite rolls back by itself after some errors (disk full, I/O); only roll back what is still open.
  if (!open_ || !connection_.in_transaction()) return;
  char* message = nullptr;
  if (sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, &message) != SQLITE_OK) {
    log_warn("state.rollback_failed", "rolling back a state transaction failed",
             {{"file", connection_.path()}, {"error", message != nullptr ? message : "?"}});
  }
  sqlite3_free(message);
}

void Transaction::commit() {
  connection_.exec("COMMIT", "committing");
  open_ = false;
}

}  // namespace zra::state_sqlite
