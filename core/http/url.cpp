// Helpers of the HTTP seam that need no HTTP library: URL checks, query encoding, header lookup.
#include <cctype>
#include <string>

#include "core/http/http_transport.h"

#include "core/common/log.h"

namespace zra {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct UrlParts {
  std::string scheme;  // lower case, without "://"
  std::string host;    // lower case; IPv6 without brackets
  bool ok = false;
};

// Splits scheme and host out of an absolute URL; userinfo ("user@") is skipped so that
// http://127.0.0.1@evil.example is seen as evil.example.
UrlParts split_url(std::string_view url) {
  UrlParts parts;
  const auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return parts;
  parts.scheme = lower(url.substr(0, sep));
  std::string_view rest = url.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.empty()) return parts;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return parts;
    parts.host = lower(authority.substr(1, close - 1));
  } else {
    parts.host = lower(authority.substr(0, authority.find(':')));
  }
  parts.ok = !parts.host.empty();
  return parts;
}

// 127.0.0.0/8 written as a dotted quad of decimal octets.
bool is_ipv4_loopback(std::string_view host) {
  int octets = 0;
  size_t pos = 0;
  int first = -1;
  while (pos <= host.size()) {
    size_t end = host.find('.', pos);
    if (end == std::string_view::npos) end = host.size();
    std::string_view part = host.substr(pos, end - pos);
    if (part.empty() || part.size() > 3) return false;
    int value = 0;
    for (char c : part) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      value = value * 10 + (c - '0');
    }
    if (value > 255) return false;
    if (octets == 0) first = value;
    ++octets;
    pos = end + 1;
    if (end == host.size()) break;
  }
  return octets == 4 && first == 127;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

bool is_loopback_url(std::string_view url) {
  const UrlParts parts = split_url(url);
  if (!parts.ok || (parts.scheme != "http" && parts.scheme != "https")) return false;
  return parts.host == "localhost" || parts.host == "::1" || is_ipv4_loopback(parts.host);
}

void require_secure_url(std::string_view url, std::string_view what) {
  const UrlParts parts = split_url(url);
  const std::string shown = redact(std::string(url));
  if (!parts.ok) {
    throw FatalError(std::string(what) + ": '" + shown + "' is not an absolute URL (expected https://host/...)");
  }
  if (parts.scheme == "https") return;
  if (parts.scheme == "http") {
    if (is_loopback_url(url)) return;
    throw FatalError(std::string(what) + ": '" + shown +
                     "' uses plain http://, which is accepted only for loopback addresses "
                     "(127.0.0.1, localhost, [::1]); use https://");
  }
  throw FatalError(std::string(what) + ": '" + shown + "' has scheme '" + parts.scheme +
                   "'; only https:// (or http:// to a loopback address) is supported");
}

std::string url_encode(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

}  // namespace zra
