#pragma once
// One configured REST source (the plugin instance) and the streams it opens. Everything here is plain
// C++ over the HttpTransport seam; rest_plugin.cpp is the thin C ABI glue around it.
// Not thread-safe: the host makes one call at a time per instance (plugin.h, LIFECYCLE).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/clock.h"
#include "core/http/http_transport.h"
#include "plugins/rest/authenticator.h"
#include "plugins/rest/paginator.h"
#include "plugins/rest/record_flattener.h"
#include "plugins/rest/request_sender.h"
#include "plugins/rest/rest_settings.h"
#include "plugins/rest/secret_mask.h"

namespace zra::rest {

// One page as rows: the flattened records, and one locator per row ("GET /contacts page 7 item 12").
struct RestPage {
  long number = 0;
  PageTable table;
  std::vector<std::string> locators;
};

class RestSource;

class RestStream {
 public:
  RestStream(RestSource& source, RestStreamSettings settings);

  // Fetches the next page into `page`. Returns false when the stream is finished (an empty page, no
  // next cursor/link, a single-page stream). Throws StreamError naming the page and the (masked) URL when
  // the server fails after retries, the page is not JSON, `records` is missing or not an array, or
  // pagination loops.
  bool next(RestPage& page);

  const RestStreamSettings& settings() const { return settings_; }

 private:
  HttpResponse fetch(const std::string& url);

  RestSource& source_;
  RestStreamSettings settings_;
  Paginator paginator_;
};

class RestSource {
 public:
  // Parses nothing: `settings` is already checked (parse_source_settings). Uses `transport`, `clock` and
  // `random` for everything; `log` receives redacted lines for the host.
  RestSource(RestSourceSettings settings, std::unique_ptr<HttpTransport> transport, Clock& clock,
             std::unique_ptr<RandomSource> random, LogSink log);

  // Opens a stream (stream_json as plugin.h describes). Throws SettingsError.
  std::unique_ptr<RestStream> open(const nlohmann::json& stream_json);

  // Checks that base_url answers and the credentials are accepted (OAuth2: a token is fetched), without
  // reading data. Throws StreamError.
  void check();

  // Applies the secret mask: every message leaving the plugin goes through it.
  std::string redact(std::string text) const { return mask_.apply(std::move(text)); }

  const RestSourceSettings& settings() const { return settings_; }
  Authenticator& authenticator() { return *auth_; }
  RequestSender& sender() { return *sender_; }

 private:
  RestSourceSettings settings_;
  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<RandomSource> random_;
  SecretMask mask_;
  std::unique_ptr<RequestSender> sender_;
  std::unique_ptr<Authenticator> auth_;
};

}  // namespace zra::rest
