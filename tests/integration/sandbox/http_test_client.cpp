#include "tests/integration/sandbox/http_test_client.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <cctype>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace zra::sandbox::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

nlohmann::json TestResponse::json() const { return nlohmann::json::parse(body); }

std::optional<std::string> TestResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

struct TestConnection::Impl {
  net::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
};

TestConnection::TestConnection(uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  // A wedged server fails the test in seconds instead of hanging it.
  timeval tv{20, 0};
  ::setsockopt(impl_->socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

TestConnection::~TestConnection() {
  beast::error_code ignored;
  impl_->socket.shutdown(tcp::socket::shutdown_both, ignored);
  impl_->socket.close(ignored);
}

TestResponse TestConnection::read_response() {
  TestResponse out;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  beast::error_code ec;
  http::read(impl_->socket, impl_->buffer, parser, ec);
  if (ec) return out;
  auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  return out;
}

TestResponse TestConnection::send(const TestRequest& req) {
  http::request<http::string_body> msg;
  msg.method_string(req.method);
  msg.target(req.target);
  msg.version(11);
  msg.set(http::field::host, "127.0.0.1");
  for (const auto& h : req.headers) msg.set(h.first, h.second);
  msg.body() = req.body;
  msg.prepare_payload();
  beast::error_code ec;
  http::write(impl_->socket, msg, ec);
  if (ec) return {};
  return read_response();
}

void TestConnection::write_raw(const std::string& bytes) {
  beast::error_code ec;
  net::write(impl_->socket, net::buffer(bytes), ec);
}

void TestConnection::shutdown_send() {
  beast::error_code ec;
  impl_->socket.shutdown(tcp::socket::shutdown_send, ec);
}

std::string TestConnection::read_all() {
  std::string out(static_cast<const char*>(impl_->buffer.data().data()), impl_->buffer.size());
  impl_->buffer.consume(impl_->buffer.size());
  char chunk[4096];
  for (;;) {
    beast::error_code ec;
    size_t n = impl_->socket.read_some(net::buffer(chunk), ec);
    out.append(chunk, n);
    if (ec) break;
  }
  return out;
}

TestResponse http_send(uint16_t port, const TestRequest& req) {
  TestConnection c(port);
  return c.send(req);
}

}  // namespace zra::sandbox::test
