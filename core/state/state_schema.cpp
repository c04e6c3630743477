#include "core/state/state_schema.h"

#include <string>
#include <vector>

#include "core/common/errors.h"
#include "core/state/payload_hash.h"
#include "core/common/log.h"
#include "core/state/sqlite_connection.h"

namespace zra::state_schema {
namespace {

using state_sqlite::SqliteConnection;
using state_sqlite::SqliteStatement;
using state_sqlite::Transaction;

// kMigrations[v] takes a file from schema v to v + 1. Append only; never edit a released step.
//
// Version 1, and why it looks like this:
//  - records: one row per (type, crm_id), WITHOUT ROWID so the primary key IS the B-tree and a lookup is
//    one descent. Types and outcomes are small integers (state_codes.h): 10M rows stay compact.
//    payload_hash is the last payload sent whatever happened to it; confirmed_hash is what ZRA holds
//    (NULL: nothing), kept apart so a rejected or unconfirmed update of a confirmed record still counts
//    as existing in ZRA for mirror deletes.
//  - batches + batch_items: the submission journal. AUTOINCREMENT so a batch id is never reused after
//    its rows are deleted. Settled and abandoned batches are deleted: the journal only ever holds the
//    few batches of a run that died, and the file does not grow with history.
//  - runs: one row per run (history for `state show`). cursors: one `since` value per source stream.
//  - Mirror mode needs no table of its own: the planner merge-joins the run's sorted records with this one.
const std::vector<const char*> kMigrations = {
    R"sql(
CREATE TABLE records (
  type           INTEGER NOT NULL CHECK (type BETWEEN 0 AND 3),
  crm_id         TEXT    NOT NULL,
  payload_hash   TEXT    NOT NULL,
  confirmed_hash TEXT,
  outcome        INTEGER NOT NULL CHECK (outcome BETWEEN 0 AND 3),
  stream         TEXT    NOT NULL,
  run_id         TEXT    NOT NULL,
  task_id        TEXT    NOT NULL DEFAULT '',
  detail         TEXT    NOT NULL DEFAULT '',
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (type, crm_id)
) WITHOUT ROWID;
CREATE TABLE batches (
  batch_id   INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id     TEXT    NOT NULL,
  type       INTEGER NOT NULL CHECK (type BETWEEN 0 AND 3),
  created_at INTEGER NOT NULL,
  task_id    TEXT    NOT NULL DEFAULT ''
);
CREATE TABLE batch_items (
  batch_id     INTEGER NOT NULL,
  idx          INTEGER NOT NULL,
  crm_id       TEXT    NOT NULL,
  payload_hash TEXT    NOT NULL,
  stream       TEXT    NOT NULL,
  locator      TEXT    NOT NULL,
  is_deletion  INTEGER NOT NULL,
  PRIMARY KEY (batch_id, idx)
) WITHOUT ROWID;
CREATE TABLE runs (
  run_id       TEXT PRIMARY KEY,
  started_at   INTEGER NOT NULL,
  finished_at  INTEGER,
  exit_code    INTEGER,
  summary_json TEXT
);
CREATE TABLE cursors (
  source TEXT NOT NULL,
  stream TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (source, stream)
) WITHOUT ROWID;
)sql",
    // Version 2: a meta table, and in it the scheme of the file's payload hashes (payload_hash.h). A file
    // that already holds hashes keeps SHA-256 (new hashes must compare equal to the old ones, or every
    // record would be sent again); an empty one starts with XXH3. The names are to_string(HashScheme).
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) SELECT 'payload_hash',
  CASE WHEN EXISTS (SELECT 1 FROM records) OR EXISTS (SELECT 1 FROM batch_items) THEN 'sha256-128'
       ELSE 'xxh3-128' END;
)sql",
};

static_assert(kCurrentVersion == 2, "append a migration to kMigrations when bumping kCurrentVersion");

void switch_to_wal(SqliteConnection& db) {
  SqliteStatement statement(db, "PRAGMA journal_mode=WAL", "switching to WAL");
  const std::string mode = statement.step() ? statement.column_text(0) : std::string();
  if (mode != "wal") {
    throw StateError("state file " + db.path() + ": cannot use write-ahead logging (journal mode stays '" +
                     mode + "'); put state.path on a local file system");
  }
}

void migrate(SqliteConnection& db, int64_t from) {
  for (int64_t v = from; v < kCurrentVersion; ++v) {
    Transaction tx(db, Transaction::Kind::Immediate);
    // Another process may have migrated between our check and our write lock.
    if (db.query_int("PRAGMA user_version", "reading the schema version") > v) continue;
    db.exec(kMigrations.at(static_cast<size_t>(v)), "migrating to schema " + std::to_string(v + 1));
    db.exec("PRAGMA application_id = " + std::to_string(kApplicationId), "marking the file");
    db.exec("PRAGMA user_version = " + std::to_string(v + 1), "recording the schema version");
    tx.commit();
    if (v > 0) {
      log_info("state.migrated", "migrated the state file", {{"file", db.path()}, {"from", v}, {"to", v + 1}});
    }
  }
}

}  // namespace

void prepare(SqliteConnection& db, bool read_only) {
  // The first read of page 1: a file that is not a database, or is truncated, fails here.
  const int64_t tables = db.query_int("SELECT count(*) FROM sqlite_master", "reading the schema");
  const int64_t version = db.query_int("PRAGMA user_version", "reading the schema version");
  const int64_t application = db.query_int("PRAGMA application_id", "reading the application id");
  const std::string& path = db.path();
  if (application != 0 && application != kApplicationId) {
    throw StateError("state file " + path + " is an SQLite database of another program (application_id " +
                     std::to_string(application) + "); point state.path at a file of its own");
  }
  if (version > kCurrentVersion) {
    throw StateError("state file " + path + " was written by a newer zra-sync (schema " + std::to_string(version) +
                     ", this one knows " + std::to_string(kCurrentVersion) + "); upgrade zra-sync");
  }
  if (version == 0 && tables > 0) {
    throw StateError("state file " + path + " is an SQLite database but not a zra-sync state file (it has " +
                     std::to_string(tables) + " schema objects and no zra-sync schema version); point "
                     "state.path at a file of its own");
  }
  if (read_only) {
    if (version == 0) throw StateError("state file " + path + " holds no state yet: nothing was synced");
    if (version < kOldestReadableVersion) {
      throw StateError("state file " + path + " uses schema " + std::to_string(version) + "; run `zra-sync run` " +
                       "once to upgrade it to schema " + std::to_string(kCurrentVersion));
    }
    return;
  }
  // 16 KiB pages for a new file (fixed once it exists): a records row is ~150 bytes, and WITHOUT ROWID
  // interior pages hold whole rows, so bigger pages mean a shallower tree; measured ~30% faster lookups
  // over 1M records than 4 KiB.
  if (version == 0) db.exec("PRAGMA page_size = 16384", "setting the page size");
  switch_to_wal(db);
  migrate(db, version);
}

HashScheme hash_scheme(SqliteConnection& db) {
  const bool has_meta =
      db.query_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", "reading the schema") > 0;
  if (!has_meta) {  // a schema-1 file opened read-only: what its migration would record
    const bool holds_hashes =
        db.query_int("SELECT EXISTS (SELECT 1 FROM records) OR EXISTS (SELECT 1 FROM batch_items)",
                     "reading the payload hash scheme") != 0;
    return holds_hashes ? HashScheme::Sha256 : HashScheme::Xxh3;
  }
  SqliteStatement row(db, "SELECT value FROM meta WHERE key = 'payload_hash'", "reading the payload hash scheme");
  if (!row.step()) {
    throw StateError("state file " + db.path() + " names no payload hash scheme (its meta table lacks " +
                     "'payload_hash'); it was edited by hand or damaged: " +
                     state_sqlite::recovery_hint(db.path()));
  }
  const std::string name = row.column_text(0);
  if (auto scheme = parse_hash_scheme(name)) return *scheme;
  throw StateError("state file " + db.path() + " hashes payloads with '" + name +
                   "', which this zra-sync does not know; upgrade zra-sync");
}

}  // namespace zra::state_schema
