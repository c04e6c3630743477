// Mirror mode: which confirmed ids of a stream the current run did not read.
//
// The marks live in a TEMP table of the store's connection, not in the state file: they matter only
// within the run that makes them (a run that dies deletes nothing, so nothing needs to survive it), they
// cost no WAL traffic or fsync, and temp_store=FILE keeps them on disk, so memory stays flat for 10M ids.
#include "core/common/errors.h"
#include "core/state/state_codes.h"
#include "core/state/state_store.h"
#include "core/state/state_store_impl.h"

namespace zra {

using state_sqlite::StatementScope;
using state_sqlite::Transaction;

namespace {

void ensure_seen_table(StateStore::Impl& impl) {
  if (impl.seen_table_ready) return;
  impl.db.exec(
      "CREATE TEMP TABLE IF NOT EXISTS seen (run_id TEXT NOT NULL, type INTEGER NOT NULL, crm_id TEXT NOT NULL, "
      "PRIMARY KEY (run_id, type, crm_id)) WITHOUT ROWID",
      "creating the mirror marks");
  impl.seen_table_ready = true;
}

// Two statements rather than `(?3 IS NULL OR crm_id > ?3)`, which would stop SQLite using the key range.
constexpr const char kFirstUnseenPageSql[] =
    "SELECT crm_id FROM records AS r WHERE type = ?1 AND stream = ?2 AND confirmed_hash IS NOT NULL "
    "AND crm_id >= ?3 AND NOT EXISTS (SELECT 1 FROM temp.seen AS s WHERE s.run_id = ?4 AND s.type = ?1 "
    "AND s.crm_id = r.crm_id) ORDER BY crm_id LIMIT ?5";
constexpr const char kNextUnseenPageSql[] =
    "SELECT crm_id FROM records AS r WHERE type = ?1 AND stream = ?2 AND confirmed_hash IS NOT NULL "
    "AND crm_id > ?3 AND NOT EXISTS (SELECT 1 FROM temp.seen AS s WHERE s.run_id = ?4 AND s.type = ?1 "
    "AND s.crm_id = r.crm_id) ORDER BY crm_id LIMIT ?5";

}  // namespace

void StateStore::mark_seen(const std::string& run_id, ObjectType type, const std::string& /*stream*/,
                           const std::vector<std::string>& ids) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  ensure_seen_table(*impl_);
  // Deferred: only the temp database is written, which a read-only store may do too.
  Transaction tx(impl_->db, Transaction::Kind::Deferred);
  auto& st = impl_->statement("INSERT OR IGNORE INTO temp.seen(run_id, type, crm_id) VALUES(?1, ?2, ?3)",
                              "marking ids as read");
  st.bind_text(1, run_id);
  st.bind_int(2, state_codes::type_code(type));
  for (const auto& id : ids) {
    StatementScope scope(st);
    st.bind_text_static(3, id);
    st.run();
  }
  tx.commit();
}

void StateStore::for_each_unseen_confirmed(const std::string& run_id, ObjectType type, const std::string& stream,
                                           const std::function<void(const std::string& crm_id)>& fn) {
  std::string after;
  bool first = true;
  std::vector<std::string> page;
  for (;;) {
    page.clear();
    {
      std::lock_guard<std::mutex> lock(impl_->mu);
      ensure_seen_table(*impl_);
      auto& st = impl_->statement(first ? kFirstUnseenPageSql : kNextUnseenPageSql, "listing unseen records");
      StatementScope scope(st);
      st.bind_int(1, state_codes::type_code(type));
      st.bind_text(2, stream);
      st.bind_text(3, after);
      st.bind_text(4, run_id);
      st.bind_int(5, kPageSize);
      while (st.step()) page.push_back(st.column_text(0));
    }
    for (const auto& id : page) fn(id);
    if (page.size() < static_cast<size_t>(kPageSize)) return;
    after = page.back();
    first = false;
  }
}

int64_t StateStore::count_confirmed(ObjectType type, const std::string& stream) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto& st = impl_->statement(
      "SELECT count(*) FROM records WHERE type = ?1 AND stream = ?2 AND confirmed_hash IS NOT NULL",
      "counting confirmed records");
  StatementScope scope(st);
  st.bind_int(1, state_codes::type_code(type));
  st.bind_text(2, stream);
  return st.step() ? st.column_int(0) : 0;
}

}  // namespace zra
