#include "sandbox/sandbox_router.h"

#include "sandbox/crm_routes.h"
#include "sandbox/inspection_routes.h"

namespace zra::sandbox {

SandboxRouter::SandboxRouter(SandboxContext ctx) : ctx_(std::move(ctx)) {}

SandboxResponse SandboxRouter::handle(const SandboxRequest& req) {
  const std::string& p = req.path;
  if (p == "/oauth/token") {
    SandboxResponse r = ctx_.oauth.issue(req);
    // Keys of by_endpoint are bounded: a client cannot grow the map with made-up methods.
    std::string endpoint = req.method == "POST" ? "POST /oauth/token" : "(unmatched)";
    ctx_.log.record({req.method.substr(0, 16), p, endpoint, "", std::to_string(r.status), 0, ""});
    return r;
  }
  if (p.compare(0, 10, "/_sandbox/") == 0) return handle_inspection(req, ctx_);
  if (p.compare(0, 4, "/v2/") == 0) return handle_v2(req);
  return SandboxResponse::error(404, 404, "No route: " + req.method.substr(0, 16) + " " + p.substr(0, 200));
}

// The shapes a misbehaving gateway answers with: a JSON 500, an HTML 502, a plain-text 503.
SandboxResponse SandboxRouter::injected_failure(int status) const {
  if (status == 502) {
    SandboxResponse r;
    r.status = 502;
    r.content_type = "text/html";
    r.body = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
             "</center></body></html>\n";
    return r;
  }
  if (status == 503) {
    SandboxResponse r;
    r.status = 503;
    r.content_type = "text/plain";
    r.body = "Service Unavailable\n";
    return r;
  }
  return SandboxResponse::error(500, 500, "Internal Server Error (injected by the sandbox).");
}

SandboxResponse SandboxRouter::spurious_429(int variant, RateLabel label) const {
  std::string message = label == RateLabel::ResourceIntensive
                            ? "You have reached the maximum per-minute rate limit for this API. Try again later."
                            : "You have reached the maximum per-second rate limit for this API. Try again later.";
  SandboxResponse r = SandboxResponse::error(429, 429, message);
  if (variant == 0) {
    std::string wait = format_retry_after(ctx_.time, 1.0);
    r.add_header("X-RateLimit-Category", std::string(label_category(label)));
    r.add_header("X-RateLimit-Type", "QPS");
    double limit = plan_limits(ctx_.options.plan).per_window[static_cast<size_t>(label)];
    r.add_header("X-RateLimit-Limit", std::to_string(static_cast<long long>(limit)));
    r.add_header("X-RateLimit-Remaining", "0");
    r.add_header("X-RateLimit-Reset", wait);
    r.add_header("Retry-After", wait);
  } else if (variant == 2) {
    auto at = ctx_.time.wall_now() + std::chrono::duration_cast<Clock::WallTime::duration>(ctx_.time.real(1.0));
    r.add_header("Retry-After", format_utc_millis(at));
  }
  return r;
}

SandboxResponse SandboxRouter::handle_v2(const SandboxRequest& req) {
  CrmRouteMatch match = match_crm_route(req.method, req.path);
  RequestEntry entry;
  entry.method = req.method.substr(0, 16);
  entry.path = req.path.substr(0, 200);
  if (match.route) {
    entry.endpoint = match.route->endpoint;
    entry.label = std::string(label_name(match.route->label));
  } else {
    entry.endpoint = "(unmatched)";
  }

  FaultPlan plan = ctx_.faults.next_request();
  SandboxResponse r;
  if (plan.kind == FaultKind::Drop) {
    r.drop = true;
    entry.status = "dropped";
    ctx_.log.record(std::move(entry));
    return r;
  }
  if (plan.kind == FaultKind::Fail) {
    r = injected_failure(plan.fail_status);
  } else if (!ctx_.oauth.is_valid(req.authorization)) {
    r = SandboxResponse::error(401, 124, "Invalid access token.");
  } else if (!match.path_known) {
    r = SandboxResponse::error(404, 404, "No such API: " + req.method.substr(0, 16) + " " + entry.path);
  } else if (!match.route) {
    r = SandboxResponse::error(405, 405, "Method not allowed: " + req.method.substr(0, 16) + " " + entry.path);
    r.add_header("Allow", match.allow);
  } else if (plan.kind == FaultKind::Spurious429) {
    r = spurious_429(plan.variant, match.route->label);
  } else {
    RateDecision d = ctx_.limiter.acquire(match.route->label);
    if (!d.allowed) {
      r = SandboxResponse::error(429, 429, d.message);
    } else {
      r = handle_crm_route(*match.route, req, ctx_, entry);
    }
    for (auto& h : d.headers) r.add_header(h.first, h.second);
  }
  if (plan.slow) r.delay = ctx_.time.real(ctx_.faults.rates().slow_ms / 1000.0);
  entry.status = std::to_string(r.status);
  ctx_.log.record(std::move(entry));
  return r;
}

}  // namespace zra::sandbox
