#pragma once
// The live progress line a run shows on a terminal, e.g.
//   account read 1200 sent 1000 ok 990 fail 10 | contact read 300 sent 0 ok 0 fail 0 | 42 rec/s | ETA 3m10s
// redrawn in place ("\r" + line + clear to end of line). The engine creates it with
// enabled = isatty(2) && !--no-progress, so logs and pipes never see it.
#include <chrono>
#include <cstdint>
#include <deque>
#include <iosfwd>
#include <map>
#include <string>
#include <utility>

#include "core/common/clock.h"

namespace zra {

struct TypeProgress {
  int64_t read = 0;       // source rows read
  int64_t sent = 0;       // records sent in import calls
  int64_t confirmed = 0;  // records ZRA confirmed
  int64_t failed = 0;     // records failed in any phase
};

// Renders one line from the counts: types in map order, then the rate, then the ETA
// ("ETA ?" when the limit is not positive or calls_left is negative, i.e. unknown). Pure.
std::string render_progress_line(const std::map<std::string, TypeProgress>& by_type, double records_per_s,
                                 double import_calls_per_min_limit, int64_t import_calls_left);

// "45s", "3m10s", "2h05m": the ETA of `seconds` (rounded up to whole seconds; negative gives "0s").
std::string format_eta(double seconds);

// Not thread-safe: one thread (the one reporting progress) calls update() and finish().
class ProgressLine {
 public:
  // Draws to `out` when `enabled`; otherwise every call is a no-op. `clock` throttles redraws.
  ProgressLine(std::ostream& out, bool enabled, Clock& clock = system_clock());
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  // Ends the line if finish() was not called.
  ~ProgressLine();

  // Records the latest counts and redraws if at least kMinRedrawInterval passed since the last redraw
  // (the first update always draws). ETA = import_calls_left / import_calls_per_min_limit minutes. The
  // rate is records done (confirmed + failed) per second over the last kRateWindow.
  void update(const std::map<std::string, TypeProgress>& by_type, double import_calls_per_min_limit,
              int64_t import_calls_left);
  // Draws the latest counts if an update was throttled, then ends the line with "\n". Idempotent;
  // prints nothing if nothing was ever drawn.
  void finish();

  static constexpr std::chrono::milliseconds kMinRedrawInterval{200};  // at most 5 redraws a second
  static constexpr std::chrono::seconds kRateWindow{10};

 private:
  void draw(Clock::Instant now);

  std::ostream& out_;
  bool enabled_;
  Clock& clock_;
  bool drawn_ = false;
  bool pending_ = false;
  bool finished_ = false;
  Clock::Instant last_draw_{};
  std::map<std::string, TypeProgress> latest_;
  double per_min_limit_ = 0;
  int64_t calls_left_ = -1;
  std::deque<std::pair<Clock::Instant, int64_t>> done_samples_;  // (time, confirmed + failed) at each redraw
};

}  // namespace zra
