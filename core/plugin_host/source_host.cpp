// The child side of process isolation: `<program> __source-host --fd N`. Reads requests from the host
// on the socket, runs the plugin through the in-process backend (so every check and message is the
// same), and streams the rows back as frames. Plugin log lines travel as Log frames.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <nlohmann/json.hpp>

#include "core/common/errors.h"
#include "core/common/log.h"
#include "core/plugin_host/source_backend.h"
#include "core/plugin_host/source_error.h"
#include "core/plugin_host/source_frame.h"

namespace zra {
namespace {

using namespace source_frame;
using plugin_host_detail::RawBatchStream;
using plugin_host_detail::SourceBackend;
using plugin_host_detail::StreamBackend;

std::atomic<bool> g_serves_source_host{false};
std::mutex g_program_mutex;
std::string g_program;

constexpr size_t kReadChunk = 64 << 10;

class HostGone : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The socket to the host. send() is thread-safe: a plugin may log from its own threads.
class HostChannel {
 public:
  explicit HostChannel(int fd) : fd_(fd) {}

  void send(const FrameWriter& w) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::string& data = w.data();
    for (size_t off = 0; off < data.size();) {
      ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw HostGone("the host closed the connection");
      off += static_cast<size_t>(n);
    }
  }

  // The next request; nullopt when the host closed the socket (between requests: time to exit).
  std::optional<Frame> receive() {
    for (;;) {
      if (auto f = decoder_.next()) return f;
      ssize_t n = ::recv(fd_, decoder_.prepare(kReadChunk), kReadChunk, 0);
      if (n > 0) {
        decoder_.commit(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (decoder_.mid_frame()) throw FrameError("the host's request was cut off");
      return std::nullopt;
    }
  }

 private:
  int fd_;
  std::mutex mutex_;
  FrameDecoder decoder_;
};

void forward_log(void* context, zra_log_level level, const char* message) {
  if (message == nullptr) return;
  try {
    FrameWriter w;
    w.begin(FrameType::Log);
    w.varint(static_cast<uint64_t>(level));
    w.text(message);
    w.end();
    static_cast<HostChannel*>(context)->send(w);
  } catch (const std::exception& e) {
    // Never into the plugin's C frames; the host is gone or the line too long.
    std::fprintf(stderr, "zra-sync source host: could not forward a plugin log line: %s\n", e.what());
  }
}

void send_simple(HostChannel& ch, FrameType type) {
  FrameWriter w;
  w.begin(type);
  w.end();
  ch.send(w);
}

void send_failed(HostChannel& ch, int exit_code, const std::string& detail) {
  FrameWriter w;
  w.begin(FrameType::Failed);
  w.varint(static_cast<uint64_t>(exit_code));
  w.text(detail.size() > (1 << 20) ? detail.substr(0, 1 << 20) : detail);
  w.end();
  ch.send(w);
}

// The plugin's SECRET settings are secrets here too (the child's own stderr lines are redacted).
void register_secret_settings(const LoadedPlugin& plugin, const std::string& settings_json) {
  auto j = nlohmann::json::parse(settings_json, nullptr, false);
  if (!j.is_object()) return;
  for (const auto& s : plugin.info().settings) {
    if (s.type == "secret" && j.contains(s.name) && j[s.name].is_string()) add_secret(j[s.name].get<std::string>());
  }
}

// Reads one stream to its end, sending Columns when the names change and Rows frames of about
// kRowsFrameTarget bytes (at least one per plugin batch, so the host maps while the plugin reads on);
// then End, or Failed with the in-process SourceError.
void stream_rows(HostChannel& ch, RawBatchStream& stream) {
  std::vector<std::string> columns;
  bool columns_sent = false;
  FrameWriter w;
  try {
    while (const zra_batch* batch = stream.next_checked()) {
      bool same = columns_sent && columns.size() == batch->n_columns;
      for (uint32_t c = 0; same && c < batch->n_columns; ++c) same = columns[c] == batch->column_names[c];
      if (!same) {
        columns.assign(batch->column_names, batch->column_names + batch->n_columns);
        write_columns(w, columns);
        columns_sent = true;
      }
      w.begin(FrameType::Rows);
      for (size_t r = 0; r < batch->n_rows; ++r) {
        write_row(w, batch->rows[r], batch->n_columns);
        if (w.open_frame_bytes() >= kRowsFrameTarget && r + 1 < batch->n_rows) {
          w.end();
          ch.send(w);
          w.clear();
          w.begin(FrameType::Rows);
        }
      }
      w.end();
      ch.send(w);
      w.clear();
    }
  } catch (const SourceError& e) {
    send_failed(ch, e.exit_code(), e.detail());
    return;
  } catch (const HostGone&) {
    throw;
  } catch (const std::exception& e) {
    send_failed(ch, kExitFatal, std::string("the plugin process could not send a row: ") + e.what());
    return;
  }
  send_simple(ch, FrameType::End);
}

int serve(int fd) {
  HostChannel ch(fd);
  auto first = ch.receive();
  if (!first) return 0;
  if (first->type != FrameType::Create) {
    std::fprintf(stderr, "zra-sync source host: expected a Create request, got %s\n",
                 type_name(static_cast<uint8_t>(first->type)).c_str());
    return 2;
  }
  PayloadReader r(first->payload);
  const std::string path(r.text());
  const std::string source_name(r.text());
  const std::string settings(r.text());

  std::shared_ptr<LoadedPlugin> plugin;
  try {
    plugin = LoadedPlugin::open(path);
  } catch (const Error& e) {
    send_failed(ch, e.exit_code(), std::string("the plugin process cannot load the plugin: ") + e.what());
    return 0;
  }
  register_secret_settings(*plugin, settings);
  zra_host_api api{};
  api.struct_size = sizeof(zra_host_api);
  api.abi_major = ZRA_PLUGIN_ABI_MAJOR;
  api.abi_minor = ZRA_PLUGIN_ABI_MINOR;
  api.host_context = &ch;
  api.log = &forward_log;

  std::unique_ptr<SourceBackend> source;
  try {
    source = plugin_host_detail::make_in_process_source(plugin, source_name, settings, &api);
  } catch (const SourceError& e) {
    send_failed(ch, e.exit_code(), e.detail());
    return 0;
  }
  send_simple(ch, FrameType::Ready);

  while (auto f = ch.receive()) {
    PayloadReader req(f->payload);
    if (f->type == FrameType::Check) {
      try {
        source->check();
      } catch (const SourceError& e) {
        send_failed(ch, e.exit_code(), e.detail());
        continue;
      }
      send_simple(ch, FrameType::Ready);
    } else if (f->type == FrameType::Open) {
      const std::string stream_name(req.text());
      const std::string stream_json(req.text());
      std::unique_ptr<StreamBackend> stream;
      try {
        stream = source->open(stream_name, stream_json);
      } catch (const SourceError& e) {
        send_failed(ch, e.exit_code(), e.detail());
        continue;
      }
      send_simple(ch, FrameType::Opened);
      stream_rows(ch, dynamic_cast<RawBatchStream&>(*stream));  // always the in-process stream here
    } else {
      std::fprintf(stderr, "zra-sync source host: unexpected request %s\n",
                   type_name(static_cast<uint8_t>(f->type)).c_str());
      return 2;
    }
  }
  return 0;  // the host closed the socket: the instance is destroyed on the way out
}

}  // namespace

Isolation parse_isolation(const std::string& text) {
  if (text == "process") return Isolation::Process;
  if (text == "in_process") return Isolation::InProcess;
  throw std::invalid_argument("isolation must be 'process' or 'in_process', not '" + text + "'");
}

const char* to_string(Isolation mode) { return mode == Isolation::Process ? "process" : "in_process"; }

std::string source_host_program() {
  {
    std::lock_guard<std::mutex> lock(g_program_mutex);
    if (!g_program.empty()) return g_program;
  }
  const char* env = std::getenv("ZRA_SYNC_SOURCE_HOST");
  if (env != nullptr && env[0] != '\0') return env;
  return g_serves_source_host.load() ? "/proc/self/exe" : "";
}

void set_source_host_program(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_program_mutex);
  g_program = path;
}

IsolationOptions default_isolation() {
  IsolationOptions o;
  o.mode = source_host_program().empty() ? Isolation::InProcess : Isolation::Process;
  const char* mode = std::getenv("ZRA_SYNC_ISOLATION");
  if (mode != nullptr && std::strcmp(mode, "in_process") == 0) o.mode = Isolation::InProcess;
  const char* env = std::getenv("ZRA_SYNC_SOURCE_READ_TIMEOUT_S");
  if (env != nullptr && env[0] != '\0') {
    char* end = nullptr;
    double s = std::strtod(env, &end);
    if (end != env && *end == '\0' && s > 0) o.read_timeout = std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
  }
  return o;
}

IsolationOptions isolation_for(Isolation mode) {
  IsolationOptions o = default_isolation();
  if (mode == Isolation::Process && o.mode == Isolation::InProcess) {
    log_warn("source.isolation", "this program cannot start a source host process: sources run in-process");
  }
  if (mode == Isolation::InProcess) o.mode = Isolation::InProcess;
  return o;
}

std::optional<int> serve_source_host_if_requested(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "__source-host") != 0) {
    g_serves_source_host.store(true);
    return std::nullopt;
  }
  int fd = -1;
  if (argc == 4 && std::strcmp(argv[2], "--fd") == 0) fd = std::atoi(argv[3]);
  if (fd < 0) {
    std::fprintf(stderr, "usage: %s __source-host --fd N (started by zra-sync itself, not by hand)\n", argv[0]);
    return kExitUsage;
  }
  // Not inherited by anything the plugin starts: the host must see the end of the socket when we die.
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  // A crash must end this process with its signal, for the host to name it: no handler of ours (or of a
  // sanitizer runtime, which would turn SIGSEGV into "exit 1") in the way.
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::signal(sig, SIG_DFL);
  try {
    return serve(fd);
  } catch (const HostGone&) {
    return 0;  // the host stopped reading (a stream left early, or the run stopped)
  } catch (const std::exception& e) {
    std::fprintf(stderr, "zra-sync source host: %s\n", redact(e.what()).c_str());
    return kExitFatal;
  }
}

}  // namespace zra
