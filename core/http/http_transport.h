#pragma once
// The one seam through which zra-sync speaks HTTP. The ZRA client and the REST plugin take an
// HttpTransport, so retries, rate limits and pagination are tested against a scripted fake in
// milliseconds; the real one (cpprestsdk) lives behind make_cpprest_transport() in a single TU.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/errors.h"

namespace zra {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // GET, POST, DELETE, PUT
  std::string url;             // absolute: scheme://host[:port]/path?query
  HttpHeaders headers;
  std::string body;
  std::chrono::milliseconds timeout{60000};
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
  // Case-insensitive header lookup; the first match.
  std::optional<std::string> header(std::string_view name) const;
};

// The request got no HTTP answer: refused, reset, dropped, timed out, TLS failure. Retryable unless
// `tls` (a certificate problem does not go away by retrying).
class TransportError : public Error {
 public:
  TransportError(const std::string& message, bool timed_out = false, bool tls = false)
      : Error(message, kExitFatal), timed_out_(timed_out), tls_(tls) {}
  bool timed_out() const noexcept { return timed_out_; }
  bool tls() const noexcept { return tls_; }

 private:
  bool timed_out_;
  bool tls_;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends one request and returns whatever HTTP answer came (any status). Throws TransportError when
  // there was no answer. Thread-safe: several requests may be in flight from different threads.
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

struct TlsOptions {
  bool verify = true;  // turning it off is an explicit setting and is warned about on every run
  std::string ca_file; // extra CA bundle (PEM); empty: the system store
};

// The real transport (cpprestsdk, TLS verified by default).
std::unique_ptr<HttpTransport> make_cpprest_transport(const TlsOptions& tls = {});

// True for http(s)://127.x.x.x, localhost and [::1].
bool is_loopback_url(std::string_view url);
// Throws FatalError unless the URL is https://, or http:// to a loopback address (the sandbox, tests).
void require_secure_url(std::string_view url, std::string_view what);

// Percent-encodes a query component (RFC 3986 unreserved characters kept).
std::string url_encode(std::string_view s);

}  // namespace zra
