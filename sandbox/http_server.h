#pragma once
// The sandbox's HTTP/1.1 server (Boost.Beast, kept inside http_server.cpp): keep-alive connections,
// bounded header and body sizes, idle timeouts, a connection cap, "Expect: 100-continue", and answers
// that are delayed or dropped on the handler's say. A bad request gets a JSON error and never stops
// the server.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sandbox/http_message.h"

namespace zra::sandbox {

struct HttpLimits {
  size_t max_body_bytes = 64 * 1024 * 1024;  // larger: 413
  size_t max_header_bytes = 16 * 1024;       // larger: 431
  std::chrono::seconds idle_timeout{30};     // a connection that sends nothing this long is closed
  size_t max_connections = 8192;             // more at once are closed on accept
};

class HttpServer {
 public:
  // Called on a server thread for every complete request; must be thread-safe. An exception it throws
  // becomes a 500 JSON answer.
  using Handler = std::function<SandboxResponse(const SandboxRequest&)>;

  HttpServer(std::string host, uint16_t port, unsigned threads, HttpLimits limits, Handler handler);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens, then serves on `threads` background threads. Throws zra::Error naming the
  // address on failure.
  void start();
  // Closes the listener and every connection and joins the threads. Idempotent.
  void stop();
  uint16_t port() const;

  struct Impl;  // defined in http_server.cpp, where the connections use it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace zra::sandbox
