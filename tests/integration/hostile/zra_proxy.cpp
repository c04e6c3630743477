#include "tests/integration/hostile/zra_proxy.h"

#include <boost/asio/connect.hpp>

namespace zra::testing {
namespace {
namespace http = boost::beast::http;
using boost::asio::ip::tcp;

bool hop_by_hop(const std::string& name) {
  for (const char* h : {"connection", "content-length", "transfer-encoding", "keep-alive", "host"}) {
    if (boost::beast::iequals(name, h)) return true;
  }
  return false;
}
}  // namespace

ServedAnswer forward_to(unsigned short port, const ServedRequest& request) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::string_to_verb(request.method), request.target, 11};
  for (const auto& [k, v] : request.headers) {
    if (!hop_by_hop(k)) req.set(k, v);
  }
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.body() = request.body;
  req.keep_alive(false);
  req.prepare_payload();
  http::write(socket, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(socket, buffer, res);
  ServedAnswer answer;
  answer.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    if (!hop_by_hop(name)) answer.headers.emplace_back(name, std::string(field.value()));
  }
  answer.body = res.body();
  boost::system::error_code ec;
  socket.shutdown(tcp::socket::shutdown_both, ec);
  return answer;
}

ZraProxy::ZraProxy(unsigned short sandbox_port, Interceptor interceptor)
    : sandbox_port_(sandbox_port), interceptor_(std::move(interceptor)),
      server_(std::make_unique<LoopbackHttpServer>([this](const ServedRequest& r) { return handle(r); })) {}

ServedAnswer ZraProxy::handle(const ServedRequest& request) {
  std::function<ServedAnswer()> forward = [&] { return forward_to(sandbox_port_, request); };
  if (interceptor_) {
    if (std::optional<ServedAnswer> answer = interceptor_(request, forward)) {
      ++intercepted_;
      return *answer;
    }
  }
  return forward();
}

}  // namespace zra::testing
