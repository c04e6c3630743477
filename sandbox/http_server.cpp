#include "sandbox/http_server.h"

#include <array>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/common/errors.h"
#include "core/common/log.h"

namespace zra::sandbox {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
// How long a connection that must be closed after an error is read (and discarded) so the client sees
// the answer instead of a reset.
constexpr std::chrono::seconds kDrainTimeout{5};
}  // namespace

struct HttpServer::Impl {
  // Members a session's destructor touches come before the io_context, so they outlive it.
  std::string host;
  uint16_t requested_port;
  unsigned thread_count;
  HttpLimits limits;
  Handler handler;
  std::atomic<size_t> connections{0};
  std::atomic<uint16_t> bound_port{0};
  std::mutex mu;
  bool running = false;
  std::unique_ptr<net::io_context> ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<net::steady_timer> accept_retry;
  std::vector<std::thread> pool;

  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, HttpServer::Impl& server)
      : stream_(std::move(socket)), server_(server), timer_(stream_.get_executor()) {
    ++server_.connections;
  }
  ~Session() { --server_.connections; }

  void run() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::read_header, shared_from_this())); }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.limits.max_header_bytes));
    parser_->body_limit(server_.limits.max_body_bytes);
    stream_.expires_after(server_.limits.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    const auto& req = parser_->get();
    auto expect = req.find(http::field::expect);
    if (expect != req.end() && beast::iequals(expect->value(), "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
        if (wec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(server_.limits.idle_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    if (ec == net::error::operation_aborted) return;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::connection_reset) {
      return close();
    }
    if (ec == http::error::body_limit) {
      return answer(SandboxResponse::error(413, 413, "Request body larger than " +
                                                         std::to_string(server_.limits.max_body_bytes) + " bytes."),
                    11, /*close=*/true, /*drain=*/true);
    }
    if (ec == http::error::header_limit) {
      return answer(SandboxResponse::error(431, 431, "Request header fields larger than " +
                                                         std::to_string(server_.limits.max_header_bytes) + " bytes."),
                    11, true, true);
    }
    if (ec == http::error::partial_message) {
      return answer(SandboxResponse::error(400, 400, "Truncated request: the connection ended before the whole body arrived."),
                    11, true, false);
    }
    if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
      return answer(SandboxResponse::error(400, 400, "Malformed HTTP request: " + ec.message() + "."), 11, true, true);
    }
    close();
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    auto& req = parser_->get();
    SandboxRequest sr;
    sr.method = std::string(req.method_string());
    sr.target = std::string(req.target());
    parse_target(sr.target, sr);
    auto auth = req.find(http::field::authorization);
    if (auth != req.end()) sr.authorization = std::string(auth->value());
    auto ct = req.find(http::field::content_type);
    if (ct != req.end()) {
      sr.has_content_type = true;
      sr.content_type = std::string(ct->value());
    }
    sr.body = std::move(req.body());
    bool keep_alive = req.keep_alive();
    unsigned version = req.version();
    parser_.reset();

    SandboxResponse res;
    try {
      res = server_.handler(sr);
    } catch (const std::exception& e) {
      log_error("sandbox.handler_error", "sandbox handler failed", {{"error", e.what()}, {"path", sr.path}});
      res = SandboxResponse::error(500, 500, std::string("Sandbox internal error: ") + e.what());
    }
    if (res.drop) return close();
    if (res.delay.count() > 0) {
      auto held = std::make_shared<SandboxResponse>(std::move(res));
      timer_.expires_after(held->delay);
      timer_.async_wait([self = shared_from_this(), held, version, keep_alive](beast::error_code tec) {
        if (tec) return self->close();
        self->answer(std::move(*held), version, !keep_alive, false);
      });
      return;
    }
    answer(std::move(res), version, !keep_alive, false);
  }

  void answer(SandboxResponse res, unsigned version, bool close_after, bool drain) {
    auto msg = std::make_shared<http::response<http::string_body>>();
    msg->version(version);
    msg->result(static_cast<unsigned>(res.status));
    msg->set(http::field::server, "zra-sandbox");
    if (!res.content_type.empty() && res.status != 204) msg->set(http::field::content_type, res.content_type);
    for (auto& h : res.headers) msg->insert(h.first, h.second);
    if (res.status != 204) msg->body() = std::move(res.body);
    msg->keep_alive(!close_after);
    msg->prepare_payload();
    stream_.expires_after(server_.limits.idle_timeout);
    http::async_write(stream_, *msg, [self = shared_from_this(), msg, close_after, drain](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      if (drain) return self->start_drain();
      if (close_after) return self->close();
      self->read_header();
    });
  }

  // Reads and discards what the client still sends, for a while, then closes.
  void start_drain() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kDrainTimeout);
    drain_more();
  }

  void drain_more() {
    stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->drain_more();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::array<char, 64 * 1024> scratch_{};
};

}  // namespace

void HttpServer::Impl::do_accept() {
  acceptor->async_accept(net::make_strand(*ioc), beast::bind_front_handler(&Impl::on_accept, this));
}

void HttpServer::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted) return;
  if (ec) {
    // e.g. out of file descriptors: wait a little instead of spinning on the error.
    log_warn("sandbox.accept_error", "sandbox accept failed", {{"error", ec.message()}});
    accept_retry->expires_after(std::chrono::milliseconds(50));
    accept_retry->async_wait([this](beast::error_code tec) {
      if (!tec) do_accept();
    });
    return;
  }
  if (connections.load() >= limits.max_connections) {
    beast::error_code ignored;
    socket.close(ignored);
  } else {
    std::make_shared<Session>(std::move(socket), *this)->run();
  }
  do_accept();
}

HttpServer::HttpServer(std::string host, uint16_t port, unsigned threads, HttpLimits limits, Handler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->requested_port = port;
  impl_->thread_count = threads == 0 ? 1 : threads;
  impl_->limits = limits;
  impl_->handler = std::move(handler);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->running) return;
  std::string where = impl_->host + ":" + std::to_string(impl_->requested_port);
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->host, ec);
  if (ec) throw Error("sandbox: cannot listen on " + where + ": not an IP address (" + ec.message() + ")");
  auto ioc = std::make_unique<net::io_context>(static_cast<int>(impl_->thread_count));
  auto acceptor = std::make_unique<tcp::acceptor>(*ioc);
  tcp::endpoint endpoint(address, impl_->requested_port);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw Error("sandbox: cannot listen on " + where + ": " + ec.message());
  impl_->bound_port = acceptor->local_endpoint().port();
  impl_->ioc = std::move(ioc);
  impl_->acceptor = std::move(acceptor);
  impl_->accept_retry = std::make_unique<net::steady_timer>(*impl_->ioc);
  impl_->do_accept();
  for (unsigned i = 0; i < impl_->thread_count; ++i) {
    impl_->pool.emplace_back([io = impl_->ioc.get()] {
      for (;;) {
        try {
          io->run();
          return;
        } catch (const std::exception& e) {
          log_error("sandbox.io_error", "sandbox I/O thread caught an exception", {{"error", e.what()}});
        }
      }
    });
  }
  impl_->running = true;
}

void HttpServer::stop() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (!impl_->running) return;
  impl_->ioc->stop();
  for (auto& t : impl_->pool) t.join();
  impl_->pool.clear();
  // Destroying the io_context destroys every pending handler, so every session and its socket closes.
  impl_->accept_retry.reset();
  impl_->acceptor.reset();
  impl_->ioc.reset();
  impl_->running = false;
}

uint16_t HttpServer::port() const {
  uint16_t bound = impl_->bound_port.load();
  return bound != 0 ? bound : impl_->requested_port;
}

}  // namespace zra::sandbox
