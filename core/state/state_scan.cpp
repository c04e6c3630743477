// StateStore: the ordered page reads change detection merge-joins with the run's sorted records.
#include "core/state/state_codes.h"
#include "core/state/state_store.h"
#include "core/state/state_store_impl.h"

namespace zra {

using state_sqlite::SqliteStatement;
using state_sqlite::StatementScope;

namespace {

// Two statements rather than `(?2 IS NULL OR crm_id > ?2)`, which would stop SQLite using the key range.
// The primary key (type, crm_id) of the WITHOUT ROWID table is the B-tree itself: rows come in key order.
constexpr const char kFirstPageSql[] =
    "SELECT crm_id, " ZRA_RECORD_STATE_COLUMNS " FROM records WHERE type = ?1 ORDER BY crm_id LIMIT ?3";
constexpr const char kNextPageSql[] =
    "SELECT crm_id, " ZRA_RECORD_STATE_COLUMNS " FROM records WHERE type = ?1 AND crm_id > ?2 ORDER BY crm_id "
    "LIMIT ?3";

void assign(std::string& out, std::string_view v) { out.assign(v.data(), v.size()); }

}  // namespace

size_t StateStore::read_records_page(ObjectType type, const std::string* after, size_t limit,
                                     std::vector<StoredRecord>& page) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto& st = impl_->statement(after == nullptr ? kFirstPageSql : kNextPageSql, "reading records in order");
  StatementScope scope(st);
  st.bind_int(1, state_codes::type_code(type));
  if (after != nullptr) st.bind_text(2, *after);
  st.bind_int(3, static_cast<int64_t>(limit));
  size_t n = 0;
  while (st.step()) {
    if (page.size() <= n) page.emplace_back();
    StoredRecord& r = page[n++];
    assign(r.crm_id, st.column_view(0));
    assign(r.state.payload_hash, st.column_view(1));
    r.state.outcome = state_codes::outcome_from_code(st.column_int(2), impl_->db.path());
    assign(r.state.confirmed_hash, st.column_view(3));
    assign(r.state.stream, st.column_view(4));
    assign(r.state.run_id, st.column_view(5));
    assign(r.state.task_id, st.column_view(6));
    assign(r.state.detail, st.column_view(7));
    r.state.updated_at = st.column_int(8);
  }
  return n;
}

}  // namespace zra
