#include "core/engine/change_detector.h"

#include <chrono>

namespace zra {

ChangeDetector::ChangeDetector(Clock& clock, ChangePolicy policy)
    : policy_(policy),
      now_s_(std::chrono::duration_cast<std::chrono::seconds>(clock.wall_now().time_since_epoch()).count()) {}

bool ChangeDetector::decide(ObjectType type, const PlannedRecord& rec, const RecordState* known, TypeCounts& add,
                            RunReport& report, std::unordered_map<std::string, std::string>& causes) const {
  if (rec.deletion) {
    // Deleting what ZRA never confirmed (or already deleted) has nothing to do.
    const bool confirmed = known != nullptr && !known->confirmed_hash.empty();
    if (!confirmed && !policy_.full) {
      add.unchanged++;
      return false;
    }
    add.to_delete++;
    return true;
  }
  if (known == nullptr) {
    add.new_records++;
    return true;
  }
  const bool same = known->payload_hash == rec.hash;
  if (policy_.full) {  // --full resends all, counted as changed
    add.changed++;
    return true;
  }
  if (same && known->outcome == RecordOutcome::Confirmed) {
    add.unchanged++;
    return false;
  }
  if (same && known->outcome == RecordOutcome::Rejected) {
    const bool expired = now_s_ - known->updated_at >= static_cast<int64_t>(policy_.retry_rejected_after_s);
    if (policy_.retry_rejected || expired) {
      add.retried++;
      return true;
    }
    add.still_rejected++;
    causes.emplace(rec.crm_id, "rejected by ZRA in run " + known->run_id + ": " + known->detail);
    report.add_failure({std::string(to_string(type)), rec.crm_id, rec.source, rec.stream, rec.locator, Phase::Remote,
                        "",
                        "rejected by ZRA in run " + known->run_id + ": " + known->detail +
                            " (unchanged since; resent when it changes, with --retry-rejected, or after "
                            "retry_rejected_after)",
                        known->task_id});
    return false;
  }
  add.changed++;
  return true;
}

}  // namespace zra
