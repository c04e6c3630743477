#include "tests/integration/rest/fake_crm_server.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <set>
#include <stdexcept>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "plugins/rest/authenticator.h"  // base64_encode, to build the expected Basic credentials

namespace zra::rest_test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::ordered_json;  // keys in the order written, like a real API
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// The five contacts. c3 has no owner (columns vary per page); amounts have more digits than a double.
json contact(int i) {
  json c = {{"id", "c" + std::to_string(i)}, {"name", "Contact " + std::to_string(i)}};
  if (i != 3) c["owner"] = {{"email", "owner" + std::to_string(i) + "@crm.test"}, {"name", "Owner " + std::to_string(i)}};
  c["tags"] = json::array({"vip", "region-" + std::to_string(i)});
  c["active"] = i % 2 == 1;
  c["deleted_at"] = nullptr;
  return c;
}
const int kContacts = 5;

json slice(long from, long count) {
  json out = json::array();
  for (long i = from; i < from + count && i < kContacts; ++i) out.push_back(contact(static_cast<int>(i + 1)));
  return out;
}

std::map<std::string, std::string> query_of(const std::string& target) {
  std::map<std::string, std::string> q;
  size_t start = target.find('?');
  if (start == std::string::npos) return q;
  std::string query = target.substr(start + 1);
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string::npos) end = query.size();
    std::string item = query.substr(pos, end - pos);
    size_t eq = item.find('=');
    if (!item.empty()) q[item.substr(0, eq)] = eq == std::string::npos ? "" : item.substr(eq + 1);
    pos = end + 1;
  }
  return q;
}

long number(const std::map<std::string, std::string>& q, const std::string& key, long fallback) {
  auto it = q.find(key);
  return it == q.end() ? fallback : std::stol(it->second);
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

// The /api/crm/ data. Times are all ISO-8601 UTC with 'Z', so text order is time order.
json crm_accounts() {
  return json::array({
      {{"id", "a1"}, {"name", "Acme Corp"}, {"owner", {{"email", "Jane@Acme.example"}}},
       {"revenue", json::parse("1250000.50")}, {"updated_at", "2025-11-20T12:00:00Z"}},
      {{"id", "a2"}, {"name", "Café Crème"}, {"owner", nullptr}, {"revenue", "12345678901234.5"},
       {"updated_at", "2025-11-21T09:30:00Z"}},
      {{"id", "a3"}, {"name", "日本商事 😀"}, {"owner", {{"email", "kenji@nihon.example"}, {"name", "Kenji"}}},
       {"updated_at", "2025-11-19T08:00:00.250Z"}},
  });
}
json crm_contacts() {
  return json::array({
      {{"id", "k1"}, {"first", "Ann"}, {"last", "Lee"}, {"email", "ann@acme.example"},
       {"account", {{"id", "a1"}}}, {"owner", {{"email", "jane@acme.example"}}}, {"updated_at", "2025-11-20T10:00:00Z"}},
      {{"id", "k2"}, {"first", "Zoë"}, {"last", "Łukasiewicz"}, {"email", nullptr},
       {"account", {{"id", "a2"}}}, {"updated_at", "2025-11-20T11:00:00Z"}},
      {{"id", "k3"}, {"first", "Bad"}, {"last", "Email"}, {"email", "not-an-email"},
       {"account", {{"id", "a1"}}}, {"owner", {{"email", "jane@acme.example"}}}, {"updated_at", "2025-11-20T12:00:00Z"}},
      {{"id", "k4"}, {"first", ""}, {"last", "Tanaka"}, {"email", "tanaka@nihon.example"},
       {"account", {{"id", "a3"}}}, {"owner", {{"email", "kenji@nihon.example"}}}, {"updated_at", "2025-11-20T13:00:00Z"}},
  });
}

// The records of `all` updated after the query's updated_since (all of them without one).
json updated_since(const json& all, const std::map<std::string, std::string>& q) {
  auto it = q.find("updated_since");
  if (it == q.end()) return all;
  const std::string since = percent_decode(it->second);
  json out = json::array();
  for (const auto& r : all) {
    if (r["updated_at"].get<std::string>() > since) out.push_back(r);
  }
  return out;
}

json slice_of(const json& all, long from, long count) {
  json out = json::array();
  for (long i = std::max(0L, from); i < from + count && i < static_cast<long>(all.size()); ++i) {
    out.push_back(all[static_cast<size_t>(i)]);
  }
  return out;
}

Response reply(unsigned status, const std::string& body, const std::string& type = "application/json") {
  Response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, type);
  res.body() = body;
  return res;
}

}  // namespace

class FakeCrmServer::Impl {
 public:
  Impl() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Impl() {
    io_.stop();
    thread_.join();
  }

  unsigned short port_ = 0;
  mutable std::mutex mu_;
  std::vector<std::string> targets_;
  std::map<std::string, int> hits_;  // per path (without query), for "fail first" routes
  std::set<std::string> valid_tokens_;
  int tokens_issued_ = 0;
  json accounts_ = crm_accounts();
  json contacts_ = crm_contacts();

 private:
  // One connection: read a request, answer it, repeat while the client keeps the connection alive.
  struct Session : std::enable_shared_from_this<Session> {
    Session(tcp::socket socket, Impl& impl) : socket(std::move(socket)), impl(impl) {}
    void read() {
      request = {};
      http::async_read(socket, buffer, request, [self = shared_from_this()](beast::error_code ec, size_t) {
        if (ec) return;
        self->response = self->impl.handle(self->request);
        self->response.keep_alive(self->request.keep_alive());
        self->response.prepare_payload();
        http::async_write(self->socket, self->response, [self](beast::error_code wec, size_t) {
          if (wec) return;
          if (self->response.keep_alive()) {
            self->read();
          } else {
            beast::error_code ignored;
            self->socket.shutdown(tcp::socket::shutdown_send, ignored);
          }
        });
      });
    }
    tcp::socket socket;
    Impl& impl;
    beast::flat_buffer buffer;
    Request request;
    Response response;
  };

  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (!ec) std::make_shared<Session>(std::move(socket), *this)->read();
      accept();
    });
  }

  std::string header(const Request& req, http::field f) const { return std::string(req[f]); }

  // Returns the 401 to send, or nothing when `req` carries the credentials `kind` requires.
  std::optional<Response> check_auth(const Request& req, const std::string& kind) {
    const std::string authz = header(req, http::field::authorization);
    bool ok = false;
    if (kind == "bearer") ok = authz == std::string("Bearer ") + kBearerToken;
    if (kind == "basic") ok = authz == "Basic " + rest::base64_encode(std::string(kUser) + ":" + kPassword);
    if (kind == "apikey-header") ok = std::string(req["X-Api-Key"]) == kApiKey;
    if (kind == "apikey-query") ok = query_of(std::string(req.target()))["api_key"] == kApiKey;
    if (kind == "oauth") ok = authz.rfind("Bearer ", 0) == 0 && valid_tokens_.count(authz.substr(7)) > 0;
    if (ok) return std::nullopt;
    Response res = reply(401, R"({"code":401,"message":"invalid credentials"})");
    res.set(http::field::www_authenticate, "Bearer");
    return res;
  }

  Response token_endpoint(const Request& req) {
    const std::string expected = "Basic " + rest::base64_encode(std::string(kClientId) + ":" + kClientSecret);
    if (header(req, http::field::authorization) != expected || req.body().find("grant_type=client_credentials") != 0) {
      return reply(401, R"({"error":"invalid_client"})");
    }
    std::string token = "oauth-token-" + std::to_string(++tokens_issued_);
    valid_tokens_.insert(token);
    return reply(200, json{{"access_token", token}, {"token_type", "bearer"}, {"expires_in", 3600}}.dump());
  }

  Response handle(const Request& req) {
    const std::string target(req.target());
    const std::string path = target.substr(0, target.find('?'));
    const auto q = query_of(target);
    std::lock_guard<std::mutex> lock(mu_);
    targets_.push_back(target);
    const int hit = ++hits_[path];

    if (req.method() == http::verb::post && path == "/oauth/token") return token_endpoint(req);
    if (req.method() != http::verb::get) return reply(405, R"({"message":"method not allowed"})");

    if (path == "/api/page/contacts") {
      long page = number(q, "page", 1), size = number(q, "per_page", 100);
      return reply(200, json{{"data", slice((page - 1) * size, size)}, {"page", page}}.dump());
    }
    if (path == "/api/offset/contacts") {
      return reply(200, slice(number(q, "offset", 0), number(q, "limit", 100)).dump());
    }
    if (path == "/api/cursor/contacts") {
      long from = q.count("cursor") ? std::stol(q.at("cursor").substr(4)) : 0;  // "pos-N"
      json body = {{"data", slice(from, 2)}};
      if (from + 2 < kContacts) body["paging"]["next"] = "pos-" + std::to_string(from + 2);
      return reply(200, body.dump());
    }
    if (path == "/api/next/contacts") {
      long after = number(q, "after", 0);
      json body = {{"data", slice(after, 2)}, {"links", json::object()}};
      if (after + 2 < kContacts) body["links"]["next"] = "contacts?after=" + std::to_string(after + 2);  // relative
      return reply(200, body.dump());
    }
    if (path == "/api/link/contacts") {
      long page = number(q, "page", 1);
      Response res = reply(200, slice((page - 1) * 2, 2).dump());
      std::string self = "<http://127.0.0.1:" + std::to_string(port_) + "/api/link/contacts?page=";
      std::string link = self + "1>; rel=\"first\"";
      if (page * 2 < kContacts) link += ", " + self + std::to_string(page + 1) + ">; rel=\"next\"";
      res.set(http::field::link, link);
      return res;
    }
    if (path.rfind("/api/auth/", 0) == 0) {
      std::string kind = path.substr(10, path.find('/', 10) - 10);
      if (auto denied = check_auth(req, kind)) return *denied;
      return reply(200, slice(0, 2).dump());
    }
    if (path == "/api/flaky429/contacts") {
      if (hit == 1) {
        Response res = reply(429, R"({"code":429,"message":"per-second rate limit"})");
        res.set(http::field::retry_after, "0");
        return res;
      }
      return reply(200, slice(0, 1).dump());
    }
    if (path == "/api/flaky500/contacts") {
      if (hit == 1) return reply(500, R"({"code":500,"message":"temporary failure"})");
      return reply(200, slice(0, 1).dump());
    }
    if (path == "/api/down/contacts") return reply(503, R"({"code":503,"message":"down for maintenance"})");
    if (path == "/api/malformed/contacts") {
      long page = number(q, "page", 1);
      if (page == 1) return reply(200, json{{"data", slice(0, 2)}}.dump());
      return reply(200, "<html><body>502 Bad Gateway</body></html>", "text/html");
    }
    if (path == "/api/loop/contacts") {
      return reply(200, json{{"data", slice(hit - 1, 1)}, {"next", "cursor-that-never-changes"}}.dump());
    }
    if (path == "/api/nested/records") {
      return reply(200, R"({"result":{"items":[
        {"id":"d1","amount":12345678901234567890.10,"owner":{"email":"a@crm.test","address":{"city":"Lyon"}},
         "tags":["x","y"],"lines":[{"sku":"A","qty":2}],"won":true,"lost":false,"closed_at":null,"meta":{}},
        {"id":"d2","amount":0.1,"notes":"multi\nline \"quoted\" é"}]}})");
    }
    if (path == "/api/echo/contacts") return reply(200, slice(0, 1).dump());
    if (path == "/api/crm/accounts") {
      long page = number(q, "page", 1), size = number(q, "per_page", 100);
      return reply(200, json{{"data", slice_of(updated_since(accounts_, q), (page - 1) * size, size)}}.dump());
    }
    if (path == "/api/crm/contacts") {
      const json selected = updated_since(contacts_, q);
      const long from = q.count("cursor") ? std::stol(q.at("cursor").substr(5)) : 0;  // "after0", "after2"...
      json body = {{"items", slice_of(selected, from, 2)}, {"paging", {{"next", nullptr}}}};
      if (from + 2 < static_cast<long>(selected.size())) body["paging"]["next"] = "after" + std::to_string(from + 2);
      return reply(200, body.dump());
    }
    return reply(404, R"({"message":"no such route"})");
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

FakeCrmServer::FakeCrmServer() : impl_(std::make_unique<Impl>()) {}
FakeCrmServer::~FakeCrmServer() = default;

std::string FakeCrmServer::origin() const { return "http://127.0.0.1:" + std::to_string(impl_->port_); }

std::vector<std::string> FakeCrmServer::targets() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->targets_;
}

size_t FakeCrmServer::count(const std::string& prefix) const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return static_cast<size_t>(std::count_if(impl_->targets_.begin(), impl_->targets_.end(),
                                           [&](const std::string& t) { return t.rfind(prefix, 0) == 0; }));
}

int FakeCrmServer::tokens_issued() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->tokens_issued_;
}

void FakeCrmServer::revoke_tokens() {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  impl_->valid_tokens_.clear();
}

void FakeCrmServer::update_account(const std::string& id, const std::string& name, const std::string& updated_at) {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  for (auto& account : impl_->accounts_) {
    if (account["id"] == id) {
      account["name"] = name;
      account["updated_at"] = updated_at;
      return;
    }
  }
  throw std::out_of_range("the fake CRM has no account " + id);
}

}  // namespace zra::rest_test
