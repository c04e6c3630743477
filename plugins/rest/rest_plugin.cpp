// The REST source plugin's C ABI glue: parses JSON, builds a RestSource over the cpprest transport, and
// copies pages into zra_batch structs. No logic lives here; no exception crosses the boundary.
#include <zra_sync/plugin.h>

#include <chrono>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/clock.h"
#include "core/http/http_transport.h"
#include "plugins/rest/rest_errors.h"
#include "plugins/rest/rest_source.h"

namespace {

using zra::rest::RestPage;
using zra::rest::RestSource;
using zra::rest::RestStream;

struct Instance {
  const zra_host_api* host = nullptr;
  std::unique_ptr<RestSource> source;

  void log(int level, const std::string& message) const {
    if (host != nullptr && host->log != nullptr) {
      host->log(host->host_context, static_cast<zra_log_level>(level), message.c_str());
    }
  }
};

// A stream and the memory of its current batch (valid until the next call on the cursor).
struct Cursor {
  Instance* instance = nullptr;
  std::unique_ptr<RestStream> stream;
  RestPage page;
  std::vector<const char*> column_names;
  std::vector<zra_value> values;
  std::vector<zra_row> rows;
  zra_batch batch{};
};

// Runs `body`, turning every exception into a status and a redacted message.
template <typename Body>
int guarded(zra_error* err, const RestSource* source, const char* what, Body&& body) {
  auto redact = [source](std::string s) { return source != nullptr ? source->redact(std::move(s)) : s; };
  try {
    return body();
  } catch (const zra::rest::SettingsError& e) {
    return zra_set_error(err, ZRA_ERROR_SETTINGS, "%s", redact(e.what()).c_str());
  } catch (const zra::rest::StreamError& e) {
    return zra_set_error(err, e.status(), "%s", redact(e.what()).c_str());
  } catch (const std::bad_alloc&) {
    return zra_set_error(err, ZRA_ERROR_NOMEM, "rest: out of memory in %s", what);
  } catch (const std::exception& e) {
    return zra_set_error(err, ZRA_ERROR, "rest: unexpected error in %s: %s", what, redact(e.what()).c_str());
  } catch (...) {
    return zra_set_error(err, ZRA_ERROR, "rest: unexpected non-standard exception in %s", what);
  }
}

nlohmann::json parse_json_arg(const char* text, const char* what) {
  if (text == nullptr) throw zra::rest::SettingsError(what, "missing (NULL)");
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw zra::rest::SettingsError(what, std::string("not valid JSON: ") + e.what());
  }
}

int rest_create(const zra_host_api* host, const char* settings_json, void** instance, zra_error* err) {
  return guarded(err, nullptr, "create", [&] {
    auto inst = std::make_unique<Instance>();
    inst->host = host;
    zra::rest::RestSourceSettings settings = zra::rest::parse_source_settings(parse_json_arg(settings_json, "settings"));
    zra::TlsOptions tls;
    tls.verify = settings.tls_verify;
    if (!settings.tls_verify) {
      inst->log(ZRA_LOG_WARN, "rest: tls_verify is false: TLS certificates of " + zra::rest::url_origin(settings.base_url) +
                                  " are NOT verified; anyone on the network path can read the credentials");
    }
    const auto seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    Instance* raw = inst.get();
    inst->source = std::make_unique<RestSource>(std::move(settings), zra::make_cpprest_transport(tls),
                                                zra::system_clock(), zra::make_random_source(seed),
                                                [raw](int level, const std::string& m) { raw->log(level, m); });
    *instance = inst.release();
    return ZRA_OK;
  });
}

int rest_open(void* instance, const char* stream_json, void** cursor, zra_error* err) {
  auto* inst = static_cast<Instance*>(instance);
  return guarded(err, inst->source.get(), "open", [&] {
    auto c = std::make_unique<Cursor>();
    c->instance = inst;
    c->stream = inst->source->open(parse_json_arg(stream_json, "stream"));
    *cursor = c.release();
    return ZRA_OK;
  });
}

// Pages of empty objects have no columns; the ABI still wants non-NULL arrays.
const char* const kNoColumns[1] = {nullptr};
const zra_value kNoValue{nullptr, 0};

void fill_batch(Cursor& c) {
  const zra::rest::PageTable& table = c.page.table;
  const size_t n_cols = table.columns.size();
  c.column_names.clear();
  for (const std::string& name : table.columns) c.column_names.push_back(name.c_str());
  c.values.assign(table.rows.size() * n_cols, zra_value{nullptr, 0});
  c.rows.assign(table.rows.size(), zra_row{nullptr, nullptr, nullptr});
  for (size_t r = 0; r < table.rows.size(); ++r) {
    for (size_t col = 0; col < n_cols; ++col) {
      const auto& v = table.rows[r][col];
      // An empty string must stay distinct from NULL: any non-NULL pointer will do for size 0.
      if (v) c.values[r * n_cols + col] = zra_value{v->c_str(), v->size()};
    }
    c.rows[r].values = n_cols > 0 ? &c.values[r * n_cols] : &kNoValue;
    c.rows[r].locator = c.page.locators[r].c_str();
    c.rows[r].error = table.row_errors[r] ? table.row_errors[r]->c_str() : nullptr;
  }
  c.batch.struct_size = sizeof(zra_batch);
  c.batch.n_columns = static_cast<uint32_t>(n_cols);
  c.batch.column_names = n_cols > 0 ? c.column_names.data() : kNoColumns;
  c.batch.n_rows = c.rows.size();
  c.batch.rows = c.rows.data();
}

int rest_next_batch(void* cursor, const zra_batch** batch, zra_error* err) {
  auto* c = static_cast<Cursor*>(cursor);
  return guarded(err, c->instance->source.get(), "next_batch", [&] {
    if (!c->stream->next(c->page)) return static_cast<int>(ZRA_DONE);
    fill_batch(*c);
    *batch = &c->batch;
    return static_cast<int>(ZRA_OK);
  });
}

void rest_close(void* cursor) { delete static_cast<Cursor*>(cursor); }

void rest_destroy(void* instance) { delete static_cast<Instance*>(instance); }

int rest_check(void* instance, zra_error* err) {
  auto* inst = static_cast<Instance*>(instance);
  return guarded(err, inst->source.get(), "check", [&] {
    inst->source->check();
    return ZRA_OK;
  });
}

const zra_setting_desc kSettings[] = {
    {"base_url", ZRA_SETTING_STRING, 1, nullptr, "API root: https://..., or http:// to a loopback address"},
    {"auth", ZRA_SETTING_OBJECT, 0, nullptr,
     "{type: bearer|basic|api_key|oauth2_client_credentials, ...} (see docs/plugin-rest.md)"},
    {"headers", ZRA_SETTING_OBJECT, 0, nullptr, "extra request headers {name: value}"},
    {"requests_per_second", ZRA_SETTING_STRING, 0, "0", "maximum request rate, may be fractional; 0 = unlimited"},
    {"max_retries", ZRA_SETTING_INTEGER, 0, "5", "retries of a 429, 5xx or unanswered request"},
    {"timeout_s", ZRA_SETTING_INTEGER, 0, "60", "seconds to wait for one answer"},
    {"tls_verify", ZRA_SETTING_BOOLEAN, 0, "true", "verify TLS certificates (false is warned about)"},
    {"max_pages", ZRA_SETTING_INTEGER, 0, "100000", "a stream announcing more pages than this fails"},
    {"backoff_initial_ms", ZRA_SETTING_INTEGER, 0, "500", "first retry delay; doubles per retry (with jitter)"},
};

const zra_setting_desc kStreamSettings[] = {
    {"path", ZRA_SETTING_STRING, 1, nullptr, "resource path under base_url, e.g. /contacts"},
    {"params", ZRA_SETTING_OBJECT, 0, nullptr, "query parameters; \"{since}\" is replaced by the stream's since"},
    {"records", ZRA_SETTING_STRING, 0, "\"\"", "JSON pointer to the records array; \"\" = the body is the array"},
    {"pagination", ZRA_SETTING_OBJECT, 0, nullptr,
     "{type: page|offset|cursor|next_url|link_header|none, ...} (default none)"},
};

const zra_source_plugin kDescriptor = {
    sizeof(zra_source_plugin),
    ZRA_PLUGIN_ABI_MAJOR,
    ZRA_PLUGIN_ABI_MINOR,
    0,
    "rest",
    "1.0.0",
    "reads JSON records from a REST API (pagination, OAuth2, retries)",
    kSettings,
    static_cast<uint32_t>(sizeof(kSettings) / sizeof(kSettings[0])),
    static_cast<uint32_t>(sizeof(kStreamSettings) / sizeof(kStreamSettings[0])),
    kStreamSettings,
    rest_create,
    rest_open,
    rest_next_batch,
    rest_close,
    rest_destroy,
    rest_check,
};

}  // namespace

extern "C" ZRA_SOURCE_PLUGIN_ENTRY {
  if (host_abi_major != ZRA_PLUGIN_ABI_MAJOR) return nullptr;
  (void)host_abi_minor;  // ABI 1.0 needs nothing newer
  return &kDescriptor;
}
