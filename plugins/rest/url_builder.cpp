#include "plugins/rest/url_builder.h"

#include <algorithm>
#include <cctype>

#include "core/http/http_transport.h"

namespace zra::rest {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// RFC 3986 5.2.4.
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string> out;
  bool absolute = !path.empty() && path[0] == '/';
  size_t pos = absolute ? 1 : 0;
  bool trailing_slash = false;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(pos, end - pos);
    trailing_slash = (seg == "." || seg == "..");
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
    } else if (seg != ".") {
      out.emplace_back(seg);
    }
    pos = end + 1;
  }
  std::string result = absolute ? "/" : "";
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) result += '/';
    result += out[i];
  }
  if (trailing_slash && !result.empty() && result.back() != '/') result += '/';
  return result;
}

std::string strip_fragment(std::string_view s) {
  size_t hash = s.find('#');
  return std::string(hash == std::string_view::npos ? s : s.substr(0, hash));
}

// RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
bool is_scheme(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '+' || c == '-' || c == '.'; });
}

}  // namespace

UrlParts split_url(std::string_view url_in) {
  std::string url = strip_fragment(url_in);
  size_t colon = url.find("://");
  if (colon == std::string::npos || colon == 0) throw std::invalid_argument("not an absolute URL: " + url);
  UrlParts parts;
  parts.scheme = lower(url.substr(0, colon));
  size_t auth_start = colon + 3;
  size_t auth_end = url.find_first_of("/?", auth_start);
  if (auth_end == std::string::npos) auth_end = url.size();
  parts.authority = lower(url.substr(auth_start, auth_end - auth_start));
  if (parts.authority.empty()) throw std::invalid_argument("URL has no host: " + url);
  size_t q = url.find('?', auth_end);
  parts.path = url.substr(auth_end, (q == std::string::npos ? url.size() : q) - auth_end);
  if (q != std::string::npos) parts.query = url.substr(q + 1);
  return parts;
}

std::string url_origin(std::string_view url) {
  UrlParts p = split_url(url);
  return p.scheme + "://" + p.authority;
}

std::string join_url(std::string_view base_url, std::string_view path) {
  std::string out(base_url);
  while (!out.empty() && out.back() == '/') out.pop_back();
  size_t skip = 0;
  while (skip < path.size() && path[skip] == '/') ++skip;
  if (skip == path.size()) return out + (path.empty() ? "" : "/");
  return out + "/" + std::string(path.substr(skip));
}

std::string append_query(std::string url, const QueryParams& params) {
  for (const auto& [name, value] : params) {
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += url_encode(name) + "=" + url_encode(value);
  }
  return url;
}

std::string set_query_param(const std::string& url, const std::string& name, const std::string& value) {
  size_t hash = url.find('#');
  std::string head = hash == std::string::npos ? url : url.substr(0, hash);
  size_t q = head.find('?');
  std::string result = q == std::string::npos ? head : head.substr(0, q);
  std::string kept;
  if (q != std::string::npos) {
    std::string query = head.substr(q + 1);
    std::string encoded_name = url_encode(name);
    size_t pos = 0;
    while (pos <= query.size()) {
      size_t end = query.find('&', pos);
      if (end == std::string::npos) end = query.size();
      std::string item = query.substr(pos, end - pos);
      std::string item_name = item.substr(0, item.find('='));
      if (!item.empty() && item_name != name && item_name != encoded_name) kept += (kept.empty() ? "" : "&") + item;
      pos = end + 1;
    }
  }
  if (!kept.empty()) result += "?" + kept;
  return append_query(result, {{name, value}});
}

std::string resolve_url(std::string_view base, std::string_view reference) {
  std::string ref = strip_fragment(reference);
  // RFC 3986 section 3.1: a scheme is everything before the first ':' when it stands before any '/' or
  // '?' and has the scheme's syntax. "https:/x" or "mailto:x" has a scheme but no "//host": strictly it
  // resolves to itself, which names no server, so it is refused rather than read as a relative path.
  const size_t colon = ref.find(':');
  if (colon != std::string::npos && colon < ref.find_first_of("/?")) {
    if (!is_scheme(std::string_view(ref).substr(0, colon))) {
      throw std::invalid_argument("the reference \"" + ref + "\" is not a URL: \"" + ref.substr(0, colon) +
                                  ":\" is not a scheme, and a relative path's first segment cannot hold ':'");
    }
    if (ref.compare(colon, 3, "://") != 0) {
      throw std::invalid_argument("the reference \"" + ref +
                                  "\" has a scheme but no \"//host\", so it names no server");
    }
    return ref;
  }
  UrlParts b = split_url(base);
  if (ref.rfind("//", 0) == 0) return b.scheme + ":" + ref;  // network-path reference
  std::string prefix = b.scheme + "://" + b.authority;
  if (ref.empty()) return prefix + b.path + (b.query.empty() ? "" : "?" + b.query);
  if (ref[0] == '?') return prefix + b.path + ref;
  size_t q = ref.find('?');
  std::string ref_path = ref.substr(0, q);
  std::string ref_query = q == std::string::npos ? "" : ref.substr(q);
  std::string merged;
  if (ref_path[0] == '/') {
    merged = ref_path;
  } else {
    size_t slash = b.path.rfind('/');
    merged = (slash == std::string::npos ? "/" : b.path.substr(0, slash + 1)) + ref_path;
  }
  return prefix + remove_dot_segments(merged) + ref_query;
}

}  // namespace zra::rest
