#pragma once
// Dispatches a request: /oauth/token, /_sandbox/..., and /v2/... through the pipeline
// faults -> authentication -> route -> rate limit -> handler, recording every /v2 and /oauth request
// (faulted ones too) in the request log. Thread-safe.
#include "sandbox/http_message.h"
#include "sandbox/sandbox_context.h"

namespace zra::sandbox {

class SandboxRouter {
 public:
  explicit SandboxRouter(SandboxContext ctx);
  SandboxResponse handle(const SandboxRequest& req);

 private:
  SandboxResponse handle_v2(const SandboxRequest& req);
  SandboxResponse injected_failure(int status) const;
  SandboxResponse spurious_429(int variant, RateLabel label) const;
  SandboxContext ctx_;
};

}  // namespace zra::sandbox
