#include "sandbox/json_body.h"

#include <cctype>
#include <string>

namespace zra::sandbox {

bool is_json_content_type(std::string_view ct) {
  size_t semi = ct.find(';');
  std::string_view media = ct.substr(0, semi);
  while (!media.empty() && std::isspace(static_cast<unsigned char>(media.back()))) media.remove_suffix(1);
  while (!media.empty() && std::isspace(static_cast<unsigned char>(media.front()))) media.remove_prefix(1);
  static constexpr std::string_view kJson = "application/json";
  if (media.size() != kJson.size()) return false;
  for (size_t i = 0; i < media.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(media[i])) != kJson[i]) return false;
  }
  return true;
}

bool is_valid_utf8(std::string_view s, size_t* bad_offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  size_t i = 0;
  auto fail = [&](size_t at) {
    if (bad_offset != nullptr) *bad_offset = at;
    return false;
  };
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned min;
    unsigned cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2; min = 0x80; cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3; min = 0x800; cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4; min = 0x10000; cp = c & 0x07;
    } else {
      return fail(i);
    }
    if (i + len > n) return fail(i);
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return fail(i);
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return fail(i);
    i += len;
  }
  return true;
}

JsonBody read_json_body(const SandboxRequest& req) {
  JsonBody out;
  if (!req.has_content_type || !is_json_content_type(req.content_type)) {
    std::string got = req.has_content_type ? "'" + req.content_type.substr(0, 100) + "'" : "no Content-Type";
    out.error = SandboxResponse::error(415, 415, "Unsupported Media Type: the body must be application/json, got " + got + ".");
    return out;
  }
  size_t bad = 0;
  if (!is_valid_utf8(req.body, &bad)) {
    out.error = SandboxResponse::validation(
        "Request body is not valid UTF-8 (first invalid byte at offset " + std::to_string(bad) + ").", {});
    return out;
  }
  nlohmann::json value;
  // ZRA records are at most three levels deep; a body nested deeper is refused before anything recurses
  // over it (printing or copying a value thousands of levels deep overflows the stack).
  constexpr int kMaxDepth = 64;
  bool too_deep = false;
  auto depth_guard = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > kMaxDepth) too_deep = true;
    return depth <= kMaxDepth;
  };
  try {
    value = nlohmann::json::parse(req.body, depth_guard);
    if (too_deep) {
      out.error = SandboxResponse::validation("Request body is nested more than " + std::to_string(kMaxDepth) +
                                              " levels deep.", {});
      return out;
    }
  } catch (const nlohmann::json::parse_error& e) {
    out.error = SandboxResponse::validation("Request Body should be a valid JSON object. (" + std::string(e.what()) + ")", {});
    return out;
  }
  out.value = std::move(value);
  return out;
}

}  // namespace zra::sandbox
