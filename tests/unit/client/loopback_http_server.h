#pragma once
// A tiny HTTP/1.1 (or HTTPS) server on 127.0.0.1 (Boost.Beast, one thread per connection) that answers with a
// test-supplied function, to exercise the real cpprest transport without any network.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace zra {

struct ServedRequest {
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (boost::beast::iequals(k, name)) return v;
    }
    return {};
  }
};

struct ServedAnswer {
  enum class Kind { Respond, Drop, Stall } kind = Kind::Respond;
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds stall{0};  // Stall: wait this long, then close without answering
};

class LoopbackHttpServer {
 public:
  using Handler = std::function<ServedAnswer(const ServedRequest&)>;

  // With `tls`, the server speaks HTTPS using that context (which must outlive the server).
  explicit LoopbackHttpServer(Handler handler, boost::asio::ssl::context* tls = nullptr)
      : handler_(std::move(handler)),
        tls_(tls),
        acceptor_(io_, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~LoopbackHttpServer() {
    stopping_ = true;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket poke(io_);
    poke.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_), ec);
    accept_thread_.join();
    std::vector<std::thread> workers;
    {
      std::lock_guard<std::mutex> lock(mu_);
      workers.swap(workers_);
    }
    for (auto& t : workers) t.join();
  }

  std::string base_url() const {
    return std::string(tls_ != nullptr ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
  }
  unsigned short port() const { return port_; }
  int served() const { return served_; }

 private:
  void accept_loop() {
    while (!stopping_) {
      auto socket = std::make_shared<boost::asio::ip::tcp::socket>(io_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      if (ec || stopping_) break;
      std::lock_guard<std::mutex> lock(mu_);
      workers_.emplace_back([this, socket] { serve(*socket); });
    }
  }

  void serve(boost::asio::ip::tcp::socket& socket) {
    boost::system::error_code ec;
    if (tls_ == nullptr) {
      serve_stream(socket, socket);
    } else {
      boost::asio::ssl::stream<boost::asio::ip::tcp::socket&> stream(socket, *tls_);
      stream.handshake(boost::asio::ssl::stream_base::server, ec);
      if (!ec) serve_stream(stream, socket);
    }
    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    socket.close(ec);
  }

  template <class Stream>
  void serve_stream(Stream& stream, boost::asio::ip::tcp::socket& socket) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> req;
    boost::system::error_code ec;
    http::read(stream, buffer, req, ec);
    if (ec) return;
    ServedRequest served;
    served.method = std::string(req.method_string());
    served.target = std::string(req.target());
    served.body = req.body();
    for (const auto& field : req) {
      served.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    ++served_;
    const ServedAnswer answer = handler_(served);
    if (answer.kind == ServedAnswer::Kind::Stall) std::this_thread::sleep_for(answer.stall);
    if (answer.kind != ServedAnswer::Kind::Respond) {
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
      return;
    }
    http::response<http::string_body> res{static_cast<http::status>(answer.status), req.version()};
    for (const auto& [k, v] : answer.headers) res.set(k, v);
    res.body() = answer.body;
    res.keep_alive(false);
    res.prepare_payload();
    http::write(stream, res, ec);
  }

  Handler handler_;
  boost::asio::ssl::context* tls_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> served_{0};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

}  // namespace zra
