// The ODBC source plugin's C ABI: the descriptor, its declared settings, and the entry points, each of
// which turns exceptions into a zra_status and a message (nothing C++ crosses the boundary).
#include <memory>
#include <new>
#include <string>

#include "plugins/odbc/odbc_failure.h"
#include "plugins/odbc/odbc_source.h"
#include "plugins/odbc/odbc_stream.h"
#include "zra_sync/plugin.h"

namespace {

using zra::odbc::OdbcFailure;
using zra::odbc::OdbcSource;
using zra::odbc::OdbcStream;

const zra_setting_desc kSettings[] = {
    {"connection_string", ZRA_SETTING_SECRET, 0, nullptr,
     "ODBC connection string, e.g. Driver=SQLite3;Database=crm.db (or use dsn)"},
    {"dsn", ZRA_SETTING_STRING, 0, nullptr, "data source name from odbc.ini (instead of connection_string)"},
    {"user", ZRA_SETTING_STRING, 0, nullptr, "user name (UID)"},
    {"password", ZRA_SETTING_SECRET, 0, nullptr, "password (PWD); take it from the environment: ${DB_PASSWORD}"},
    {"login_timeout_s", ZRA_SETTING_INTEGER, 0, nullptr, "seconds to wait for a connection"},
    {"query_timeout_s", ZRA_SETTING_INTEGER, 0, nullptr, "seconds a query may run"},
};

const zra_setting_desc kStreamSettings[] = {
    {"query", ZRA_SETTING_STRING, 1, nullptr, "SELECT returning the rows; named parameters :since and :name"},
    {"key", ZRA_SETTING_STRING, 0, nullptr, "column naming each row in locators (stream#key=value)"},
    {"params", ZRA_SETTING_OBJECT, 0, nullptr, "values of the query's named parameters, e.g. {region: EMEA}"},
    {"fetch_rows", ZRA_SETTING_INTEGER, 0, "1000", "rows per ODBC fetch block"},
};

struct Cursor {
  std::unique_ptr<OdbcStream> stream;
};

template <typename F>
int guarded(zra_error* err, F&& body) {
  try {
    return body();
  } catch (const OdbcFailure& failure) {
    return zra_set_error(err, failure.status(), "%s", failure.what());
  } catch (const std::bad_alloc&) {
    return zra_set_error(err, ZRA_ERROR_NOMEM, "odbc: out of memory");
  } catch (const std::exception& e) {
    return zra_set_error(err, ZRA_ERROR, "odbc: %s", e.what());
  }
}

int odbc_create(const zra_host_api* host, const char* settings_json, void** instance, zra_error* err) {
  return guarded(err, [&] {
    if (instance == nullptr) return zra_set_error(err, ZRA_ERROR, "odbc: create() called without an instance pointer");
    *instance = nullptr;
    *instance = new OdbcSource(host, settings_json != nullptr ? settings_json : "");
    return static_cast<int>(ZRA_OK);
  });
}

int odbc_open(void* instance, const char* stream_json, void** cursor, zra_error* err) {
  return guarded(err, [&] {
    if (instance == nullptr || cursor == nullptr) return zra_set_error(err, ZRA_ERROR, "odbc: open() called without an instance");
    *cursor = nullptr;
    auto stream = static_cast<OdbcSource*>(instance)->open(stream_json != nullptr ? stream_json : "");
    *cursor = new Cursor{std::move(stream)};
    return static_cast<int>(ZRA_OK);
  });
}

int odbc_next_batch(void* cursor, const zra_batch** batch, zra_error* err) {
  return guarded(err, [&] {
    if (cursor == nullptr || batch == nullptr) return zra_set_error(err, ZRA_ERROR, "odbc: next_batch() called without a cursor");
    *batch = static_cast<Cursor*>(cursor)->stream->next_batch();
    return static_cast<int>(*batch != nullptr ? ZRA_OK : ZRA_DONE);
  });
}

void odbc_close(void* cursor) { delete static_cast<Cursor*>(cursor); }

void odbc_destroy(void* instance) { delete static_cast<OdbcSource*>(instance); }

int odbc_check(void* instance, zra_error* err) {
  return guarded(err, [&] {
    if (instance == nullptr) return zra_set_error(err, ZRA_ERROR, "odbc: check() called without an instance");
    static_cast<OdbcSource*>(instance)->check();
    return static_cast<int>(ZRA_OK);
  });
}

const zra_source_plugin kDescriptor = {
    sizeof(zra_source_plugin),
    ZRA_PLUGIN_ABI_MAJOR,
    ZRA_PLUGIN_ABI_MINOR,
    0,
    "odbc",
    "1.0.0",
    "reads rows of SQL queries through unixODBC (SQLite, PostgreSQL, any ODBC driver)",
    kSettings,
    sizeof(kSettings) / sizeof(kSettings[0]),
    sizeof(kStreamSettings) / sizeof(kStreamSettings[0]),
    kStreamSettings,
    odbc_create,
    odbc_open,
    odbc_next_batch,
    odbc_close,
    odbc_destroy,
    odbc_check,
};

}  // namespace

extern "C" ZRA_SOURCE_PLUGIN_ENTRY {
  if (host_abi_major != ZRA_PLUGIN_ABI_MAJOR) return nullptr;
  (void)host_abi_minor;
  return &kDescriptor;
}
