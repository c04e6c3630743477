#include "core/engine/record_planner.h"

#include <map>

#include "core/common/log.h"
#include "core/engine/dependency_blocking.h"
#include "core/state/state_store.h"

namespace zra {
namespace {

// Walks the state's records of one type in crm_id order, a page at a time.
class StateCursor {
 public:
  StateCursor(StateStore& state, ObjectType type, size_t page) : state_(state), type_(type), limit_(page) {}
  // The current record, or null at the end. Valid until pop().
  const StoredRecord* peek() {
    if (pos_ < filled_) return &page_[pos_];
    if (ended_) return nullptr;
    const std::string* after = started_ ? &page_[filled_ - 1].crm_id : nullptr;
    std::string last = after != nullptr ? *after : std::string();
    filled_ = state_.read_records_page(type_, started_ ? &last : nullptr, limit_, page_);
    started_ = true;
    pos_ = 0;
    if (filled_ < limit_) ended_ = true;
    return filled_ > 0 ? &page_[0] : nullptr;
  }
  void pop() { ++pos_; }

 private:
  StateStore& state_;
  ObjectType type_;
  size_t limit_;
  std::vector<StoredRecord> page_;
  size_t filled_ = 0, pos_ = 0;
  bool started_ = false, ended_ = false;
};

}  // namespace

std::map<ObjectType, std::unique_ptr<RecordSource>> PlannedSends::take_records() {
  std::map<ObjectType, std::unique_ptr<RecordSource>> out;
  for (auto& [type, list] : records) {
    if (list && list->size() > 0) out[type] = list->drain();
  }
  records.clear();
  return out;
}

std::unique_ptr<RecordSource> PlannedSends::take_deletions(ObjectType type) {
  auto it = deletions.find(type);
  if (it == deletions.end()) return nullptr;
  std::vector<std::unique_ptr<RecordSource>> parts;
  for (auto& list : it->second) {
    if (list->size() > 0) parts.push_back(list->drain());
  }
  deletions.erase(it);
  if (parts.empty()) return nullptr;
  return std::make_unique<ConcatRecordSource>(std::move(parts));
}

DuplicateResolver::DuplicateResolver(RecordSource& sorted, ObjectType type, RunReport& report)
    : in_(sorted), type_(type), report_(report) {}

void DuplicateResolver::fold(PlannedRecord& kept, PlannedRecord& rec) {
  // The same CRM id twice in one run: keep the newer modify_time (the later one on a tie).
  const bool newer_wins = compare_modify_time(rec.modify_time, kept.modify_time) >= 0;
  const PlannedRecord& loser = newer_wins ? kept : rec;
  const PlannedRecord& winner = newer_wins ? rec : kept;
  const ObjectTypeSpec& spec = object_spec(type_);
  report_.add_failure({std::string(spec.name), loser.crm_id, loser.source, loser.stream, loser.locator,
                       Phase::Validation, std::string(spec.id_field),
                       "duplicate " + std::string(spec.id_field) + " '" + loser.crm_id + "': superseded by " +
                           winner.locator + " (modify_time " + winner.modify_time + " vs " + loser.modify_time + ")",
                       ""});
  report_.update(type_, [](TypeCounts& c) { c.duplicates++; });
  if (newer_wins) kept = std::move(rec);
}

bool DuplicateResolver::next(PlannedRecord& out) {
  if (!primed_) {
    primed_ = true;
    has_pending_ = in_.next(pending_);
  }
  if (!has_pending_) return false;
  out = std::move(pending_);
  while ((has_pending_ = in_.next(pending_))) {
    if (pending_.crm_id != out.crm_id) return true;
    fold(out, pending_);
  }
  return true;
}

RunPlanner::RunPlanner(StateStore* state, Clock& clock, ChangePolicy policy, RunReport& report,
                       FailureCauses& causes, SpoolDirectory& dir, PlannerLimits limits)
    : state_(state), detector_(clock, policy), report_(report), causes_(causes), dir_(dir), limits_(limits) {}

PlannedSends RunPlanner::plan(RecordSpool& spool, const std::vector<StreamOutcome>& streams, bool allow_mass_delete) {
  PlannedSends out;
  std::vector<MirrorTally> tallies(streams.size());
  // In dependency order, so a contact ZRA still rejects blocks its deals before anything is planned.
  for (ObjectType t : {ObjectType::Account, ObjectType::Contact, ObjectType::Deal, ObjectType::Lead}) {
    bool mirror = false;
    for (const auto& s : streams) mirror = mirror || (s.type == t && mirror_deletes_allowed(s));
    if (spool.count(t) == 0 && !(mirror && state_ != nullptr)) continue;
    auto sorted = spool.sorted(t);
    plan_type(t, *sorted, streams, tallies, out);
  }
  if (state_ != nullptr) check_mirror_deletes(streams, tallies, report_, allow_mass_delete);
  return out;
}

void RunPlanner::plan_type(ObjectType type, RecordSource& sorted, const std::vector<StreamOutcome>& streams,
                           std::vector<MirrorTally>& tallies, PlannedSends& out) {
  const auto started = std::chrono::steady_clock::now();
  auto& send = out.records[type];
  send = std::make_unique<RecordList>(dir_, *out.origins, "send-" + std::string(to_string(type)),
                                      limits_.send_list_bytes);
  // Mirror streams of this type whose vanished ids may be deleted, by stream name (the state keeps the name).
  std::map<std::string, size_t> mirror_streams;
  std::map<size_t, std::unique_ptr<RecordList>> deletions;
  for (size_t i = 0; i < streams.size(); ++i) {
    if (streams[i].type == type && mirror_deletes_allowed(streams[i])) mirror_streams.emplace(streams[i].stream, i);
  }
  // A state row: counted for the guard when ZRA holds it; a deletion when the read did not produce it.
  auto tally = [&](const StoredRecord& row, bool seen) {
    if (mirror_streams.empty() || row.state.confirmed_hash.empty()) return;
    auto it = mirror_streams.find(row.state.stream);
    if (it == mirror_streams.end()) return;
    MirrorTally& t = tallies[it->second];
    t.confirmed++;
    if (seen) return;
    t.vanished++;
    const StreamOutcome& s = streams[it->second];
    auto& list = deletions[it->second];
    if (!list) {
      list = std::make_unique<RecordList>(dir_, *out.origins, "delete-" + std::string(to_string(type)),
                                          limits_.deletion_list_bytes);
    }
    if (limits_.keep_sends) list->append(deletion_record(type, row.crm_id, s.source, s.stream, state_->hash_scheme()));
  };

  std::unique_ptr<StateCursor> cursor;
  if (state_ != nullptr) cursor = std::make_unique<StateCursor>(*state_, type, limits_.state_page);
  auto& causes = causes_[type];
  DuplicateResolver records(sorted, type, report_);
  TypeCounts add;
  int64_t decided = 0;
  PlannedRecord rec;
  while (records.next(rec)) {
    ++decided;
    const StoredRecord* known = nullptr;
    if (cursor) {
      const StoredRecord* row = cursor->peek();
      for (; row != nullptr && row->crm_id < rec.crm_id; row = cursor->peek()) {
        tally(*row, false);
        cursor->pop();
      }
      if (row != nullptr && row->crm_id == rec.crm_id) known = row;
    }
    if (known != nullptr) tally(*known, true);
    if (!block_if_dependency_failed(type, rec, causes_, report_) &&
        detector_.decide(type, rec, known != nullptr ? &known->state : nullptr, add, report_, causes) &&
        limits_.keep_sends) {
      send->append(std::move(rec));
    }
    if (known != nullptr) cursor->pop();
  }
  if (cursor) {
    for (const StoredRecord* row = cursor->peek(); row != nullptr; row = cursor->peek()) {
      tally(*row, false);
      cursor->pop();
    }
  }
  auto& dels = out.deletions[type];
  for (auto& [index, list] : deletions) dels.push_back(std::move(list));

  report_.update(type, [&](TypeCounts& c) {
    c.new_records += add.new_records;
    c.changed += add.changed;
    c.unchanged += add.unchanged;
    c.retried += add.retried;
    c.still_rejected += add.still_rejected;
    c.to_delete += add.to_delete;
  });
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  out.decision_time[type] = took;
  log_info("state.decided",
           "decided " + std::to_string(decided) + " " + std::string(object_spec(type).plural) + " against the state",
           {{"type", to_string(type)}, {"records", decided}, {"to_send", add.new_records + add.changed + add.retried + add.to_delete},
            {"seconds", took.count()}, {"with_state", state_ != nullptr}});
}

}  // namespace zra
