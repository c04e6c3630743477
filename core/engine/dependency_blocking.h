#pragma once
// A record that names a record which failed in this run (invalid, rejected, blocked in turn) is not sent:
// ZRA would reject it or link it to nothing. It is reported (phase dependency, quoting the root cause)
// and becomes a failure cause itself, so the chain account -> contact -> deal is followed.
#include "core/engine/planned_record.h"
#include "core/engine/record_collector.h"
#include "core/report/run_report.h"

namespace zra {

// True when `rec` references a failed record: then it is reported, counted dependency_failed, and added
// to `causes`. False (nothing recorded) when it may be sent.
bool block_if_dependency_failed(ObjectType type, const PlannedRecord& rec, FailureCauses& causes, RunReport& report);

}  // namespace zra
