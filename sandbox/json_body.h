#pragma once
// Reads a request's JSON body the way the sandbox requires it: Content-Type application/json (415
// otherwise), valid UTF-8 (400), well-formed JSON (400). See docs/sandbox.md for why.
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sandbox/http_message.h"

namespace zra::sandbox {

struct JsonBody {
  std::optional<nlohmann::json> value;  // set on success
  SandboxResponse error;                // the answer to send otherwise
};

JsonBody read_json_body(const SandboxRequest& req);

// True when `content_type` is application/json, with or without parameters (charset=utf-8).
bool is_json_content_type(std::string_view content_type);
// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). On failure `bad_offset` is the
// byte offset of the first invalid sequence.
bool is_valid_utf8(std::string_view s, size_t* bad_offset = nullptr);

}  // namespace zra::sandbox
