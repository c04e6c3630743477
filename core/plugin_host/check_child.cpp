#include "core/plugin_host/check_child.h"

#include <malloc.h>
#if defined(__SANITIZE_ADDRESS__)
// From the sanitizer runtime (GCC ships no sanitizer/allocator_interface.h, clang does).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif
#include <unistd.h>

#include <cstring>
#include <functional>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/plugin_host/host_api.h"
#include "core/plugin_host/loaded_plugin.h"
#include "core/plugin_host/source_error.h"

namespace zra::plugin_check_detail {
namespace {

// The pipe to the parent. Writes whole lines with write(2): nothing buffered is lost if the plugin crashes.
class Channel {
 public:
  explicit Channel(int fd) : fd_(fd) {}
  void calling(const std::string& fn) { line("C " + fn); }
  void error(const std::string& m) { line("F E " + escape_line(m)); }
  void warning(const std::string& m) { line("F W " + escape_line(m)); }
  void info(const std::string& m) { line("F I " + escape_line(m)); }
  void value(const std::string& key, const std::string& v) { line("V " + key + " " + escape_line(v)); }

 private:
  void line(std::string s) {
    s += '\n';
    for (size_t off = 0; off < s.size();) {
      ssize_t n = ::write(fd_, s.data() + off, s.size() - off);
      if (n <= 0) return;  // the parent is gone: nobody to report to
      off += static_cast<size_t>(n);
    }
  }
  int fd_;
};

// Bytes the program has allocated and not freed. Under ASan, malloc is ASan's and mallinfo2 sees nothing.
size_t heap_in_use() {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();
#else
  struct mallinfo2 m = ::mallinfo2();
  return m.uordblks + m.hblkhd;
#endif
}

// Calls one plugin function: announces it, catches escaping exceptions, checks that a failure has a message.
class Caller {
 public:
  Caller(Channel& ch, const std::string& label) : ch_(ch), label_(label), buffer_(4096, '\0') {}

  // Returns the status; -1000 when an exception escaped (already reported).
  int call(const std::string& fn, const std::function<int(zra_error*)>& f) {
    ch_.calling(fn);
    buffer_[0] = '\0';
    zra_error err{buffer_.data(), buffer_.size()};
    int status;
    try {
      status = f(&err);
    } catch (const std::exception& e) {
      ch_.error("a C++ exception escaped " + fn + " (" + label_ + "): " + e.what() +
                " -- exceptions must not cross the C ABI; catch them (zra_sync::guarded in plugin.hpp)");
      return kThrew;
    } catch (...) {
      ch_.error("a non-standard C++ exception escaped " + fn + " (" + label_ + ") -- catch it inside the plugin");
      return kThrew;
    }
    buffer_.back() = '\0';
    last_message_ = buffer_.data();
    if (status < 0 && last_message_.empty()) {
      ch_.error(fn + " returned " + status_name(status) + " without an error message (" + label_ +
                "): call zra_set_error() before returning an error");
    }
    return status;
  }
  const std::string& message() const { return last_message_; }
  static constexpr int kThrew = -1000;

 private:
  Channel& ch_;
  std::string label_;
  std::vector<char> buffer_;
  std::string last_message_;
};

struct ReadStats {
  uint64_t rows = 0, row_errors = 0, batches = 0;
  bool finished = false;  // reached DONE
};

// Reads up to `max_rows`; checks each batch. Returns false when the stream failed or broke the contract.
bool read_stream(Channel& ch, Caller& caller, const zra_source_plugin& d, void* cursor, uint64_t max_rows,
                 bool check_after_done, ReadStats& stats) {
  for (;;) {
    const zra_batch* batch = nullptr;
    int st = caller.call("next_batch()", [&](zra_error* e) { return d.next_batch(cursor, &batch, e); });
    if (st == ZRA_DONE) break;
    if (st != ZRA_OK) {
      if (st < 0 && st != Caller::kThrew && !caller.message().empty()) {
        ch.error("next_batch() failed with " + status_name(st) + ": " + caller.message());
      } else if (st > 0) {
        ch.error("next_batch() returned " + status_name(st) + ", which is not a zra_status it may return");
      }
      return false;
    }
    if (batch == nullptr) {
      ch.error("next_batch() returned ZRA_OK but left the batch pointer NULL");
      return false;
    }
    ++stats.batches;
    if (batch->struct_size != sizeof(zra_batch)) {
      ch.error("next_batch() returned a batch with struct_size " + std::to_string(batch->struct_size) +
               "; set it to sizeof(zra_batch) (" + std::to_string(sizeof(zra_batch)) + " in ABI 1.0)");
      if (batch->struct_size < sizeof(zra_batch)) return false;
    }
    if (batch->n_rows > 0 && batch->rows == nullptr) {
      ch.error("a batch says it has " + std::to_string(batch->n_rows) + " rows but its rows pointer is NULL");
      return false;
    }
    if (batch->n_columns > 0 && batch->column_names == nullptr) {
      ch.error("a batch has " + std::to_string(batch->n_columns) + " columns but column_names is NULL");
      return false;
    }
    for (uint32_t c = 0; c < batch->n_columns; ++c) {
      if (batch->column_names[c] == nullptr) {
        ch.error("column " + std::to_string(c + 1) + " of a batch has a NULL name");
        return false;
      }
    }
    if (batch->n_rows == 0) ch.warning("next_batch() returned ZRA_OK with an empty batch; return ZRA_DONE at the end instead");
    for (size_t r = 0; r < batch->n_rows; ++r) {
      const zra_row& row = batch->rows[r];
      if (row.locator == nullptr || row.locator[0] == '\0') {
        ch.error("row " + std::to_string(stats.rows + 1) + " has no locator: every row must say where it is in the "
                 "source (e.g. \"accounts.csv:42\"), users find bad rows by it");
        return false;
      }
      if (row.error == nullptr && batch->n_columns > 0 && row.values == nullptr) {
        ch.error("row '" + std::string(row.locator) + "' has neither values nor an error");
        return false;
      }
      ++stats.rows;
      if (row.error != nullptr) ++stats.row_errors;
    }
    if (stats.rows >= max_rows) return true;  // enough: the rest is more of the same
  }
  stats.finished = true;
  if (!check_after_done) return true;
  for (int again = 0; again < 2; ++again) {
    const zra_batch* batch = nullptr;
    int st = caller.call("next_batch() after ZRA_DONE",
                         [&](zra_error* e) { return d.next_batch(cursor, &batch, e); });
    if (st != ZRA_DONE) {
      ch.error("next_batch() called again after it returned ZRA_DONE returned " + status_name(st) +
               (st == ZRA_OK && batch != nullptr ? " with " + std::to_string(batch->n_rows) + " rows" : std::string()) +
               "; a finished stream must keep returning ZRA_DONE");
      return false;
    }
  }
  return true;
}

void run(const std::string& path, const ProbeSpec& spec, Channel& ch) {
  ch.calling("the entry point '" ZRA_PLUGIN_ENTRY_SYMBOL "' (loading)");
  std::shared_ptr<LoadedPlugin> plugin;
  try {
    plugin = LoadedPlugin::open(path);
  } catch (const PluginError& e) {
    std::string m = e.what();
    if (m.rfind(path + ": ", 0) == 0) m = m.substr(path.size() + 2);
    ch.error(m);
    return;
  }
  const zra_source_plugin& d = plugin->descriptor();
  if (spec.probe == Probe::Load) {
    const PluginInfo& i = plugin->info();
    auto settings = [](const std::vector<SettingInfo>& list) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& s : list) {
        a.push_back({{"name", s.name}, {"type", s.type}, {"default", s.default_json},
                     {"description", s.description}, {"required", s.required}});
      }
      return a;
    };
    nlohmann::json j = {{"path", i.path}, {"name", i.name}, {"version", i.version}, {"description", i.description},
                        {"abi_major", i.abi_major}, {"abi_minor", i.abi_minor},
                        {"settings", settings(i.settings)}, {"stream_settings", settings(i.stream_settings)}};
    ch.value("info", j.dump());
    if (d.check == nullptr) ch.info("no check() callback: `zra-sync check` cannot test the source's reachability");
    return;
  }

  PluginLogContext log_context{plugin->info().name, "check"};
  zra_host_api host = make_host_api(&log_context);
  Caller caller(ch, spec.label);
  void* instance = nullptr;
  auto create = [&](const std::string& settings) {
    return caller.call("create()", [&](zra_error* e) { return d.create(&host, settings.c_str(), &instance, e); });
  };

  if (spec.probe == Probe::EmptySettings || spec.probe == Probe::BadSetting) {
    int st = create(spec.settings_json);
    if (st == ZRA_OK) {
      ch.calling("destroy()");
      d.destroy(instance);
    } else if (st > 0) {
      ch.error("create() returned " + status_name(st) + " (" + spec.label + "); it may return ZRA_OK or an error");
    }
    return;
  }

  int st = create(spec.settings_json);
  if (st != ZRA_OK) {
    if (st != Caller::kThrew && !caller.message().empty()) {
      ch.error("create() failed with the given settings: " + status_name(st) + ": " + caller.message());
    }
    return;
  }
  auto finish = [&] {
    ch.calling("destroy()");
    d.destroy(instance);
  };

  if (spec.probe == Probe::BadStream) {
    void* cursor = nullptr;
    int o = caller.call("open()", [&](zra_error* e) { return d.open(instance, spec.stream_json.c_str(), &cursor, e); });
    if (o == ZRA_OK) {
      ch.calling("close()");
      d.close(cursor);
    }
    finish();
    return;
  }

  if (spec.probe == Probe::Read) {
    void* cursor = nullptr;
    int o = caller.call("open()", [&](zra_error* e) { return d.open(instance, spec.stream_json.c_str(), &cursor, e); });
    if (o != ZRA_OK) {
      if (o != Caller::kThrew && !caller.message().empty()) {
        ch.error("open() failed with the given stream: " + status_name(o) + ": " + caller.message());
      }
      finish();
      return;
    }
    ReadStats stats;
    read_stream(ch, caller, d, cursor, spec.max_rows, true, stats);
    ch.value("rows", std::to_string(stats.rows));
    ch.value("row_errors", std::to_string(stats.row_errors));
    ch.value("batches", std::to_string(stats.batches));
    if (!stats.finished && stats.rows >= spec.max_rows) {
      ch.info("read stopped after " + std::to_string(stats.rows) + " rows (the check's limit)");
    }
    ch.calling("close()");
    d.close(cursor);
    finish();
    return;
  }

  // Probe::Memory: the first cycles warm up caches and lazily created state; the rest must not grow.
  auto cycle = [&]() -> bool {
    void* cursor = nullptr;
    if (caller.call("open()", [&](zra_error* e) { return d.open(instance, spec.stream_json.c_str(), &cursor, e); }) != ZRA_OK) {
      return false;
    }
    ReadStats stats;
    read_stream(ch, caller, d, cursor, 3000, false, stats);
    ch.calling("close()");
    d.close(cursor);
    return true;
  };
  // A leak grows the heap in every window; allocator and driver caches (per-thread malloc caches, an
  // ODBC driver's statement cache) grow for a while and stop. So: warm up, then measure two windows and
  // report only when both grew.
  constexpr int kWarmup = 30;
  const size_t threshold = static_cast<size_t>(spec.memory_cycles) * 64;
  auto window_growth = [&](const std::function<bool()>& one) -> std::optional<size_t> {
    const size_t before = heap_in_use();
    for (int i = 0; i < spec.memory_cycles; ++i) {
      if (!one()) return std::nullopt;
    }
    const size_t after = heap_in_use();
    return after > before ? after - before : 0;
  };
  for (int i = 0; i < kWarmup; ++i) {
    if (!cycle()) return finish();
  }
  auto first = window_growth(cycle);
  auto second = first ? window_growth(cycle) : std::nullopt;
  if (!second) return finish();
  if (*first > threshold && *second > threshold) {
    ch.error("memory not released: the heap grew by " + std::to_string(*second) + " bytes over " +
             std::to_string(spec.memory_cycles) + " open/next_batch/close cycles (about " +
             std::to_string(*second / spec.memory_cycles) +
             " bytes per cycle), and as much in the window before; close() must free what open() and "
             "next_batch() allocated");
  }
  finish();
  auto instance_cycle = [&]() -> bool {
    if (create(spec.settings_json) != ZRA_OK) return false;
    finish();
    return true;
  };
  for (int i = 0; i < kWarmup; ++i) {
    if (!instance_cycle()) return;
  }
  auto first_i = window_growth(instance_cycle);
  auto second_i = first_i ? window_growth(instance_cycle) : std::nullopt;
  if (second_i && *first_i > threshold && *second_i > threshold) {
    ch.error("memory not released: the heap grew by " + std::to_string(*second_i) + " bytes over " +
             std::to_string(spec.memory_cycles) +
             " create/destroy cycles, and as much in the window before; destroy() must free what create() "
             "allocated");
  }
}

}  // namespace

std::string escape_line(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string unescape_line(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      out += s[i + 1] == 'n' ? '\n' : s[i + 1];
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

void run_probe(const std::string& path, const ProbeSpec& spec, int fd) {
  Channel ch(fd);
  try {
    run(path, spec, ch);
  } catch (const std::exception& e) {
    // The checker's own failure (e.g. out of memory under the limit): report it rather than lose it.
    ch.error("the check itself failed during '" + spec.label + "': " + e.what());
  }
}

}  // namespace zra::plugin_check_detail
