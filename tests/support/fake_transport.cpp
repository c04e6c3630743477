#include "tests/support/fake_transport.h"

#include <cctype>
#include <stdexcept>

namespace zra {
namespace {

FakeTransport::Handler constant(HttpResponse response) {
  return [response = std::move(response)](const HttpRequest&) { return response; };
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool FakeTransport::Route::matches(const HttpRequest& request) const {
  return (method.empty() || method == request.method) && request.url.find(url_part) != std::string::npos;
}

FakeTransport& FakeTransport::push(HttpResponse response) { return push_handler(constant(std::move(response))); }

FakeTransport& FakeTransport::push(int status, std::string body, HttpHeaders headers) {
  return push(make_response(status, std::move(body), std::move(headers)));
}

FakeTransport& FakeTransport::push_json(int status, const nlohmann::json& body, HttpHeaders headers) {
  return push(make_json_response(status, body, std::move(headers)));
}

FakeTransport& FakeTransport::push_error(TransportError error) {
  return push_handler([error](const HttpRequest&) -> HttpResponse { throw error; });
}

FakeTransport& FakeTransport::push_handler(Handler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back(std::move(handler));
  return *this;
}

FakeTransport& FakeTransport::push_for(std::string method, std::string url_part, HttpResponse response) {
  return push_handler_for(std::move(method), std::move(url_part), constant(std::move(response)));
}

FakeTransport& FakeTransport::push_handler_for(std::string method, std::string url_part, Handler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& route : queued_routes_) {
    if (route.method == method && route.url_part == url_part) {
      route.queue.push_back(std::move(handler));
      return *this;
    }
  }
  Route route{std::move(method), std::move(url_part), {}, {}};
  route.queue.push_back(std::move(handler));
  queued_routes_.push_back(std::move(route));
  return *this;
}

FakeTransport& FakeTransport::on(std::string method, std::string url_part, Handler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  persistent_routes_.push_back(Route{std::move(method), std::move(url_part), {}, std::move(handler)});
  return *this;
}

HttpResponse FakeTransport::send(const HttpRequest& request) {
  Handler handler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    for (auto& route : queued_routes_) {
      if (!route.queue.empty() && route.matches(request)) {
        handler = std::move(route.queue.front());
        route.queue.pop_front();
        break;
      }
    }
    if (!handler) {
      for (const auto& route : persistent_routes_) {
        if (route.matches(request)) {
          handler = route.persistent;
          break;
        }
      }
    }
    if (!handler && !queue_.empty()) {
      handler = std::move(queue_.front());
      queue_.pop_front();
    }
  }
  if (!handler) {
    throw std::logic_error("FakeTransport: no scripted answer for request #" + std::to_string(request_count()) +
                           ": " + request.method + " " + request.url);
  }
  return handler(request);
}

std::vector<HttpRequest> FakeTransport::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

HttpRequest FakeTransport::request(size_t index) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (index >= requests_.size()) {
    throw std::out_of_range("FakeTransport: request #" + std::to_string(index) + " not sent (only " +
                            std::to_string(requests_.size()) + ")");
  }
  return requests_[index];
}

size_t FakeTransport::request_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

size_t FakeTransport::count(std::string_view method, std::string_view url_part) const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& r : requests_) {
    if ((method.empty() || method == r.method) && r.url.find(url_part) != std::string::npos) ++n;
  }
  return n;
}

size_t FakeTransport::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = queue_.size();
  for (const auto& route : queued_routes_) n += route.queue.size();
  return n;
}

HttpResponse make_response(int status, std::string body, HttpHeaders headers) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

HttpResponse make_json_response(int status, const nlohmann::json& body, HttpHeaders headers) {
  headers.emplace_back("Content-Type", "application/json");
  return make_response(status, body.dump(), std::move(headers));
}

std::string request_header(const HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

}  // namespace zra
