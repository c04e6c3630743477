// The real HttpTransport, on cpprestsdk. This is the only file that includes cpprest headers: they
// are heavy, and keeping them in one TU keeps every other target's build fast and cpprest-free.
#include <cpprest/http_client.h>

#include <boost/asio/ssl/context.hpp>
#include <openssl/err.h>

#include <cctype>
#include <map>
#include <mutex>
#include <system_error>

#include "core/common/log.h"
#include "core/http/http_transport.h"

namespace zra {
namespace {

namespace http = web::http;
namespace client = web::http::client;

bool contains_any(std::string text, std::initializer_list<const char*> needles) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* n : needles) {
    if (text.find(n) != std::string::npos) return true;
  }
  return false;
}

class CpprestTransport final : public HttpTransport {
 public:
  explicit CpprestTransport(TlsOptions tls) : tls_(std::move(tls)) {
    if (!tls_.ca_file.empty()) {
      // Fail now, naming the file, rather than on the first request deep inside cpprest.
      boost::asio::ssl::context probe(boost::asio::ssl::context::tls_client);
      boost::system::error_code ec;
      probe.load_verify_file(tls_.ca_file, ec);
      if (ec) {
        throw FatalError("tls.ca_file: '" + tls_.ca_file + "' cannot be loaded as a PEM CA bundle (" + ec.message() +
                         ")");
      }
    }
    if (!tls_.verify) {
      log_warn("http.tls_unverified", "TLS certificate verification is turned off (tls.verify: false)");
    }
  }

  HttpResponse send(const HttpRequest& request) override {
    const std::string where = request.method + " " + redact(request.url);
    web::uri uri;
    try {
      uri = web::uri(utility::conversions::to_string_t(request.url));
    } catch (const std::exception& e) {
      throw TransportError(where + ": not a valid URL: " + e.what());
    }
    if (uri.host().empty() || (uri.scheme() != "http" && uri.scheme() != "https")) {
      throw TransportError(where + ": not an absolute http(s) URL");
    }

    http::http_request req(utility::conversions::to_string_t(request.method));
    req.set_request_uri(uri.resource());
    std::string content_type = "application/octet-stream";
    for (const auto& [name, value] : request.headers) {
      if (contains_any(name, {"content-type"})) {
        content_type = value;
      }
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
      req.set_body(std::string(request.body), content_type);
    }
    for (const auto& [name, value] : request.headers) {
      if (contains_any(name, {"content-type"})) continue;
      req.headers().add(utility::conversions::to_string_t(name), utility::conversions::to_string_t(value));
    }

    try {
      http::http_response res = client_for(uri, request.timeout).request(req).get();
      HttpResponse out;
      out.status = res.status_code();
      for (const auto& [name, value] : res.headers()) {
        out.headers.emplace_back(utility::conversions::to_utf8string(name),
                                 utility::conversions::to_utf8string(value));
      }
      const std::vector<unsigned char> body = res.extract_vector().get();
      out.body.assign(body.begin(), body.end());
      return out;
    } catch (const http::http_exception& e) {
      const std::error_code code = e.error_code();
      const bool timed_out = code == std::errc::timed_out || contains_any(e.what(), {"timed out", "timeout"});
      // cpprest reports OpenSSL failures with OpenSSL's packed error code (far above any errno), e.g.
      // "certificate verify failed": that is a TLS problem retrying will not fix. A handshake cut short
      // by the network carries an errno and stays retryable.
      const char* openssl_reason = code.value() > 0xFFFF ? ERR_reason_error_string(static_cast<unsigned long>(code.value()))
                                                         : nullptr;
      const bool tls = !timed_out && (openssl_reason != nullptr || contains_any(e.what(), {"certificate"}));
      std::string message = where + ": ";
      message += timed_out ? "timed out after " + std::to_string(request.timeout.count()) + " ms"
                 : tls     ? std::string("TLS failure")
                           : std::string("no HTTP answer");
      message += " (" + std::string(e.what());
      if (openssl_reason != nullptr) {
        message += ": " + std::string(openssl_reason);
      } else if (code) {
        message += "; " + code.message();
      }
      message += ")";
      throw TransportError(redact(message), timed_out, tls);
    } catch (const std::exception& e) {
      // pplx or Boost errors that cpprest did not wrap (e.g. a failed name resolution on some versions).
      throw TransportError(redact(where + ": no HTTP answer (" + e.what() + ")"));
    }
  }

 private:
  // One http_client per scheme+host+port (and timeout, which cpprest fixes per client); cpprest's
  // clients are thread-safe and keep a connection pool, so reusing them keeps connections alive.
  client::http_client& client_for(const web::uri& uri, std::chrono::milliseconds timeout) {
    const std::string key = utility::conversions::to_utf8string(uri.scheme()) + "://" +
                            utility::conversions::to_utf8string(uri.host()) + ":" +
                            std::to_string(uri.port()) + "#" + std::to_string(timeout.count());
    std::lock_guard<std::mutex> lock(mu_);
    auto it = clients_.find(key);
    if (it != clients_.end()) return *it->second;

    client::http_client_config config;
    config.set_timeout(timeout);
    config.set_validate_certificates(tls_.verify);
    config.set_max_redirects(0);  // never carry an Authorization header to wherever a redirect points
    if (!tls_.ca_file.empty()) {
      const std::string ca_file = tls_.ca_file;
      config.set_ssl_context_callback([ca_file](boost::asio::ssl::context& ctx) {
        ctx.set_default_verify_paths();
        ctx.load_verify_file(ca_file);
      });
    }
    web::uri_builder base;
    base.set_scheme(uri.scheme()).set_host(uri.host());
    if (uri.port() > 0) base.set_port(uri.port());
    auto created = std::make_unique<client::http_client>(base.to_uri(), config);
    auto& ref = *created;
    clients_.emplace(key, std::move(created));
    return ref;
  }

  TlsOptions tls_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<client::http_client>> clients_;
};

}  // namespace

std::unique_ptr<HttpTransport> make_cpprest_transport(const TlsOptions& tls) {
  return std::make_unique<CpprestTransport>(tls);
}

}  // namespace zra
