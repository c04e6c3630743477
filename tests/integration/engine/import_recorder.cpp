#include "tests/integration/engine/import_recorder.h"

#include <sys/socket.h>

#include <atomic>
#include <list>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace zra::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// "/v2/zra/crm/accounts" -> "account"; "" for anything that is not an import.
std::string import_type(const http::request<http::string_body>& req) {
  if (req.method() != http::verb::post) return "";
  std::string target(req.target());
  target = target.substr(0, target.find('?'));
  for (const char* t : {"account", "contact", "deal", "lead"}) {
    if (target == std::string("/v2/zra/crm/") + t + "s") return t;
  }
  return "";
}

std::vector<std::string> body_ids(const std::string& type, const std::string& body) {
  std::vector<std::string> ids;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.contains("data") || !j["data"].is_array()) return ids;
  const std::string key = "crm_" + type + "_id";
  for (const auto& r : j["data"]) ids.push_back(r.is_object() ? r.value(key, std::string()) : std::string());
  return ids;
}

}  // namespace

struct ImportRecorder::Impl {
  uint16_t upstream_port;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::thread accept_thread;
  std::atomic<bool> stopping{false};
  std::atomic<int> epoch{0};

  mutable std::mutex mu;
  std::vector<RecordedImport> recorded;
  std::set<int> open_fds;  // sockets of live connections, shut down by stop()
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::list<Worker> workers;

  void track(int fd, bool add) {
    std::lock_guard<std::mutex> lock(mu);
    if (add) open_fds.insert(fd);
    else open_fds.erase(fd);
  }

  void serve(tcp::socket client) {
    beast::error_code ec;
    tcp::socket upstream(ioc);
    upstream.connect({asio::ip::make_address("127.0.0.1"), upstream_port}, ec);
    if (ec) return;
    track(client.native_handle(), true);
    track(upstream.native_handle(), true);
    beast::flat_buffer cbuf, ubuf;
    while (!stopping.load()) {
      http::request_parser<http::string_body> req_parser;
      req_parser.body_limit(256 * 1024 * 1024);
      http::read(client, cbuf, req_parser, ec);
      if (ec) break;
      http::request<http::string_body> req = req_parser.release();
      const std::string type = import_type(req);
      RecordedImport rec;
      if (!type.empty()) {
        rec.epoch = epoch.load();
        rec.type = type;
        rec.ids = body_ids(type, req.body());
      }
      http::write(upstream, req, ec);
      http::response_parser<http::string_body> res_parser;
      res_parser.body_limit(256 * 1024 * 1024);
      if (!ec) http::read(upstream, ubuf, res_parser, ec);
      if (ec) {  // dropped by the sandbox: drop the client too
        if (!type.empty()) record(std::move(rec));
        break;
      }
      http::response<http::string_body> res = res_parser.release();
      if (!type.empty()) {
        rec.status = static_cast<int>(res.result_int());
        if (rec.status == 202) {
          auto j = nlohmann::json::parse(res.body(), nullptr, false);
          if (!j.is_discarded() && j.contains("task_id")) rec.task_id = j["task_id"].get<std::string>();
        }
        record(std::move(rec));
      }
      const bool keep = res.keep_alive() && req.keep_alive();
      http::write(client, res, ec);
      if (ec || !keep) break;
    }
    track(client.native_handle(), false);
    track(upstream.native_handle(), false);
    client.shutdown(tcp::socket::shutdown_both, ec);
    upstream.shutdown(tcp::socket::shutdown_both, ec);
  }

  void record(RecordedImport rec) {
    std::lock_guard<std::mutex> lock(mu);
    recorded.push_back(std::move(rec));
  }

  void accept_loop() {
    while (!stopping.load()) {
      beast::error_code ec;
      tcp::socket s(ioc);
      acceptor.accept(s, ec);
      if (ec || stopping.load()) break;
      std::lock_guard<std::mutex> lock(mu);
      for (auto it = workers.begin(); it != workers.end();) {  // reap finished connections
        if (it->done->load()) {
          it->thread.join();
          it = workers.erase(it);
        } else {
          ++it;
        }
      }
      auto done = std::make_shared<std::atomic<bool>>(false);
      workers.push_back({std::thread([this, done, sock = std::move(s)]() mutable {
                           serve(std::move(sock));
                           done->store(true);
                         }),
                         done});
    }
  }
};

ImportRecorder::ImportRecorder(uint16_t upstream_port) : impl_(std::make_unique<Impl>()) {
  impl_->upstream_port = upstream_port;
  beast::error_code ec;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("import recorder: cannot listen on 127.0.0.1: " + ec.message());
  impl_->accept_thread = std::thread([this] { impl_->accept_loop(); });
}

ImportRecorder::~ImportRecorder() { stop(); }

uint16_t ImportRecorder::port() const { return impl_->acceptor.local_endpoint().port(); }
std::string ImportRecorder::base_url() const { return "http://127.0.0.1:" + std::to_string(port()) + "/v2"; }
std::string ImportRecorder::token_url() const {
  return "http://127.0.0.1:" + std::to_string(port()) + "/oauth/token";
}
void ImportRecorder::set_epoch(int epoch) { impl_->epoch.store(epoch); }

std::vector<RecordedImport> ImportRecorder::imports() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->recorded;
}

void ImportRecorder::stop() {
  if (impl_->stopping.exchange(true)) return;
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);  // wakes accept()
  impl_->accept_thread.join();
  std::list<Impl::Worker> workers;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    for (int fd : impl_->open_fds) ::shutdown(fd, SHUT_RDWR);  // wakes blocked reads
    workers.swap(impl_->workers);
  }
  for (auto& w : workers) w.thread.join();
  beast::error_code ec;
  impl_->acceptor.close(ec);
}

std::string loopback_get(uint16_t port, const std::string& target) {
  asio::io_context ioc;
  tcp::socket s(ioc);
  beast::error_code ec;
  s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  http::request<http::string_body> req(http::verb::get, target, 11);
  req.set(http::field::host, "127.0.0.1");
  req.keep_alive(false);
  if (!ec) http::write(s, req, ec);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  if (!ec) http::read(s, buf, parser, ec);
  if (ec) throw std::runtime_error("GET " + target + " on port " + std::to_string(port) + ": " + ec.message());
  if (parser.get().result_int() != 200) {
    throw std::runtime_error("GET " + target + " answered " + std::to_string(parser.get().result_int()));
  }
  return parser.get().body();
}

}  // namespace zra::testing
