#include "plugins/rest/secret_mask.h"

#include <algorithm>

#include "core/http/http_transport.h"

namespace zra::rest {

void SecretMask::add(const std::string& secret) {
  if (secret.size() < 4) return;
  for (const std::string& form : {secret, url_encode(secret)}) {
    if (std::find(secrets_.begin(), secrets_.end(), form) == secrets_.end()) secrets_.push_back(form);
  }
  // Longest first, so that a secret containing another is masked whole.
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void SecretMask::add_query_param(const std::string& name) {
  if (!name.empty()) query_params_.push_back(name);
}

std::string SecretMask::apply(std::string text) const {
  for (const std::string& name : query_params_) text = mask_query_param(std::move(text), name);
  for (const std::string& secret : secrets_) {
    for (size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
      text.replace(pos, secret.size(), "***");
    }
  }
  return text;
}

std::string mask_query_param(std::string text, std::string_view name) {
  if (name.empty()) return text;
  const std::string needle = std::string(name) + "=";
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
    // Only a parameter: preceded by '?' or '&'.
    if (pos == 0 || (text[pos - 1] != '?' && text[pos - 1] != '&')) continue;
    size_t value = pos + needle.size();
    size_t end = text.find_first_of("&# \t\"'<>,;)]}", value);
    if (end == std::string::npos) end = text.size();
    text.replace(value, end - value, "***");
  }
  return text;
}

namespace {
// Drops a UTF-8 sequence cut short at the end of `s`, so an excerpt stays valid UTF-8.
void drop_incomplete_utf8_tail(std::string& s) {
  size_t lead = s.size();
  while (lead > 0 && (static_cast<unsigned char>(s[lead - 1]) & 0xC0) == 0x80) --lead;
  if (lead == 0) return;
  unsigned char c = static_cast<unsigned char>(s[lead - 1]);
  size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
  if (s.size() - (lead - 1) < need) s.resize(lead - 1);
}
}  // namespace

std::string body_excerpt(std::string_view body, size_t max_chars) {
  std::string out;
  for (char c : body) {
    if (out.size() >= max_chars) {
      drop_incomplete_utf8_tail(out);
      out += "...";
      break;
    }
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  return out;
}

}  // namespace zra::rest
