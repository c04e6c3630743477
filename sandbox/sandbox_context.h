#pragma once
// The parts of a running sandbox that its routes use; owned by SandboxServer (sandbox_server.cpp).
#include <functional>

#include "sandbox/crm_store.h"
#include "sandbox/fault_injector.h"
#include "sandbox/oauth.h"
#include "sandbox/rate_limits.h"
#include "sandbox/request_log.h"
#include "sandbox/sandbox_server.h"
#include "sandbox/sandbox_time.h"
#include "sandbox/task_runner.h"

namespace zra::sandbox {

struct SandboxContext {
  const SandboxOptions& options;
  const ScaledTime& time;
  CrmStore& store;
  TaskRunner& tasks;
  TokenIssuer& oauth;
  RateLimiter& limiter;
  FaultInjector& faults;
  RequestLog& log;
  std::function<void()> state_changed;  // saves the state file when there is one
  std::function<void()> reset;          // POST /_sandbox/reset
};

}  // namespace zra::sandbox
