// StateStore: opening, the run lock, change-detection lookups, cursors and runs.
// The journal is in state_journal.cpp, mirror marks in state_mirror.cpp, `state` commands in state_inspect.cpp.
#include "core/state/state_store.h"

#include <algorithm>
#include <filesystem>
#include <numeric>

#include "core/common/errors.h"
#include "core/common/log.h"
#include "core/state/state_codes.h"
#include "core/state/state_schema.h"
#include "core/state/state_store_impl.h"

namespace zra {

using state_sqlite::SqliteStatement;
using state_sqlite::StatementScope;
using state_sqlite::Transaction;

StateStore::Impl::Impl(const std::string& path, Clock& c, bool ro) : clock(c), read_only(ro), db(path, ro) {}

state_sqlite::SqliteStatement& StateStore::Impl::statement(const char* sql, const char* operation) {
  auto& slot = statements[sql];
  if (!slot) slot = std::make_unique<SqliteStatement>(db, sql, operation);
  return *slot;
}

int64_t StateStore::Impl::now_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.wall_now().time_since_epoch()).count();
}

void StateStore::Impl::require_writable(std::string_view operation) const {
  if (read_only) {
    throw StateError("state file " + db.path() + " was opened read-only; " + std::string(operation) +
                     " needs write access");
  }
}

RecordState read_record_state(const SqliteStatement& row, int first, const std::string& path) {
  RecordState s;
  s.payload_hash = row.column_text(first);
  s.outcome = state_codes::outcome_from_code(row.column_int(first + 1), path);
  s.confirmed_hash = row.column_text(first + 2);
  s.stream = row.column_text(first + 3);
  s.run_id = row.column_text(first + 4);
  s.task_id = row.column_text(first + 5);
  s.detail = row.column_text(first + 6);
  s.updated_at = row.column_int(first + 7);
  return s;
}

StateStore::StateStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StateStore::~StateStore() = default;

const std::string& StateStore::path() const noexcept { return impl_->db.path(); }
HashScheme StateStore::hash_scheme() const noexcept { return impl_->hash_scheme; }

std::unique_ptr<StateStore> StateStore::open(const std::string& path, Clock& clock, bool read_only) {
  namespace fs = std::filesystem;
  if (path.empty()) throw StateError("state.path is empty: name the state file");
  std::error_code ec;
  if (read_only) {
    if (!fs::exists(path, ec)) {
      throw StateError("no state file at " + path + ": nothing was synced with this configuration yet");
    }
  } else {
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::create_directories(parent, ec) && ec) {
      throw StateError("cannot create the directory " + parent.string() + " of state file " + path + ": " +
                       ec.message());
    }
  }
  if (fs::is_directory(path, ec)) throw StateError("state file " + path + " is a directory; name a file");

  auto impl = std::make_unique<Impl>(path, clock, read_only);
  auto& db = impl->db;
  db.exec("PRAGMA busy_timeout = 5000", "setting the busy timeout");
  state_schema::prepare(db, read_only);
  impl->hash_scheme = state_schema::hash_scheme(db);
  // A killed process loses nothing in WAL mode either way; FULL: a task id written before a power loss survives it, so that batch is never imported twice.
  // At most ~20 import calls a minute, the extra fsyncs cost nothing that matters.
  if (!read_only) db.exec("PRAGMA synchronous = FULL", "setting synchronous");
  // Bounded memory whatever the file size: an 8 MiB page cache, and no memory map (mapped pages count
  // in the process's resident set: a 1M-record file read through a map would add its whole size).
  // Change detection reads the records table sequentially (read_records_page), which needs no big
  // cache; temporary tables (mirror marks) spill to disk.
  db.exec("PRAGMA cache_size = -8192; PRAGMA mmap_size = 0; PRAGMA temp_store = FILE", "setting the cache");
  log_debug("state.opened", "opened the state file", {{"file", path}, {"read_only", read_only}});
  return std::unique_ptr<StateStore>(new StateStore(std::move(impl)));
}

std::unique_ptr<StateStore::RunLock> StateStore::acquire_run_lock() { return StateRunLock::acquire(path()); }

std::vector<std::optional<RecordState>> StateStore::lookup(ObjectType type, const std::vector<std::string>& crm_ids) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::vector<std::optional<RecordState>> out(crm_ids.size());
  if (crm_ids.empty()) return out;
  // In key order, neighbouring lookups reuse the B-tree pages the previous one brought in.
  std::vector<uint32_t> order(crm_ids.size());
  std::iota(order.begin(), order.end(), 0u);
  const auto by_id = [&](uint32_t a, uint32_t b) { return crm_ids[a] < crm_ids[b]; };
  if (!std::is_sorted(order.begin(), order.end(), by_id)) std::sort(order.begin(), order.end(), by_id);

  auto& st = impl_->statement("SELECT " ZRA_RECORD_STATE_COLUMNS " FROM records WHERE type = ?1 AND crm_id = ?2",
                              "looking up records");
  // One read transaction for the whole batch instead of one per statement.
  Transaction tx(impl_->db, Transaction::Kind::Deferred);
  st.bind_int(1, state_codes::type_code(type));
  for (uint32_t i : order) {
    StatementScope scope(st);
    st.bind_text_static(2, crm_ids[i]);
    if (st.step()) out[i] = read_record_state(st, 0, impl_->db.path());
  }
  tx.commit();
  return out;
}

std::optional<std::string> StateStore::cursor(const std::string& source, const std::string& stream) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto& st = impl_->statement("SELECT value FROM cursors WHERE source = ?1 AND stream = ?2", "reading a cursor");
  StatementScope scope(st);
  st.bind_text(1, source);
  st.bind_text(2, stream);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

void StateStore::set_cursor(const std::string& source, const std::string& stream, const std::string& value) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->require_writable("saving a cursor");
  auto& st = impl_->statement(
      "INSERT INTO cursors(source, stream, value) VALUES(?1, ?2, ?3) "
      "ON CONFLICT(source, stream) DO UPDATE SET value = excluded.value",
      "saving a cursor");
  StatementScope scope(st);
  st.bind_text(1, source);
  st.bind_text(2, stream);
  st.bind_text(3, value);
  st.run();
}

void StateStore::begin_run(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->require_writable("starting a run");
  auto& st = impl_->statement("INSERT OR IGNORE INTO runs(run_id, started_at) VALUES(?1, ?2)", "recording a run");
  StatementScope scope(st);
  st.bind_text(1, run_id);
  st.bind_int(2, impl_->now_seconds());
  st.run();
  if (impl_->db.changes() == 0) {
    throw StateError("state file " + path() + ": run id " + run_id + " was used before; run ids must be unique");
  }
}

void StateStore::finish_run(const std::string& run_id, int exit_code, const std::string& summary_json) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->require_writable("finishing a run");
  auto& st = impl_->statement(
      "UPDATE runs SET finished_at = ?2, exit_code = ?3, summary_json = ?4 WHERE run_id = ?1",
      "recording the end of a run");
  StatementScope scope(st);
  st.bind_text(1, run_id);
  st.bind_int(2, impl_->now_seconds());
  st.bind_int(3, exit_code);
  st.bind_text(4, summary_json);
  st.run();
  if (impl_->db.changes() == 0) {
    throw StateError("state file " + path() + ": run " + run_id + " was never begun (begin_run)");
  }
}

}  // namespace zra
