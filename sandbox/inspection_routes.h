#pragma once
// /_sandbox/...: inspection for tests and curious users. No authentication, no faults, no rate limits,
// not counted in /_sandbox/requests.
#include "sandbox/http_message.h"
#include "sandbox/sandbox_context.h"

namespace zra::sandbox {

// GET /_sandbox/state, GET /_sandbox/requests, GET /_sandbox/tasks, POST /_sandbox/reset; 404/405 otherwise.
SandboxResponse handle_inspection(const SandboxRequest& req, SandboxContext& ctx);

}  // namespace zra::sandbox
