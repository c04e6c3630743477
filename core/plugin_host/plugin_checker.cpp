#include "core/plugin_host/plugin_checker.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/plugin_host/check_child.h"
#include "core/plugin_host/setting_validator.h"
#include "core/plugin_host/source_instance.h"

namespace zra {

using plugin_check_detail::Probe;
using plugin_check_detail::ProbeSpec;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAsan = true;
#else
constexpr bool kUnderAsan = false;
#endif

std::string signal_text(int sig) {
  std::string name;
  switch (sig) {
    case SIGSEGV: name = "SIGSEGV"; break;
    case SIGABRT: name = "SIGABRT"; break;
    case SIGBUS: name = "SIGBUS"; break;
    case SIGFPE: name = "SIGFPE"; break;
    case SIGILL: name = "SIGILL"; break;
    case SIGKILL: name = "SIGKILL"; break;
    case SIGXCPU: name = "SIGXCPU"; break;
    case SIGTRAP: name = "SIGTRAP"; break;
    default: name = "signal " + std::to_string(sig);
  }
  return name + " (" + ::strsignal(sig) + ")";
}

std::string signal_hint(int sig) {
  switch (sig) {
    case SIGABRT: return "; an abort is often a C++ exception reaching std::terminate (a noexcept function, or no "
                         "catch at the ABI boundary) or a failed assert";
    case SIGSEGV: return "; often a NULL or dangling pointer, e.g. settings the code did not expect";
    case SIGXCPU: return "; it used more than the check's CPU limit (an endless loop?)";
    default: return "";
  }
}

struct ProbeResult {
  std::vector<CheckFinding> findings;
  std::map<std::string, std::string> values;
};

ProbeResult run_probe_in_child(const std::string& path, const ProbeSpec& spec, const CheckLimits& limits) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  std::fflush(nullptr);  // nothing buffered may be written twice
  pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    ::close(fds[0]);
    // A crash must end the child by its signal, whatever handlers the parent (or ASan) installed.
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::signal(sig, SIG_DFL);
    struct rlimit cpu {limits.cpu_seconds, limits.cpu_seconds + 1};
    ::setrlimit(RLIMIT_CPU, &cpu);
    if (!kUnderAsan) {
      struct rlimit as {limits.address_space_bytes, limits.address_space_bytes};
      ::setrlimit(RLIMIT_AS, &as);
    }
    plugin_check_detail::run_probe(path, spec, fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  ProbeResult result;
  std::string pending, last_call;
  bool timed_out = false;
  const auto deadline = std::chrono::steady_clock::now() + limits.probe_timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    struct pollfd p {fds[0], POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) continue;
    char buf[4096];
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    for (size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      if (line.rfind("C ", 0) == 0) {
        last_call = line.substr(2);
      } else if (line.rfind("F ", 0) == 0 && line.size() > 4) {
        CheckSeverity sev = line[2] == 'E' ? CheckSeverity::Error : line[2] == 'W' ? CheckSeverity::Warning : CheckSeverity::Info;
        result.findings.push_back({sev, plugin_check_detail::unescape_line(line.substr(4))});
      } else if (line.rfind("V ", 0) == 0) {
        size_t sp = line.find(' ', 2);
        if (sp != std::string::npos) result.values[line.substr(2, sp - 2)] = plugin_check_detail::unescape_line(line.substr(sp + 1));
      }
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string where = last_call.empty() ? "" : " in " + last_call;
  if (timed_out) {
    result.findings.push_back({CheckSeverity::Error, "hung" + where + " (" + spec.label + "): no answer within " +
                                                         std::to_string(limits.probe_timeout.count()) + " ms, killed"});
  } else if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    result.findings.push_back({CheckSeverity::Error, "crashed with " + signal_text(sig) + where + " (" + spec.label + ")" +
                                                         signal_hint(sig)});
  } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    result.findings.push_back({CheckSeverity::Error, "the process exited with status " + std::to_string(WEXITSTATUS(status)) +
                                                         where + " (" + spec.label + "); a plugin must never call exit()"});
  }
  return result;
}

std::vector<SettingInfo> settings_from_json(const nlohmann::json& a) {
  std::vector<SettingInfo> out;
  for (const auto& s : a) {
    out.push_back({s.at("name").get<std::string>(), s.at("type").get<std::string>(), s.at("default").get<std::string>(),
                   s.at("description").get<std::string>(), s.at("required").get<bool>()});
  }
  return out;
}

// A JSON value of the wrong type for a declared setting.
nlohmann::json wrong_value(const SettingInfo& s) {
  if (s.type == "integer" || s.type == "boolean") return "not-a-" + s.type;
  if (s.type == "object") return "not an object";
  return 12345;
}

void add(PluginCheckReport& report, ProbeResult&& r) {
  for (auto& f : r.findings) report.findings.push_back(std::move(f));
}

}  // namespace

bool PluginCheckReport::passed() const { return count(CheckSeverity::Error) == 0; }

size_t PluginCheckReport::count(CheckSeverity severity) const {
  size_t n = 0;
  for (const auto& f : findings) n += f.severity == severity ? 1 : 0;
  return n;
}

PluginCheckReport check_plugin(const std::string& path, const std::string& settings_json,
                               const std::string& stream_json, const CheckLimits& limits) {
  PluginCheckReport report;
  report.path = path;
  ProbeSpec load{Probe::Load, "loading", "", "", 0, 0};
  ProbeResult loaded = run_probe_in_child(path, load, limits);
  const std::string info_json = loaded.values.count("info") ? loaded.values["info"] : "";
  add(report, std::move(loaded));
  if (info_json.empty()) return report;  // did not load: the findings say why
  nlohmann::json ij = nlohmann::json::parse(info_json);
  PluginInfo info;
  info.path = ij["path"];
  info.name = ij["name"];
  info.version = ij["version"];
  info.description = ij["description"];
  info.abi_major = ij["abi_major"];
  info.abi_minor = ij["abi_minor"];
  info.settings = settings_from_json(ij["settings"]);
  info.stream_settings = settings_from_json(ij["stream_settings"]);
  report.info = info;

  // What the host would pass: the given JSON validated against the declarations, defaults filled.
  std::string settings, stream;
  try {
    nlohmann::json s = settings_json.empty() ? nlohmann::json::object() : nlohmann::json::parse(settings_json);
    settings = validate_settings(info.settings, json_to_config_node(s, "--settings", ""), "plugin '" + info.name + "'").dump();
    nlohmann::json st = stream_json.empty() ? nlohmann::json::object() : nlohmann::json::parse(stream_json);
    std::vector<std::string> host_keys = kHostStreamKeys;
    host_keys.push_back("since");
    host_keys.push_back("batch_rows");
    nlohmann::json v = validate_settings(info.stream_settings, json_to_config_node(st, "--stream", ""), "plugin '" + info.name + "'", host_keys);
    v["name"] = st.value("name", "check");
    v["object"] = st.value("object", "account");
    if (st.contains("since")) v["since"] = st["since"];
    v["batch_rows"] = st.value("batch_rows", 1000);
    stream = v.dump();
  } catch (const std::exception& e) {
    report.findings.push_back({CheckSeverity::Error, std::string("the settings given to the check are not valid for this plugin: ") + e.what()});
    return report;
  }

  add(report, run_probe_in_child(path, {Probe::EmptySettings, "create() with empty settings {}", "{}", "", 0, 0}, limits));
  for (const auto& s : info.settings) {
    nlohmann::json bad = nlohmann::json::parse(settings);
    bad[s.name] = wrong_value(s);
    add(report, run_probe_in_child(path, {Probe::BadSetting, "create() with setting '" + s.name + "' of the wrong type",
                                          bad.dump(), "", 0, 0}, limits));
  }
  add(report, run_probe_in_child(path, {Probe::BadStream, "open() with an empty stream {}", settings, "{}", 0, 0}, limits));
  for (const auto& s : info.stream_settings) {
    nlohmann::json bad = nlohmann::json::parse(stream);
    bad[s.name] = wrong_value(s);
    add(report, run_probe_in_child(path, {Probe::BadStream, "open() with stream setting '" + s.name + "' of the wrong type",
                                          settings, bad.dump(), 0, 0}, limits));
  }
  ProbeResult read = run_probe_in_child(path, {Probe::Read, "reading the stream", settings, stream, limits.max_rows, 0}, limits);
  auto number = [&](const char* key) { return read.values.count(key) ? std::stoull(read.values[key]) : 0ULL; };
  report.rows = number("rows");
  report.row_errors = number("row_errors");
  report.batches = number("batches");
  const bool read_ok = std::none_of(read.findings.begin(), read.findings.end(),
                                    [](const CheckFinding& f) { return f.severity == CheckSeverity::Error; });
  add(report, std::move(read));
  if (read_ok) {
    add(report, run_probe_in_child(path, {Probe::Memory, "repeated open/close cycles", settings, stream, 0,
                                          limits.memory_cycles}, limits));
  }
  return report;
}

std::string format_report(const PluginCheckReport& report) {
  std::ostringstream out;
  out << "Plugin check: " << report.path << "\n";
  if (report.info) {
    const PluginInfo& i = *report.info;
    out << "  plugin:  " << i.name << " " << i.version << " (ABI " << i.abi_major << "." << i.abi_minor << ")";
    if (!i.description.empty()) out << " - " << i.description;
    out << "\n  read:    " << report.rows << " rows (" << report.row_errors << " with row errors) in "
        << report.batches << " batches\n";
  }
  for (const auto& f : report.findings) {
    const char* tag = f.severity == CheckSeverity::Error ? "ERROR  " : f.severity == CheckSeverity::Warning ? "WARNING" : "note   ";
    out << tag << " " << f.message << "\n";
  }
  const size_t errors = report.count(CheckSeverity::Error), warnings = report.count(CheckSeverity::Warning);
  out << (report.passed() ? "PASSED" : "FAILED") << " (" << errors << (errors == 1 ? " error, " : " errors, ") << warnings
      << (warnings == 1 ? " warning)" : " warnings)") << "\n";
  return out.str();
}

}  // namespace zra
