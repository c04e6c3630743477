#include "core/engine/run_summary.h"

#include <cmath>
#include <cstdio>
#include <ostream>

namespace zra {

int64_t import_calls_for(int64_t records, size_t batch_size) {
  if (records <= 0 || batch_size == 0) return 0;
  return (records + static_cast<int64_t>(batch_size) - 1) / static_cast<int64_t>(batch_size);
}

namespace {
std::string duration_text(double seconds) {
  char buf[64];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buf, sizeof buf, "%.1f min", seconds / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f h", seconds / 3600);
  }
  return buf;
}
}  // namespace

void print_plan(std::ostream& out, const RunReport& report, const PlanEstimate& estimate) {
  out << "Plan (dry run: nothing is sent)\n";
  out << "type             new    changed  unchanged  to delete    invalid  dependency  import calls\n";
  int64_t total_calls = 0;
  for (ObjectType t : kAllObjectTypes) {
    TypeCounts c = report.counts(t);
    int64_t to_send = c.new_records + c.changed + c.retried;
    int64_t calls = import_calls_for(to_send, estimate.batch_size) + import_calls_for(c.to_delete, estimate.batch_size);
    total_calls += calls;
    int64_t invalid = c.invalid + c.duplicates + (c.read - c.mapped - c.invalid);
    char buf[200];
    std::snprintf(buf, sizeof buf, "%-9s %10lld %10lld %10lld %10lld %10lld %11lld %13lld\n",
                  std::string(to_string(t)).c_str(), static_cast<long long>(c.new_records),
                  static_cast<long long>(c.changed + c.retried), static_cast<long long>(c.unchanged + c.still_rejected),
                  static_cast<long long>(c.to_delete), static_cast<long long>(invalid),
                  static_cast<long long>(c.dependency_failed), static_cast<long long>(calls));
    out << buf;
  }
  double per_call_s = estimate.import_rate.count > 0 ? estimate.import_rate.per_seconds / estimate.import_rate.count : 0;
  // The first `count` calls of a window go at once; the rest wait for the window.
  double seconds = total_calls <= estimate.import_rate.count ? 0 : (total_calls - estimate.import_rate.count) * per_call_s;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "import calls: %lld (batch size %zu); at the %s plan's %g calls per %g s the imports need at least %s\n",
                static_cast<long long>(total_calls), estimate.batch_size, estimate.plan_name.c_str(),
                estimate.import_rate.count, estimate.import_rate.per_seconds, duration_text(seconds).c_str());
  out << buf;
  int64_t failures = report.failure_count();
  if (failures > 0) out << failures << " record(s) would fail before sending (see the report for each)\n";
}

void print_summary(std::ostream& out, const RunReport& report, int exit_code, const std::string& report_path) {
  out << "type           read       sent  confirmed   rejected  unchanged  not sent  import calls\n";
  for (ObjectType t : kAllObjectTypes) {
    TypeCounts c = report.counts(t);
    int64_t not_sent = (c.read - c.mapped) + c.duplicates + c.dependency_failed + c.still_rejected;
    char buf[200];
    std::snprintf(buf, sizeof buf, "%-9s %9lld %10lld %10lld %10lld %10lld %9lld %13lld\n",
                  std::string(to_string(t)).c_str(), static_cast<long long>(c.read), static_cast<long long>(c.sent),
                  static_cast<long long>(c.confirmed), static_cast<long long>(c.rejected),
                  static_cast<long long>(c.unchanged), static_cast<long long>(not_sent),
                  static_cast<long long>(c.import_calls));
    out << buf;
  }
  const char* meaning = exit_code == 0   ? "everything confirmed"
                        : exit_code == 1 ? "finished, some records failed"
                        : exit_code == 3 ? "stopped by a fatal error"
                        : exit_code == 130 ? "interrupted"
                                           : "error";
  out << "exit " << exit_code << " (" << meaning << "); " << report.failure_count() << " failed record(s)\n";
  out << "report: " << report_path << "\n";
}

}  // namespace zra
