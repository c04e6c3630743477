#include "sandbox/inspection_routes.h"

namespace zra::sandbox {

SandboxResponse handle_inspection(const SandboxRequest& req, SandboxContext& ctx) {
  const std::string& p = req.path;
  bool known = p == "/_sandbox/state" || p == "/_sandbox/requests" || p == "/_sandbox/tasks" || p == "/_sandbox/reset";
  if (!known) return SandboxResponse::error(404, 404, "No such sandbox endpoint: " + p.substr(0, 200));
  bool is_reset = p == "/_sandbox/reset";
  if (req.method != (is_reset ? "POST" : "GET")) {
    SandboxResponse r = SandboxResponse::error(405, 405, "Method not allowed: use " + std::string(is_reset ? "POST" : "GET"));
    r.add_header("Allow", is_reset ? "POST" : "GET");
    return r;
  }
  if (p == "/_sandbox/state") return SandboxResponse::json(200, ctx.store.state());
  if (p == "/_sandbox/requests") return SandboxResponse::json(200, ctx.log.summary());
  if (p == "/_sandbox/tasks") return SandboxResponse::json(200, {{"tasks", ctx.tasks.internals()}});
  ctx.reset();
  return SandboxResponse::json(200, {{"reset", true}});
}

}  // namespace zra::sandbox
