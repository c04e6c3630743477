// The built-in `csv` source plugin: the ABI glue around CsvStream. Everything CSV is in csv_parser and
// csv_stream; this file turns stream settings into CsvStreamOptions and rows into zra_batch memory.
#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugins/csv/csv_stream.h"
#include "zra_sync/plugin.hpp"

namespace {

using zra::csv::CsvOpenError;
using zra::csv::CsvRow;
using zra::csv::CsvStream;
using zra::csv::CsvStreamOptions;
using zra_sync::plugin_error;

// The rows of one batch, in memory the plugin owns until the next call.
struct CsvCursor {
  explicit CsvCursor(const CsvStreamOptions& o, size_t rows) : stream(o), batch_rows(rows) {}
  CsvStream stream;
  size_t batch_rows;
  std::vector<const char*> column_names;
  std::string bytes;                  // every value of the batch, back to back
  std::string locators;               // NUL-terminated, back to back
  std::vector<size_t> value_offsets;  // into bytes; SIZE_MAX = NULL
  std::vector<size_t> row_locator, row_error;
  std::vector<std::string> errors;
  std::vector<zra_value> values;
  std::vector<zra_row> rows;
  zra_batch batch{};
};

char char_setting(const nlohmann::json& s, const char* key) {
  const std::string v = s.at(key).get<std::string>();
  if (v.size() != 1 || static_cast<unsigned char>(v[0]) >= 0x80 || v[0] == '\n' || v[0] == '\r' || v[0] == '\0') {
    throw plugin_error(ZRA_ERROR_SETTINGS, std::string("stream setting '") + key +
                                               "' must be one ASCII character other than a line end, found '" + v + "'");
  }
  return v[0];
}

CsvStreamOptions parse_options(const nlohmann::json& s) {
  if (!s.is_object()) throw plugin_error(ZRA_ERROR_SETTINGS, "the stream definition must be a JSON object");
  if (!s.contains("path") || !s["path"].is_string() || s["path"].get<std::string>().empty()) {
    throw plugin_error(ZRA_ERROR_SETTINGS, "stream setting 'path' (the CSV file) is required");
  }
  CsvStreamOptions o;
  o.path = s["path"].get<std::string>();
  if (s.contains("delimiter")) o.delimiter = char_setting(s, "delimiter");
  if (s.contains("quote")) o.quote = char_setting(s, "quote");
  if (o.delimiter == o.quote) throw plugin_error(ZRA_ERROR_SETTINGS, "stream settings 'delimiter' and 'quote' must differ");
  if (s.contains("header")) {
    if (!s["header"].is_boolean()) throw plugin_error(ZRA_ERROR_SETTINGS, "stream setting 'header' must be true or false");
    o.header = s["header"].get<bool>();
  }
  if (s.contains("encoding")) {
    std::string e = s["encoding"].is_string() ? s["encoding"].get<std::string>() : "";
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (e != "utf-8" && e != "utf8") {
      throw plugin_error(ZRA_ERROR_SETTINGS, "stream setting 'encoding' must be \"utf-8\" (convert the file with iconv first), found " +
                                                 s["encoding"].dump());
    }
  }
  return o;
}

void fill_batch(CsvCursor& c) {
  c.bytes.clear();
  c.locators.clear();
  c.value_offsets.clear();
  c.row_locator.clear();
  c.row_error.clear();
  c.errors.clear();
  CsvRow row;
  while (c.row_locator.size() < c.batch_rows && c.stream.next(row)) {
    const size_t n_columns = c.stream.columns().size();  // fixed once known (a good row implies known)
    c.row_locator.push_back(c.locators.size());
    c.locators.append(row.locator).push_back('\0');
    if (row.error) {
      c.row_error.push_back(c.errors.size());
      c.errors.push_back(*row.error);
      continue;
    }
    c.row_error.push_back(SIZE_MAX);
    for (size_t i = 0; i < n_columns; ++i) {
      auto v = row.value(i);
      if (!v) {
        c.value_offsets.push_back(SIZE_MAX);
        c.value_offsets.push_back(0);
      } else {
        c.value_offsets.push_back(c.bytes.size());
        c.value_offsets.push_back(v->size());
        c.bytes.append(*v);
      }
    }
  }
  // Pointers are taken only now that the buffers no longer grow.
  const auto& names = c.stream.columns();
  c.column_names.clear();
  for (const auto& n : names) c.column_names.push_back(n.c_str());
  const size_t n_columns = names.size();
  const size_t n_rows = c.row_locator.size();
  c.values.assign(n_rows * n_columns, zra_value{nullptr, 0});
  c.rows.assign(n_rows, zra_row{});
  size_t k = 0;
  for (size_t r = 0; r < n_rows; ++r) {
    zra_row& out = c.rows[r];
    out.locator = c.locators.data() + c.row_locator[r];
    out.values = c.values.data() + r * n_columns;
    if (c.row_error[r] != SIZE_MAX) {
      out.error = c.errors[c.row_error[r]].c_str();
      continue;
    }
    for (size_t i = 0; i < n_columns; ++i, k += 2) {
      if (c.value_offsets[k] != SIZE_MAX) c.values[r * n_columns + i] = {c.bytes.data() + c.value_offsets[k], c.value_offsets[k + 1]};
    }
  }
  c.batch.struct_size = sizeof(zra_batch);
  c.batch.n_columns = static_cast<uint32_t>(n_columns);
  c.batch.column_names = c.column_names.data();
  c.batch.n_rows = n_rows;
  c.batch.rows = c.rows.data();
}

int csv_create(const zra_host_api*, const char* settings_json, void** instance, zra_error* err) {
  return zra_sync::guarded(err, [&] {
    nlohmann::json s = nlohmann::json::parse(settings_json);
    if (!s.is_object() || !s.empty()) throw plugin_error(ZRA_ERROR_SETTINGS, "the csv plugin takes no source settings; put them on each stream");
    *instance = nullptr;  // stateless: every stream names its own file
    return ZRA_OK;
  });
}

int csv_open(void*, const char* stream_json, void** cursor, zra_error* err) {
  return zra_sync::guarded(err, [&] {
    nlohmann::json s = nlohmann::json::parse(stream_json);
    CsvStreamOptions options = parse_options(s);
    size_t batch_rows = 1000;
    if (s.contains("batch_rows") && s["batch_rows"].is_number_unsigned()) {
      batch_rows = std::clamp<size_t>(s["batch_rows"].get<size_t>(), 1, 100000);
    }
    try {
      *cursor = new CsvCursor(options, batch_rows);
    } catch (const CsvOpenError& e) {
      throw plugin_error(ZRA_ERROR_IO, e.what());
    }
    return ZRA_OK;
  });
}

int csv_next_batch(void* cursor, const zra_batch** batch, zra_error* err) {
  return zra_sync::guarded(err, [&] {
    auto* c = static_cast<CsvCursor*>(cursor);
    try {
      fill_batch(*c);
    } catch (const std::runtime_error& e) {
      throw plugin_error(ZRA_ERROR_IO, e.what());
    }
    if (c->batch.n_rows == 0) return static_cast<int>(ZRA_DONE);
    *batch = &c->batch;
    return static_cast<int>(ZRA_OK);
  });
}

void csv_close(void* cursor) noexcept { delete static_cast<CsvCursor*>(cursor); }
void csv_destroy(void*) noexcept {}

const zra_setting_desc kStreamSettings[] = {
    {"path", ZRA_SETTING_PATH, 1, nullptr, "the CSV file, relative to the config file naming it"},
    {"delimiter", ZRA_SETTING_CHAR, 0, "\",\"", "field delimiter (one ASCII character)"},
    {"header", ZRA_SETTING_BOOLEAN, 0, "true", "the first line names the columns (false: columns are 1, 2, ...)"},
    {"quote", ZRA_SETTING_CHAR, 0, "\"\\\"\"", "quote character"},
    {"encoding", ZRA_SETTING_STRING, 0, "\"utf-8\"", "only utf-8 (with or without BOM)"},
};

zra_source_plugin make_descriptor() {
  zra_source_plugin d{};
  d.struct_size = sizeof(zra_source_plugin);
  d.abi_major = ZRA_PLUGIN_ABI_MAJOR;
  d.abi_minor = ZRA_PLUGIN_ABI_MINOR;
  d.name = "csv";
  d.version = "1.0.0";
  d.description = "RFC 4180 CSV files (UTF-8), streamed with bounded memory";
  d.stream_settings = kStreamSettings;
  d.n_stream_settings = sizeof(kStreamSettings) / sizeof(kStreamSettings[0]);
  d.create = csv_create;
  d.open = csv_open;
  d.next_batch = csv_next_batch;
  d.close = csv_close;
  d.destroy = csv_destroy;
  return d;
}

const zra_source_plugin kDescriptor = make_descriptor();

}  // namespace

ZRA_SOURCE_PLUGIN_ENTRY {
  (void)host_abi_major;
  (void)host_abi_minor;
  return &kDescriptor;
}
