// The submission journal: batches written before their import POST and settled when their task is final.
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/common/errors.h"
#include "core/common/fault_point.h"
#include "core/common/log.h"
#include "core/state/state_codes.h"
#include "core/state/state_store.h"
#include "core/state/state_store_impl.h"

namespace zra {

using state_sqlite::SqliteStatement;
using state_sqlite::StatementScope;
using state_sqlite::Transaction;

namespace {

constexpr const char kDropBatchSql[] = "DELETE FROM batches WHERE batch_id = ?1";
constexpr const char kDropItemsSql[] = "DELETE FROM batch_items WHERE batch_id = ?1";

std::string not_in_journal(const std::string& path, int64_t batch_id) {
  return "state file " + path + ": batch " + std::to_string(batch_id) +
         " is not in the journal (it was already settled or abandoned, or never journalled)";
}

std::vector<JournalItem> read_items(StateStore::Impl& impl, int64_t batch_id) {
  auto& st = impl.statement(
      "SELECT crm_id, payload_hash, stream, locator, is_deletion FROM batch_items WHERE batch_id = ?1 ORDER BY idx",
      "reading a journalled batch");
  StatementScope scope(st);
  st.bind_int(1, batch_id);
  std::vector<JournalItem> items;
  while (st.step()) {
    items.push_back(JournalItem{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3),
                                st.column_int(4) != 0});
  }
  return items;
}

// How an item's settlement lands in its record row (see settle_batch in the header).
struct RecordWrite {
  RecordOutcome outcome;
  bool replace_confirmed;  // false: keep the confirmed_hash the row has
  bool confirmed_is_null;  // with replace_confirmed: ZRA now holds nothing (a confirmed deletion)
};

RecordWrite record_write(ItemOutcome outcome, bool deletion) {
  switch (outcome) {
    case ItemOutcome::Confirmed:
      return deletion ? RecordWrite{RecordOutcome::Deleted, true, true} : RecordWrite{RecordOutcome::Confirmed, true, false};
    case ItemOutcome::Rejected: return RecordWrite{RecordOutcome::Rejected, false, false};
    case ItemOutcome::Unconfirmed: return RecordWrite{RecordOutcome::Unconfirmed, false, false};
  }
  return RecordWrite{RecordOutcome::Unconfirmed, false, false};
}

}  // namespace

int64_t StateStore::journal_batch(const std::string& run_id, ObjectType type, const std::vector<JournalItem>& items) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->require_writable("journalling a batch");
  std::unordered_set<std::string_view> ids;
  ids.reserve(items.size());
  for (const auto& item : items) {
    if (!ids.insert(item.crm_id).second) {
      throw StateError("state file " + path() + ": a " + std::string(to_string(type)) + " batch of run " + run_id +
                       " holds crm_id '" + item.crm_id + "' twice (" + item.locator + "); one batch sends an id once");
    }
  }
  Transaction tx(impl_->db, Transaction::Kind::Immediate);
  auto& batch = impl_->statement("INSERT INTO batches(run_id, type, created_at) VALUES(?1, ?2, ?3)",
                                 "journalling a batch");
  {
    StatementScope scope(batch);
    batch.bind_text(1, run_id);
    batch.bind_int(2, state_codes::type_code(type));
    batch.bind_int(3, impl_->now_seconds());
    batch.run();
  }
  const int64_t batch_id = impl_->db.last_insert_rowid();
  auto& item_st = impl_->statement(
      "INSERT INTO batch_items(batch_id, idx, crm_id, payload_hash, stream, locator, is_deletion) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      "journalling a batch's items");
  item_st.bind_int(1, batch_id);
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    StatementScope scope(item_st);
    item_st.bind_int(2, static_cast<int64_t>(i));
    item_st.bind_text_static(3, item.crm_id);
    item_st.bind_text_static(4, item.payload_hash);
    item_st.bind_text_static(5, item.stream);
    item_st.bind_text_static(6, item.locator);
    item_st.bind_int(7, item.deletion ? 1 : 0);
    item_st.run();
  }
  tx.commit();
  return batch_id;
}

void StateStore::journal_task_id(int64_t batch_id, const std::string& task_id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->require_writable("journalling a task id");
  auto& st = impl_->statement("UPDATE batches SET task_id = ?2 WHERE batch_id = ?1", "journalling a task id");
  StatementScope scope(st);
  st.bind_int(1, batch_id);
  st.bind_text(2, task_id);
  st.run();
  if (impl_->db.changes() == 0) throw StateError(not_in_journal(path(), batch_id));
}

void StateStore::settle_batch(int64_t batch_id, const std::vector<SettledItem>& settled) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->require_writable("settling a batch");
  auto& db = impl_->db;
  Transaction tx(db, Transaction::Kind::Immediate);

  std::string run_id, task_id;
  int64_t type_code = 0;
  {
    auto& st = impl_->statement("SELECT run_id, type, task_id FROM batches WHERE batch_id = ?1", "settling a batch");
    StatementScope scope(st);
    st.bind_int(1, batch_id);
    if (!st.step()) throw StateError(not_in_journal(path(), batch_id));
    run_id = st.column_text(0);
    type_code = st.column_int(1);
    task_id = st.column_text(2);
  }
  const std::vector<JournalItem> items = read_items(*impl_, batch_id);
  std::unordered_map<std::string_view, size_t> index;
  index.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) index.emplace(items[i].crm_id, i);

  // Which SettledItem decides each journalled item; the transaction rolls back on any inconsistency.
  std::vector<const SettledItem*> decided(items.size(), nullptr);
  for (const auto& s : settled) {
    auto it = index.find(s.crm_id);
    if (it == index.end()) {
      throw StateError("state file " + path() + ": crm_id '" + s.crm_id + "' is not in batch " +
                       std::to_string(batch_id) + " (task " + task_id + "); nothing was settled");
    }
    if (decided[it->second] != nullptr) {
      throw StateError("state file " + path() + ": crm_id '" + s.crm_id + "' is settled twice in batch " +
                       std::to_string(batch_id) + "; nothing was settled");
    }
    decided[it->second] = &s;
  }

  auto& upsert = impl_->statement(
      "INSERT INTO records(type, crm_id, payload_hash, confirmed_hash, outcome, stream, run_id, task_id, detail, "
      "updated_at) VALUES(?1, ?2, ?3, ?4, ?6, ?7, ?8, ?9, ?10, ?11) "
      "ON CONFLICT(type, crm_id) DO UPDATE SET payload_hash = excluded.payload_hash, "
      "confirmed_hash = CASE WHEN ?5 THEN excluded.confirmed_hash ELSE records.confirmed_hash END, "
      "outcome = excluded.outcome, stream = excluded.stream, run_id = excluded.run_id, "
      "task_id = excluded.task_id, detail = excluded.detail, updated_at = excluded.updated_at",
      "settling a batch's records");
  const std::string missing_detail = "no outcome was given when batch " + std::to_string(batch_id) + " was settled";
  const int64_t now = impl_->now_seconds();
  int64_t missing = 0;
  upsert.bind_int(1, type_code);
  upsert.bind_text(8, run_id);
  upsert.bind_text(9, task_id);
  upsert.bind_int(11, now);
  for (size_t i = 0; i < items.size(); ++i) {
    const JournalItem& item = items[i];
    const SettledItem* s = decided[i];
    if (s == nullptr) ++missing;
    const RecordWrite w = record_write(s != nullptr ? s->outcome : ItemOutcome::Unconfirmed, item.deletion);
    StatementScope scope(upsert);
    upsert.bind_text_static(2, item.crm_id);
    upsert.bind_text_static(3, item.payload_hash);
    // On insert, a record never confirmed before has no confirmed hash unless this settlement confirms it.
    if (w.replace_confirmed && !w.confirmed_is_null) {
      upsert.bind_text_static(4, item.payload_hash);
    } else {
      upsert.bind_null(4);
    }
    upsert.bind_int(5, w.replace_confirmed ? 1 : 0);
    upsert.bind_int(6, state_codes::outcome_code(w.outcome));
    upsert.bind_text_static(7, item.stream);
    upsert.bind_text_static(10, s != nullptr ? std::string_view(s->detail) : std::string_view(missing_detail));
    upsert.run();
  }
  auto& drop_items = impl_->statement(kDropItemsSql, "removing a batch from the journal");
  {
    StatementScope scope(drop_items);
    drop_items.bind_int(1, batch_id);
    drop_items.run();
  }
  auto& drop_batch = impl_->statement(kDropBatchSql, "removing a batch from the journal");
  {
    StatementScope scope(drop_batch);
    drop_batch.bind_int(1, batch_id);
    drop_batch.run();
  }
  fault_point("state-write");  // inside the transaction: the file keeps an unfinished one
  tx.commit();
  if (missing > 0) {
    log_warn("state.settle_incomplete", "settled a batch without an outcome for some items; they stay unconfirmed",
             {{"batch_id", batch_id}, {"task_id", task_id}, {"items_without_outcome", missing}});
  }
}

std::vector<PendingBatch> StateStore::pending_batches() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  Transaction tx(impl_->db, Transaction::Kind::Deferred);
  std::vector<PendingBatch> out;
  {
    auto& st = impl_->statement(
        "SELECT batch_id, run_id, type, task_id, created_at FROM batches ORDER BY batch_id", "reading the journal");
    StatementScope scope(st);
    while (st.step()) {
      PendingBatch b;
      b.batch_id = st.column_int(0);
      b.run_id = st.column_text(1);
      b.type = state_codes::type_from_code(st.column_int(2), path());
      b.task_id = st.column_text(3);
      b.created_at = st.column_int(4);
      out.push_back(std::move(b));
    }
  }
  for (auto& b : out) b.items = read_items(*impl_, b.batch_id);
  tx.commit();
  return out;
}

void StateStore::abandon_batch(int64_t batch_id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->require_writable("abandoning a batch");
  Transaction tx(impl_->db, Transaction::Kind::Immediate);
  auto& drop_batch = impl_->statement(kDropBatchSql, "removing a batch from the journal");
  {
    StatementScope scope(drop_batch);
    drop_batch.bind_int(1, batch_id);
    drop_batch.run();
  }
  if (impl_->db.changes() == 0) throw StateError(not_in_journal(path(), batch_id));
  auto& drop_items = impl_->statement(kDropItemsSql, "removing a batch from the journal");
  StatementScope scope(drop_items);
  drop_items.bind_int(1, batch_id);
  drop_items.run();
  tx.commit();
}

}  // namespace zra
