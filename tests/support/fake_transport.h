#pragma once
// A scripted HttpTransport for tests: answers come from per-route queues, persistent route handlers or
// a global queue, and every request is recorded. No sockets, no time: retry, rate-limit and
// pagination logic is tested in milliseconds.
//
// Build: add ${PROJECT_SOURCE_DIR}/tests/support/fake_transport.cpp to your zra_add_test SOURCES and
// link zra_http (for HttpResponse::header) and nlohmann_json.
//
// Resolution order for each request:
//   1. the first route (in the order added) whose method matches and whose `url_part` occurs in the URL
//      and that still has queued answers: its next answer is consumed;
//   2. the first persistent handler (on()) that matches the same way;
//   3. the next answer of the global queue (push*()).
// When none applies, send() throws std::logic_error naming the request, so a test fails loudly.
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/http/http_transport.h"

namespace zra {

class FakeTransport : public HttpTransport {
 public:
  // Called with the request; returns the answer or throws (e.g. TransportError) to simulate failures.
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Global queue, consumed in order by requests that no route claims.
  FakeTransport& push(HttpResponse response);
  FakeTransport& push(int status, std::string body = {}, HttpHeaders headers = {});
  FakeTransport& push_json(int status, const nlohmann::json& body, HttpHeaders headers = {});
  FakeTransport& push_error(TransportError error);
  FakeTransport& push_handler(Handler handler);

  // Per-route queue: answers for requests whose method equals `method` ("" matches any) and whose URL
  // contains `url_part`. Each answer is used once.
  FakeTransport& push_for(std::string method, std::string url_part, HttpResponse response);
  FakeTransport& push_handler_for(std::string method, std::string url_part, Handler handler);

  // Persistent route: answers every matching request (after matching route queues are empty).
  FakeTransport& on(std::string method, std::string url_part, Handler handler);

  // HttpTransport. Thread-safe; handlers run outside the internal lock (they may call back into this).
  HttpResponse send(const HttpRequest& request) override;

  // Everything sent so far, in order (copies; thread-safe).
  std::vector<HttpRequest> requests() const;
  HttpRequest request(size_t index) const;  // throws std::out_of_range
  size_t request_count() const;
  // Requests whose method equals `method` ("" = any) and whose URL contains `url_part`.
  size_t count(std::string_view method, std::string_view url_part) const;
  // Answers still queued (global queue plus every route queue).
  size_t pending() const;

 private:
  struct Route {
    std::string method;
    std::string url_part;
    std::deque<Handler> queue;
    Handler persistent;  // empty for queue routes
    bool matches(const HttpRequest& request) const;
  };

  mutable std::mutex mu_;
  std::deque<Handler> queue_;
  std::vector<Route> queued_routes_;
  std::vector<Route> persistent_routes_;
  std::vector<HttpRequest> requests_;
};

// Convenience answers.
HttpResponse make_response(int status, std::string body = {}, HttpHeaders headers = {});
HttpResponse make_json_response(int status, const nlohmann::json& body, HttpHeaders headers = {});

// The value of header `name` (case-insensitive) in a request, or "" when absent.
std::string request_header(const HttpRequest& request, std::string_view name);

}  // namespace zra
