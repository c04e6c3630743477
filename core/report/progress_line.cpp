#include "core/report/progress_line.h"

#include <cmath>
#include <cstdio>
#include <ostream>

#include <sys/ioctl.h>
#include <unistd.h>

#include "core/common/log.h"

namespace zra {
namespace {

constexpr const char* kClearToEndOfLine = "\x1b[K";

int64_t done_of(const std::map<std::string, TypeProgress>& by_type) {
  int64_t done = 0;
  for (const auto& [type, p] : by_type) done += p.confirmed + p.failed;
  return done;
}

std::string format_rate(double records_per_s) {
  char buf[32];
  // One decimal below 10/s, so a slow trickle does not read as 0.
  if (records_per_s < 10) std::snprintf(buf, sizeof buf, "%.1f", records_per_s);
  else std::snprintf(buf, sizeof buf, "%.0f", records_per_s);
  return buf;
}

// The terminal's width, or 0 when stderr is not a terminal (or does not say).
size_t terminal_columns() {
  winsize ws{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) != 0) return 0;
  return ws.ws_col;
}

}  // namespace

std::string format_eta(double seconds) {
  if (!(seconds > 0)) return "0s";
  const int64_t s = static_cast<int64_t>(std::ceil(seconds));
  char buf[48];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>((s % 3600) / 60));
  }
  return buf;
}

std::string render_progress_line(const std::map<std::string, TypeProgress>& by_type, double records_per_s,
                                 double import_calls_per_min_limit, int64_t import_calls_left) {
  std::string line;
  for (const auto& [type, p] : by_type) {
    line += type + " read " + std::to_string(p.read) + " sent " + std::to_string(p.sent) + " ok " +
            std::to_string(p.confirmed) + " fail " + std::to_string(p.failed) + " | ";
  }
  line += format_rate(records_per_s < 0 ? 0 : records_per_s) + " rec/s | ETA ";
  if (import_calls_per_min_limit > 0 && import_calls_left >= 0) {
    line += format_eta(static_cast<double>(import_calls_left) / import_calls_per_min_limit * 60.0);
  } else {
    line += "?";
  }
  return line;
}

ProgressLine::ProgressLine(std::ostream& out, bool enabled, Clock& clock)
    : out_(out), enabled_(enabled), clock_(clock) {}

ProgressLine::~ProgressLine() {
  // finish() only writes to a stream; a failed stream sets its state and does not throw by default.
  finish();
}

void ProgressLine::update(const std::map<std::string, TypeProgress>& by_type, double import_calls_per_min_limit,
                          int64_t import_calls_left) {
  if (!enabled_ || finished_) return;
  latest_ = by_type;
  per_min_limit_ = import_calls_per_min_limit;
  calls_left_ = import_calls_left;
  const Clock::Instant now = clock_.now();
  if (drawn_ && now - last_draw_ < kMinRedrawInterval) {
    pending_ = true;
    return;
  }
  draw(now);
}

void ProgressLine::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  if (!drawn_) return;
  if (pending_) draw(clock_.now());
  out_ << "\n" << std::flush;
  set_status_line_active(false);
}

void ProgressLine::draw(Clock::Instant now) {
  const int64_t done = done_of(latest_);
  done_samples_.emplace_back(now, done);
  // Keep the newest sample at or before the window's start, so the rate always spans the full window.
  while (done_samples_.size() > 2 && done_samples_[1].first <= now - kRateWindow) done_samples_.pop_front();
  double rate = 0;
  const auto& [t0, done0] = done_samples_.front();
  const double elapsed = std::chrono::duration<double>(now - t0).count();
  if (elapsed > 0) rate = static_cast<double>(done - done0) / elapsed;
  std::string line = render_progress_line(latest_, rate, per_min_limit_, calls_left_);
  // A line wider than the terminal would wrap, and "\r" would then redraw only its last row.
  if (size_t cols = terminal_columns(); cols > 1 && line.size() >= cols) line.resize(cols - 1);
  out_ << "\r" << line << kClearToEndOfLine << std::flush;
  set_status_line_active(true);
  drawn_ = true;
  pending_ = false;
  last_draw_ = now;
}

}  // namespace zra
