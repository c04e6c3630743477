#pragma once
// Decides which records must be sent, from the hash of the payload ZRA last confirmed (state store):
// unchanged confirmed records cost nothing; new, changed and unconfirmed ones are sent; ones ZRA rejected
// are resent only when they change, on --retry-rejected, or after retry_rejected_after.
#include <string>
#include <unordered_map>
#include <vector>

#include "core/common/clock.h"
#include "core/engine/planned_record.h"
#include "core/report/run_report.h"

namespace zra {

class StateStore;

struct ChangePolicy {
  bool full = false;            // --full: send everything
  bool retry_rejected = false;  // --retry-rejected
  double retry_rejected_after_s = 86400;
};

class ChangeDetector {
 public:
  // `state` may be null (no state yet, e.g. a dry run before the first run): everything is new.
  ChangeDetector(StateStore* state, Clock& clock, ChangePolicy policy);
  // Keeps in `records` only what must be sent, and counts new/changed/unchanged/retried/still_rejected.
  // A still-rejected record is reported (phase remote) so the admin sees it is not in ZRA.
  // Still-rejected records become failure causes, so records referencing them are not sent either.
  void filter(ObjectType type, std::vector<PlannedRecord>& records, RunReport& report,
              std::unordered_map<std::string, std::string>& causes);

 private:
  StateStore* state_;
  Clock& clock_;
  ChangePolicy policy_;
};

}  // namespace zra
