#include "core/report/metrics_writer.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/common/errors.h"
#include "core/common/log.h"

namespace zra {
namespace fs = std::filesystem;
namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;
// "name{a=\"x\",b=\"y\"}" -> value, as the series appear in the file.
using SeriesValues = std::map<std::string, double>;

constexpr const char* kLastSuccess = "zra_sync_last_success_timestamp_seconds";

std::string series_key(const std::string& name, const Labels& labels) {
  if (labels.empty()) return name;
  std::string out = name + "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ",";
    out += labels[i].first + "=\"" + escape_prometheus_label_value(labels[i].second) + "\"";
  }
  return out + "}";
}

std::string series_name(const std::string& key) { return key.substr(0, key.find('{')); }

// Whole numbers as integers (timestamps read "1764000000", not "1.764e+09"), others in shortest fixed form.
std::string format_value(double v) {
  char buf[400];
  std::to_chars_result res{};
  if (std::trunc(v) == v && std::fabs(v) < 9e15) {
    res = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(v));
  } else {
    res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  }
  return std::string(buf, res.ptr);
}

std::string escape_help(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// 0 when absent; an Error naming the key when present but not a number.
double number_at(const nlohmann::json& obj, const std::string& key, const std::string& where) {
  if (!obj.is_object()) return 0;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return 0;
  if (!it->is_number()) {
    throw Error("metrics: summary value " + where + key + " is not a number: " + it->dump());
  }
  return it->get<double>();
}

// Reads the series of a file we wrote before. Comments, blank and unparsable lines are skipped; a value
// that is not a finite non-negative number is not carried over.
SeriesValues parse_previous(const std::string& text) {
  SeriesValues out;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    size_t key_end = std::string::npos;
    size_t brace = line.find('{');
    size_t space = line.find(' ');
    if (brace != std::string::npos && brace < space) {
      bool quoted = false;
      for (size_t i = brace + 1; i < line.size(); ++i) {
        if (quoted && line[i] == '\\') ++i;
        else if (line[i] == '"') quoted = !quoted;
        else if (!quoted && line[i] == '}') { key_end = i + 1; break; }
      }
    } else {
      key_end = space;
    }
    if (key_end == std::string::npos || key_end >= line.size()) {
      log_warn("metrics.previous_unparsable", "previous metrics file: line " + std::to_string(line_no) +
                                                  " is not a sample; not carried over");
      continue;
    }
    std::string rest = line.substr(key_end);
    const char* begin = rest.c_str();
    char* end = nullptr;
    errno = 0;
    double value = std::strtod(begin, &end);
    if (end == begin || errno != 0 || !std::isfinite(value) || value < 0) {
      log_warn("metrics.previous_unparsable", "previous metrics file: line " + std::to_string(line_no) +
                                                  " has no usable value; not carried over");
      continue;
    }
    out[line.substr(0, key_end)] = value;
  }
  return out;
}

// Builds the exposition text family by family.
class MetricsText {
 public:
  void family(const std::string& name, const char* type, std::string_view help) {
    text_ += "# HELP " + name + " " + escape_help(help) + "\n# TYPE " + name + " " + type + "\n";
  }
  void sample(const std::string& name, const Labels& labels, double value) {
    text_ += series_key(name, labels) + " " + format_value(value) + "\n";
  }
  void sample_key(const std::string& key, double value) { text_ += key + " " + format_value(value) + "\n"; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// A counter that accumulates over runs: this run's increments plus every series of the family found in
// the previous file (a series absent from this run keeps its value rather than vanishing).
void counter_family(MetricsText& out, const SeriesValues& previous, const std::string& name, std::string_view help,
                    const std::vector<std::pair<Labels, double>>& increments) {
  SeriesValues merged;
  for (const auto& [key, value] : previous) {
    if (series_name(key) == name) merged[key] = value;
  }
  for (const auto& [labels, inc] : increments) merged[series_key(name, labels)] += inc;
  out.family(name, "counter", help);
  if (merged.empty()) merged[name] = 0;  // an unlabelled counter with no history still shows 0
  for (const auto& [key, value] : merged) out.sample_key(key, value);
}

[[noreturn]] void throw_io(const std::string& what, const fs::path& path, int err) {
  throw FatalError("cannot " + what + " metrics file " + path.string() + ": " + std::strerror(err));
}

void write_all(int fd, const std::string& text, const fs::path& tmp) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_io("write", tmp, errno);
    done += static_cast<size_t>(n);
  }
}

}  // namespace

std::string escape_prometheus_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string render_prometheus_metrics(const nlohmann::json& summary, int64_t finished_unix_s,
                                      const std::string& previous_text) {
  const SeriesValues previous = parse_previous(previous_text);
  const int exit_code = static_cast<int>(number_at(summary, "exit_code", ""));
  const bool dry_run = summary.is_object() && summary.value("dry_run", false);
  MetricsText out;

  // Per type: the record counters are outcomes; import calls and tasks get their own families.
  const nlohmann::json types = summary.is_object() ? summary.value("types", nlohmann::json::object())
                                                   : nlohmann::json::object();
  out.family("zra_sync_records", "gauge", "Records of the last run by object type and outcome.");
  for (auto t = types.begin(); t != types.end(); ++t) {
    for (auto o = t.value().begin(); o != t.value().end(); ++o) {
      if (o.key() == "import_calls" || o.key() == "tasks") continue;
      out.sample("zra_sync_records", {{"type", t.key()}, {"outcome", o.key()}},
                 number_at(t.value(), o.key(), "types." + t.key() + "."));
    }
  }
  out.family("zra_sync_last_run_import_calls", "gauge", "Import calls of the last run by object type.");
  for (auto t = types.begin(); t != types.end(); ++t) {
    out.sample("zra_sync_last_run_import_calls", {{"type", t.key()}},
               number_at(t.value(), "import_calls", "types." + t.key() + "."));
  }
  out.family("zra_sync_last_run_tasks", "gauge", "Import tasks of the last run by object type.");
  for (auto t = types.begin(); t != types.end(); ++t) {
    out.sample("zra_sync_last_run_tasks", {{"type", t.key()}}, number_at(t.value(), "tasks", "types." + t.key() + "."));
  }

  const nlohmann::json phases = summary.is_object() ? summary.value("failures_by_phase", nlohmann::json::object())
                                                    : nlohmann::json::object();
  out.family("zra_sync_failures", "gauge", "Failed records of the last run by phase (see errors.csv).");
  for (auto p = phases.begin(); p != phases.end(); ++p) {
    out.sample("zra_sync_failures", {{"phase", p.key()}}, number_at(phases, p.key(), "failures_by_phase."));
  }

  out.family("zra_sync_run_duration_seconds", "gauge", "Wall-clock duration of the last run.");
  out.sample("zra_sync_run_duration_seconds", {}, number_at(summary, "duration_s", ""));
  out.family("zra_sync_last_run_exit_code", "gauge",
             "Exit code of the last run: 0 ok, 1 some records failed, 2 config, 3 fatal, 130 interrupted.");
  out.sample("zra_sync_last_run_exit_code", {}, exit_code);
  out.family("zra_sync_last_run_timestamp_seconds", "gauge", "Unix time the last run finished.");
  out.sample("zra_sync_last_run_timestamp_seconds", {}, static_cast<double>(finished_unix_s));
  double last_success = 0;
  if (exit_code == 0 && !dry_run) {
    last_success = static_cast<double>(finished_unix_s);
  } else if (auto it = previous.find(kLastSuccess); it != previous.end()) {
    last_success = it->second;
  }
  out.family(kLastSuccess, "gauge", "Unix time the last run with exit code 0 finished (0: never).");
  out.sample(kLastSuccess, {}, last_success);
  out.family("zra_sync_last_run_info", "gauge", "Identifies the last run; the report is in report.dir/<run_id>.");
  out.sample("zra_sync_last_run_info",
             {{"run_id", summary.is_object() ? summary.value("run_id", std::string()) : std::string()},
              {"dry_run", dry_run ? "true" : "false"}},
             1);

  const nlohmann::json api = summary.is_object() ? summary.value("api_calls", nlohmann::json::object())
                                                 : nlohmann::json::object();
  counter_family(out, previous, "zra_sync_import_calls_total", "Import calls sent to ZRA, over all runs.",
                 {{{}, number_at(api, "import_calls", "api_calls.")}});
  counter_family(out, previous, "zra_sync_retries_total", "Requests retried (5xx, timeouts, resets), over all runs.",
                 {{{}, number_at(api, "retries", "api_calls.")}});
  counter_family(out, previous, "zra_sync_rate_limited_total", "429 answers from ZRA, over all runs.",
                 {{{}, number_at(api, "rate_limited", "api_calls.")}});
  counter_family(out, previous, "zra_sync_token_requests_total", "OAuth token requests, over all runs.",
                 {{{}, number_at(api, "token_requests", "api_calls.")}});
  std::vector<std::pair<Labels, double>> by_label;
  const nlohmann::json labels = api.is_object() ? api.value("by_label", nlohmann::json::object())
                                                : nlohmann::json::object();
  for (auto l = labels.begin(); l != labels.end(); ++l) {
    by_label.push_back({{{"label", l.key()}}, number_at(labels, l.key(), "api_calls.by_label.")});
  }
  counter_family(out, previous, "zra_sync_api_calls_total", "Requests sent to ZRA by rate label, over all runs.",
                 by_label);
  counter_family(out, previous, "zra_sync_runs_total", "Runs by exit code.",
                 {{{{"exit_code", std::to_string(exit_code)}}, 1}});
  return out.text();
}

void write_prometheus_metrics(const std::string& path, const nlohmann::json& summary, int64_t finished_unix_s) {
  const fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw FatalError("cannot create the directory of metrics file " + target.string() + ": " + ec.message());

  std::string previous;
  if (fs::is_regular_file(target, ec)) {
    std::ifstream in(target, std::ios::binary);
    if (!in) throw_io("read the previous", target, errno);
    previous.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::string text = render_prometheus_metrics(summary, finished_unix_s, previous);

  std::string tmpl = (dir / (target.filename().string() + ".tmp.XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw_io("create a temporary", tmpl, errno);
  const fs::path tmp(tmpl);
  try {
    write_all(fd, text, tmp);
    // mkstemp makes the file 0600; the collector usually runs as another user. Metrics hold no secrets.
    if (::fchmod(fd, 0644) != 0) throw_io("set the mode of", tmp, errno);
    if (::fsync(fd) != 0) throw_io("flush", tmp, errno);
    int fd_to_close = fd;
    fd = -1;
    if (::close(fd_to_close) != 0) throw_io("close", tmp, errno);
    if (::rename(tmp.c_str(), target.c_str()) != 0) throw_io("replace", target, errno);
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    throw;  // cleaned up the temporary file; the error itself goes on to the caller
  }
}

}  // namespace zra
