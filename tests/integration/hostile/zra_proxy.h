#pragma once
// A loopback HTTP proxy in front of the sandbox that lets a test replace or alter chosen answers, for the
// ZRA misbehaviours the sandbox's fault options do not cover (a body that is not JSON, a 200 where the
// API promises a 202, a 401 on a valid token). Requests it does not intercept go to the sandbox unchanged.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "tests/unit/client/loopback_http_server.h"

namespace zra::testing {

class ZraProxy {
 public:
  // Returns the answer to send, or nullopt to pass the sandbox's answer through. `forward()` sends the
  // request to the sandbox and returns its answer (so an interceptor can alter it).
  using Interceptor =
      std::function<std::optional<ServedAnswer>(const ServedRequest&, const std::function<ServedAnswer()>& forward)>;

  // Serves on 127.0.0.1 (a free port) at once, forwarding to the sandbox at 127.0.0.1:`sandbox_port`.
  ZraProxy(unsigned short sandbox_port, Interceptor interceptor);

  // "http://127.0.0.1:PORT" (the sandbox's URLs with this origin reach the proxy).
  std::string origin() const { return server_->base_url(); }
  int intercepted() const { return intercepted_; }

 private:
  ServedAnswer handle(const ServedRequest& request);

  unsigned short sandbox_port_;
  Interceptor interceptor_;
  std::atomic<int> intercepted_{0};
  std::unique_ptr<LoopbackHttpServer> server_;  // last: stopped (joined) before the members it uses go
};

// The answer to a forwarded request: the sandbox's status, headers (hop-by-hop ones dropped) and body.
ServedAnswer forward_to(unsigned short port, const ServedRequest& request);

}  // namespace zra::testing
