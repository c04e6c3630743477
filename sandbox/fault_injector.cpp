#include "sandbox/fault_injector.h"

namespace zra::sandbox {

namespace {
// Task faults use a sequence of their own, derived from the seed.
constexpr uint64_t kTaskSeedSalt = 0x9E3779B97F4A7C15ULL;
}  // namespace

FaultInjector::FaultInjector(FaultRates rates, uint64_t seed)
    : rates_(rates), seed_(seed), requests_(seed), tasks_(seed ^ kTaskSeedSalt) {}

double FaultInjector::draw(std::mt19937_64& gen) {
  // Not std::uniform_real_distribution: its output is implementation-defined, this is the same everywhere.
  return static_cast<double>(gen() >> 11) * (1.0 / 9007199254740992.0);
}

FaultPlan FaultInjector::next_request() {
  std::lock_guard<std::mutex> lock(mu_);
  double d_drop = draw(requests_);
  double d_fail = draw(requests_);
  double d_fail_kind = draw(requests_);
  double d_slow = draw(requests_);
  double d_429 = draw(requests_);
  double d_429_kind = draw(requests_);
  FaultPlan plan;
  plan.slow = d_slow < rates_.slow;
  if (d_drop < rates_.drop) {
    plan.kind = FaultKind::Drop;
  } else if (d_fail < rates_.fail) {
    plan.kind = FaultKind::Fail;
    static constexpr int kStatuses[] = {500, 502, 503};
    plan.fail_status = kStatuses[static_cast<int>(d_fail_kind * 3) % 3];
  } else if (d_429 < rates_.rate_429) {
    plan.kind = FaultKind::Spurious429;
    plan.variant = static_cast<int>(d_429_kind * 3) % 3;
  }
  return plan;
}

bool FaultInjector::next_task_fails() {
  std::lock_guard<std::mutex> lock(mu_);
  return draw(tasks_) < rates_.task_fail;
}

void FaultInjector::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.seed(seed_);
  tasks_.seed(seed_ ^ kTaskSeedSalt);
}

}  // namespace zra::sandbox
