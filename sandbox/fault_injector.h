#pragma once
// Seeded fault injection for /v2 requests and import tasks. For a given seed and the same order of
// requests the same faults happen: every request draws the same number of values whatever the rates.
// Thread-safe.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

namespace zra::sandbox {

struct FaultRates {
  double fail = 0;       // answer 500/502/503
  double drop = 0;       // close without answering
  double slow = 0;       // delay the answer by slow_ms
  double slow_ms = 2000; // server milliseconds
  double task_fail = 0;  // the task ends FAILED
  double rate_429 = 0;   // spurious 429
};

enum class FaultKind { None, Drop, Fail, Spurious429 };

struct FaultPlan {
  FaultKind kind = FaultKind::None;
  int fail_status = 0;      // 500, 502 or 503 for Fail
  int variant = 0;          // for Spurious429: 0 QPS headers + Retry-After seconds, 1 no headers, 2 Retry-After instant
  bool slow = false;        // delay the answer (whatever it is) by slow_ms server milliseconds
};

class FaultInjector {
 public:
  FaultInjector(FaultRates rates, uint64_t seed);
  // The faults of the next /v2 request. Drop wins over Fail, Fail over Spurious429.
  FaultPlan next_request();
  // Whether the next accepted import task fails (its own sequence, so task faults do not shift
  // request faults).
  bool next_task_fails();
  // Starts both sequences again from the seed.
  void reset();
  const FaultRates& rates() const { return rates_; }

 private:
  double draw(std::mt19937_64& gen);
  FaultRates rates_;
  uint64_t seed_;
  std::mutex mu_;
  std::mt19937_64 requests_;
  std::mt19937_64 tasks_;
};

}  // namespace zra::sandbox
