#pragma once
// The secrets one plugin instance knows (tokens, passwords, API keys, client secrets, the Basic
// credentials' base64), replaced by "***" in every message the plugin emits. The plugin is a separate
// module, so the host's logger registry cannot see them: each instance keeps its own.
#include <string>
#include <string_view>
#include <vector>

namespace zra::rest {

class SecretMask {
 public:
  // Registers a secret and its URL-encoded form (as it appears in a query string). Values shorter than
  // 4 characters are ignored: masking them would garble ordinary text.
  void add(const std::string& secret);
  // Masks the value of the query parameter `name` in every URL apply() sees (an API key in the query
  // may differ from the configured one in a server-made "next" URL).
  void add_query_param(const std::string& name);
  // Returns `text` with every registered secret and masked query parameter replaced by "***".
  std::string apply(std::string text) const;

 private:
  std::vector<std::string> secrets_;  // longest first
  std::vector<std::string> query_params_;
};

// Replaces the value of every query parameter `name=` in `text` (a URL or a message holding URLs) by "***".
std::string mask_query_param(std::string url, std::string_view name);

// A short, single-line, printable excerpt of a response body for an error message (not yet redacted).
std::string body_excerpt(std::string_view body, size_t max_chars = 200);

}  // namespace zra::rest
