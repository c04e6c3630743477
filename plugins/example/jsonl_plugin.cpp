/*
 * jsonl -- an example zra-sync source plugin that reads a JSON Lines file (one JSON object per line).
 *
 * To write your own source plugin from this one (in the spirit of SQLite's templatevtab.c):
 *
 *   1. Copy this folder (CMakeLists.txt and this file) out of the zra-sync tree and rename the files.
 *   2. In CMakeLists.txt, change `jsonl` in zra_sync_add_plugin() to your plugin's name; the file built is
 *      lib<name>.so and configs will say `plugin: <name>`.
 *   3. In make_descriptor() at the bottom, set name (the same <name>), version and description.
 *   4. Declare your settings in kSettings (a source's `settings:`) and kStreamSettings (a stream's own
 *      keys). The host checks them (unknown keys, types, required) and fills defaults before you see them.
 *   5. Replace JsonlInstance (what create() builds from the settings: a connection, a client) and
 *      JsonlCursor (one open stream: a file, a query, a page position) with your own state.
 *   6. Rewrite fill_batch() to read up to `batch_rows` rows from your source. Give every row a locator that
 *      lets a user find it ("file.jsonl:12", "accounts#Id=42", "GET /contacts page 3 item 7").
 *   7. Build against the installed SDK (cmake -DCMAKE_PREFIX_PATH=<prefix>), then run
 *      `zra-sync plugin check lib<name>.so --settings '{...}' --stream '{...}'` until it says PASSED.
 *   8. Put lib<name>.so in a directory listed in the config's `plugin_paths` (not world-writable).
 *
 * The contract in one breath (plugins/sdk/include/zra_sync/plugin.h has all of it): pure C across the
 * boundary, no exception may escape (zra_sync::guarded catches them), whoever allocates frees, a batch is
 * yours until the next call on that cursor, an error is a negative status plus a message (zra_set_error).
 */
#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zra_sync/plugin.hpp"

namespace {

using zra_sync::plugin_error;

/* What create() builds. jsonl needs only the host (for logging); a database plugin keeps its connection. */
struct JsonlInstance {
  const zra_host_api* host;
};

/* One open stream, and the memory of the batch it last returned (valid until the next call). */
struct JsonlCursor {
  std::ifstream file;
  std::string file_name;  // for locators
  size_t batch_rows = 1000;
  uint64_t line = 0;
  // The current batch: strings the zra_value / zra_row pointers point into.
  std::vector<std::string> columns;
  std::vector<const char*> column_ptrs;
  std::vector<nlohmann::json> objects;  // one per row (null for a row with an error)
  std::vector<std::string> texts;       // row-major: rows x columns (values as text)
  std::vector<bool> present;            // same shape: false = NULL
  std::vector<std::string> locators, errors;
  std::vector<zra_value> values;
  std::vector<zra_row> rows;
  zra_batch batch{};
};

/* Reads up to batch_rows non-blank lines. The batch's columns are the keys seen in it, in first-seen order:
 * a key one row lacks is NULL there. (Column names may differ from one batch to the next.) */
void fill_batch(JsonlCursor& c) {
  c.columns.clear();
  c.objects.clear();
  c.locators.clear();
  c.errors.clear();
  std::string line;
  while (c.objects.size() < c.batch_rows && std::getline(c.file, line)) {
    ++c.line;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines are skipped
    c.locators.push_back(c.file_name + ":" + std::to_string(c.line));
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
      // A bad line is a row error (the run reports it with its locator); the rest of the file goes on.
      c.errors.push_back(j.is_discarded() ? "not valid JSON" : "not a JSON object");
      c.objects.emplace_back(nullptr);
      continue;
    }
    c.errors.emplace_back();
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (std::find(c.columns.begin(), c.columns.end(), it.key()) == c.columns.end()) c.columns.push_back(it.key());
    }
    c.objects.push_back(std::move(j));
  }
  if (c.file.bad()) throw plugin_error(ZRA_ERROR_IO, "cannot read " + c.file_name);

  // Values as text: strings as they are, other scalars as JSON text, null as NULL, objects/arrays as JSON.
  const size_t n_rows = c.objects.size(), n_cols = c.columns.size();
  c.texts.assign(n_rows * n_cols, std::string());
  c.present.assign(n_rows * n_cols, false);
  for (size_t r = 0; r < n_rows; ++r) {
    if (!c.objects[r].is_object()) continue;
    for (size_t k = 0; k < n_cols; ++k) {
      auto it = c.objects[r].find(c.columns[k]);
      if (it == c.objects[r].end() || it->is_null()) continue;
      c.texts[r * n_cols + k] = it->is_string() ? it->get<std::string>() : it->dump();
      c.present[r * n_cols + k] = true;
    }
  }
  // Pointers are taken last, once no vector grows any more.
  c.column_ptrs.clear();
  for (const auto& name : c.columns) c.column_ptrs.push_back(name.c_str());
  c.values.assign(n_rows * n_cols, zra_value{nullptr, 0});
  c.rows.assign(n_rows, zra_row{});
  for (size_t r = 0; r < n_rows; ++r) {
    for (size_t k = 0; k < n_cols; ++k) {
      const size_t i = r * n_cols + k;
      if (c.present[i]) c.values[i] = zra_value{c.texts[i].data(), c.texts[i].size()};
    }
    c.rows[r].values = c.values.data() + r * n_cols;
    c.rows[r].locator = c.locators[r].c_str();
    c.rows[r].error = c.errors[r].empty() ? nullptr : c.errors[r].c_str();
  }
  c.batch.struct_size = sizeof(zra_batch);  // always sizeof as this plugin was built
  c.batch.n_columns = static_cast<uint32_t>(n_cols);
  c.batch.column_names = c.column_ptrs.data();
  c.batch.n_rows = n_rows;
  c.batch.rows = c.rows.data();
}

/* create(): called once per configured source with its settings as JSON (declared keys only, defaults
 * filled). Validate what the host cannot (value ranges, combinations) and fail with ZRA_ERROR_SETTINGS. */
int jsonl_create(const zra_host_api* host, const char* settings_json, void** instance, zra_error* err) {
  return zra_sync::guarded(err, [&] {
    (void)settings_json;  // jsonl has no source settings: each stream names its file
    *instance = new JsonlInstance{host};
    return ZRA_OK;
  });
}

/* open(): starts reading one stream. stream_json holds "name", "object", the declared stream keys (here
 * "path", already made absolute by the host), maybe "since", and "batch_rows" (a hint). */
int jsonl_open(void* instance, const char* stream_json, void** cursor, zra_error* err) {
  return zra_sync::guarded(err, [&] {
    auto* inst = static_cast<JsonlInstance*>(instance);
    nlohmann::json s = nlohmann::json::parse(stream_json);
    if (!s.contains("path") || !s["path"].is_string()) {
      throw plugin_error(ZRA_ERROR_SETTINGS, "stream setting 'path' (the .jsonl file) is required");
    }
    auto c = std::make_unique<JsonlCursor>();
    const std::string path = s["path"].get<std::string>();
    c->file.open(path);
    if (!c->file) throw plugin_error(ZRA_ERROR_IO, "cannot open " + path);
    c->file_name = path.substr(path.find_last_of('/') + 1);
    if (s.contains("batch_rows") && s["batch_rows"].is_number_unsigned() && s["batch_rows"].get<size_t>() > 0) {
      c->batch_rows = s["batch_rows"].get<size_t>();
    }
    if (inst->host->log != nullptr) inst->host->log(inst->host->host_context, ZRA_LOG_DEBUG, ("jsonl: reading " + path).c_str());
    *cursor = c.release();
    return ZRA_OK;
  });
}

/* next_batch(): the next rows (ZRA_OK), or ZRA_DONE at the end -- and again ZRA_DONE if called after that.
 * The batch stays valid until the next call on this cursor. */
int jsonl_next_batch(void* cursor, const zra_batch** batch, zra_error* err) {
  return zra_sync::guarded(err, [&] {
    auto* c = static_cast<JsonlCursor*>(cursor);
    fill_batch(*c);
    if (c->batch.n_rows == 0) return static_cast<int>(ZRA_DONE);
    *batch = &c->batch;
    return static_cast<int>(ZRA_OK);
  });
}

/* close(): frees everything open() and next_batch() allocated. Never fails. */
void jsonl_close(void* cursor) noexcept { delete static_cast<JsonlCursor*>(cursor); }

/* destroy(): frees everything create() allocated. Never fails. */
void jsonl_destroy(void* instance) noexcept { delete static_cast<JsonlInstance*>(instance); }

/* check() (optional; leave NULL when there is nothing to test): is the source reachable? */
int jsonl_check(void* instance, zra_error* err) {
  (void)instance;
  (void)err;
  return ZRA_OK;  // files are checked by open()
}

/* Settings: name, type, required, default as JSON text, description (shown by `zra-sync plugin list`). */
const zra_setting_desc kStreamSettings[] = {
    {"path", ZRA_SETTING_PATH, 1, nullptr, "the JSON Lines file, relative to the config file naming it"},
};

zra_source_plugin make_descriptor() {
  zra_source_plugin d{};
  d.struct_size = sizeof(zra_source_plugin);  // tells the host which ABI members this plugin knows
  d.abi_major = ZRA_PLUGIN_ABI_MAJOR;
  d.abi_minor = ZRA_PLUGIN_ABI_MINOR;
  d.name = "jsonl";
  d.version = "1.0.0";
  d.description = "JSON Lines files: one object per line, keys become columns";
  d.settings = nullptr;
  d.n_settings = 0;
  d.stream_settings = kStreamSettings;
  d.n_stream_settings = sizeof(kStreamSettings) / sizeof(kStreamSettings[0]);
  d.create = jsonl_create;
  d.open = jsonl_open;
  d.next_batch = jsonl_next_batch;
  d.close = jsonl_close;
  d.destroy = jsonl_destroy;
  d.check = jsonl_check;
  return d;
}

const zra_source_plugin kDescriptor = make_descriptor();

}  // namespace

/* The one exported symbol. Return NULL if you cannot serve the host's ABI (host_abi_major != yours). */
ZRA_SOURCE_PLUGIN_ENTRY {
  if (host_abi_major != ZRA_PLUGIN_ABI_MAJOR) return nullptr;
  (void)host_abi_minor;
  return &kDescriptor;
}
