#include "core/common/clock.h"

#include <random>
#include <thread>

namespace zra {
namespace {
class SystemClock final : public Clock {
 public:
  WallTime wall_now() override { return std::chrono::system_clock::now(); }
  Instant now() override { return std::chrono::steady_clock::now(); }
  void sleep_for(std::chrono::nanoseconds d) override {
    if (d.count() > 0) std::this_thread::sleep_for(d);
  }
};

class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : gen_(seed) {}
  double uniform() override {
    std::lock_guard<std::mutex> lock(mu_);
    return std::uniform_real_distribution<double>(0.0, 1.0)(gen_);
  }

 private:
  std::mutex mu_;
  std::mt19937_64 gen_;
};
}  // namespace

Clock& system_clock() {
  static SystemClock clock;
  return clock;
}

ManualClock::ManualClock(WallTime start) : wall_(start), mono_(Instant(std::chrono::hours(1))) {}

Clock::WallTime ManualClock::wall_now() {
  std::lock_guard<std::mutex> lock(mu_);
  return wall_;
}

Clock::Instant ManualClock::now() {
  std::lock_guard<std::mutex> lock(mu_);
  return mono_;
}

void ManualClock::sleep_for(std::chrono::nanoseconds d) {
  if (d.count() <= 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  mono_ += d;
  slept_ += d;
}

void ManualClock::advance(std::chrono::nanoseconds d) {
  std::lock_guard<std::mutex> lock(mu_);
  wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
  mono_ += d;
}

std::chrono::nanoseconds ManualClock::slept() const {
  std::lock_guard<std::mutex> lock(mu_);
  return slept_;
}

std::unique_ptr<RandomSource> make_random_source(uint64_t seed) { return std::make_unique<SeededRandom>(seed); }

}  // namespace zra
