// What `zra-sync state show|failed|forget|export` needs.
#include "core/common/errors.h"
#include "core/state/json_text.h"
#include "core/state/state_codes.h"
#include "core/state/state_store.h"
#include "core/state/state_store_impl.h"

namespace zra {

using state_sqlite::StatementScope;
using state_sqlite::Transaction;

namespace {

constexpr const char kFirstFailedPageSql[] =
    "SELECT crm_id, " ZRA_RECORD_STATE_COLUMNS " FROM records WHERE type = ?1 AND outcome IN (1, 2) "
    "AND crm_id >= ?2 ORDER BY crm_id LIMIT ?3";
constexpr const char kNextFailedPageSql[] =
    "SELECT crm_id, " ZRA_RECORD_STATE_COLUMNS " FROM records WHERE type = ?1 AND outcome IN (1, 2) "
    "AND crm_id > ?2 ORDER BY crm_id LIMIT ?3";
static_assert(static_cast<int>(RecordOutcome::Rejected) == 1 && static_cast<int>(RecordOutcome::Unconfirmed) == 2,
              "kFirstFailedPageSql names the outcome codes of Rejected and Unconfirmed");

}  // namespace

OutcomeCounts StateStore::counts() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto& st = impl_->statement("SELECT type, outcome, count(*) FROM records GROUP BY type, outcome",
                              "counting records");
  StatementScope scope(st);
  OutcomeCounts out;
  while (st.step()) {
    const ObjectType type = state_codes::type_from_code(st.column_int(0), path());
    const RecordOutcome outcome = state_codes::outcome_from_code(st.column_int(1), path());
    out.counts[std::string(to_string(type))][std::string(to_string(outcome))] = st.column_int(2);
  }
  return out;
}

void StateStore::for_each_failed(
    const std::function<void(ObjectType, const std::string& crm_id, const RecordState&)>& fn) {
  std::vector<std::pair<std::string, RecordState>> page;
  for (ObjectType type : kAllObjectTypes) {
    std::string after;
    bool first = true;
    for (;;) {
      page.clear();
      {
        std::lock_guard<std::mutex> lock(impl_->mu);
        auto& st = impl_->statement(first ? kFirstFailedPageSql : kNextFailedPageSql, "listing failed records");
        StatementScope scope(st);
        st.bind_int(1, state_codes::type_code(type));
        st.bind_text(2, after);
        st.bind_int(3, kPageSize);
        while (st.step()) page.emplace_back(st.column_text(0), read_record_state(st, 1, path()));
      }
      for (const auto& [id, state] : page) fn(type, id, state);
      if (page.size() < static_cast<size_t>(kPageSize)) break;
      after = page.back().first;
      first = false;
    }
  }
}

int64_t StateStore::forget(ObjectType type, const std::vector<std::string>& crm_ids) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->require_writable("forgetting records");
  Transaction tx(impl_->db, Transaction::Kind::Immediate);
  auto& st = impl_->statement("DELETE FROM records WHERE type = ?1 AND crm_id = ?2", "forgetting records");
  st.bind_int(1, state_codes::type_code(type));
  int64_t removed = 0;
  for (const auto& id : crm_ids) {
    StatementScope scope(st);
    st.bind_text_static(2, id);
    st.run();
    removed += impl_->db.changes();
  }
  tx.commit();
  return removed;
}

void StateStore::export_jsonl(std::ostream& out) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  // One read transaction: the export is a consistent snapshot even while a run writes.
  Transaction tx(impl_->db, Transaction::Kind::Deferred);
  auto& st = impl_->statement("SELECT type, crm_id, " ZRA_RECORD_STATE_COLUMNS " FROM records ORDER BY type, crm_id",
                              "exporting records");
  StatementScope scope(st);
  // Written by hand (keys sorted, like nlohmann's dump): a JSON DOM per row would cost more than the row.
  std::string line;
  while (st.step()) {
    const RecordState s = read_record_state(st, 2, path());
    line.clear();
    line += "{\"confirmed_hash\":";
    if (s.confirmed_hash.empty()) {
      line += "null";
    } else {
      state_json::append_string(line, s.confirmed_hash);
    }
    line += ",\"crm_id\":";
    state_json::append_string(line, st.column_view(1));
    line += ",\"detail\":";
    state_json::append_string(line, s.detail);
    line += ",\"outcome\":";
    state_json::append_string(line, to_string(s.outcome));
    line += ",\"payload_hash\":";
    state_json::append_string(line, s.payload_hash);
    line += ",\"run_id\":";
    state_json::append_string(line, s.run_id);
    line += ",\"stream\":";
    state_json::append_string(line, s.stream);
    line += ",\"task_id\":";
    state_json::append_string(line, s.task_id);
    line += ",\"type\":";
    state_json::append_string(line, to_string(state_codes::type_from_code(st.column_int(0), path())));
    line += ",\"updated_at\":" + std::to_string(s.updated_at) + "}\n";
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
    if (!out) throw Error("exporting state file " + path() + ": writing the output failed");
  }
  tx.commit();
}

}  // namespace zra
