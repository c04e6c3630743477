#pragma once
// The tables a person reads: the plan of a dry run and the summary at the end of a run.
#include <iosfwd>
#include <string>

#include "core/common/rate_spec.h"
#include "core/report/run_report.h"

namespace zra {

struct PlanEstimate {
  size_t batch_size = 2000;
  RateSpec import_rate;       // RESOURCE-INTENSIVE limit in force
  std::string plan_name;      // "business"
};

// Per type: new, changed, unchanged, to delete, invalid, import calls; then the total of import calls and
// the minimum time the import rate limit implies.
void print_plan(std::ostream& out, const RunReport& report, const PlanEstimate& estimate);
// Per type: read, sent, confirmed, rejected, failed before sending, import calls; the exit code's meaning.
void print_summary(std::ostream& out, const RunReport& report, int exit_code, const std::string& report_path);

// ceil(n / batch_size)
int64_t import_calls_for(int64_t records, size_t batch_size);

}  // namespace zra
