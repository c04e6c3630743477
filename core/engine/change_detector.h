#pragma once
// Decides which records must be sent, from the hash of the payload ZRA last confirmed (state store):
// unchanged confirmed records cost nothing; new, changed and unconfirmed ones are sent; ones ZRA rejected
// are resent only when they change, on --retry-rejected, or after retry_rejected_after.
#include <string>
#include <unordered_map>

#include "core/common/clock.h"
#include "core/engine/planned_record.h"
#include "core/report/run_report.h"
#include "core/state/state_store.h"

namespace zra {

struct ChangePolicy {
  bool full = false;            // --full: send everything
  bool retry_rejected = false;  // --retry-rejected
  double retry_rejected_after_s = 86400;
};

class ChangeDetector {
 public:
  ChangeDetector(Clock& clock, ChangePolicy policy);
  // Decides one record given what the state knows of it (`known` null: nothing, or no state at all).
  // Returns true when the record must be sent. Counts the decision in `add` (new_records, changed,
  // unchanged, retried, still_rejected, to_delete). A still-rejected record is reported (phase remote) so
  // the admin sees it is not in ZRA, and becomes a failure cause in `causes`, so records referencing it
  // are not sent either. A deletion of an id ZRA holds no version of is not sent (counted unchanged).
  bool decide(ObjectType type, const PlannedRecord& rec, const RecordState* known, TypeCounts& add,
              RunReport& report, std::unordered_map<std::string, std::string>& causes) const;

 private:
  ChangePolicy policy_;
  int64_t now_s_;  // one instant for the whole run: every record is judged against the same time
};

}  // namespace zra
