#include "core/engine/change_detector.h"

#include <chrono>

#include "core/state/state_store.h"

namespace zra {
namespace {
constexpr size_t kLookupChunk = 1000;
}

ChangeDetector::ChangeDetector(StateStore* state, Clock& clock, ChangePolicy policy)
    : state_(state), clock_(clock), policy_(policy) {}

void ChangeDetector::filter(ObjectType type, std::vector<PlannedRecord>& records, RunReport& report,
                            std::unordered_map<std::string, std::string>& causes) {
  TypeCounts add;
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.wall_now().time_since_epoch()).count();
  std::vector<PlannedRecord> keep;
  keep.reserve(records.size());
  std::vector<std::string> ids;
  for (size_t start = 0; start < records.size(); start += kLookupChunk) {
    size_t end = std::min(records.size(), start + kLookupChunk);
    ids.clear();
    for (size_t i = start; i < end; ++i) ids.push_back(records[i].crm_id);
    std::vector<std::optional<RecordState>> known;
    if (state_ != nullptr) known = state_->lookup(type, ids);
    for (size_t i = start; i < end; ++i) {
      PlannedRecord& rec = records[i];
      const std::optional<RecordState>* st = state_ != nullptr ? &known[i - start] : nullptr;
      bool exists = st != nullptr && st->has_value();
      if (rec.deletion) {
        // Deleting what ZRA never confirmed (or already deleted) has nothing to do.
        bool confirmed = exists && !(*st)->confirmed_hash.empty();
        if (!confirmed && !policy_.full) {
          add.unchanged++;
          continue;
        }
        add.to_delete++;
        keep.push_back(std::move(rec));
        continue;
      }
      if (!exists) {
        add.new_records++;
        keep.push_back(std::move(rec));
        continue;
      }
      const RecordState& s = **st;
      bool same = s.payload_hash == rec.hash;
      if (policy_.full) {  // --full resends all, counted as changed
        add.changed++;
        keep.push_back(std::move(rec));
      } else if (same && s.outcome == RecordOutcome::Confirmed) {
        add.unchanged++;
      } else if (same && s.outcome == RecordOutcome::Rejected) {
        bool expired = now - s.updated_at >= static_cast<int64_t>(policy_.retry_rejected_after_s);
        if (policy_.retry_rejected || expired) {
          add.retried++;
          keep.push_back(std::move(rec));
        } else {
          add.still_rejected++;
          causes.emplace(rec.crm_id, "rejected by ZRA in run " + s.run_id + ": " + s.detail);
          report.add_failure({std::string(to_string(type)), rec.crm_id, rec.source, rec.stream, rec.locator,
                              Phase::Remote, "",
                              "rejected by ZRA in run " + s.run_id + ": " + s.detail +
                                  " (unchanged since; resent when it changes, with --retry-rejected, or after "
                                  "retry_rejected_after)",
                              s.task_id});
        }
      } else {
        add.changed++;
        keep.push_back(std::move(rec));
      }
    }
  }
  records = std::move(keep);
  report.update(type, [&](TypeCounts& c) {
    c.new_records += add.new_records;
    c.changed += add.changed;
    c.unchanged += add.unchanged;
    c.retried += add.retried;
    c.still_rejected += add.still_rejected;
    c.to_delete += add.to_delete;
  });
}

}  // namespace zra
