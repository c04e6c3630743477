// The process backend (isolation: process): the host side of a source host child. The child runs the
// plugin through the in-process backend and sends back frames (source_frame.h); here they become the
// same SourceRows and SourceErrors, and a child that crashes, hangs or breaks the framing becomes a
// SourceError naming the plugin file, the signal and the rows received so far.
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "core/common/log.h"
#include "core/plugin_host/child_process.h"
#include "core/plugin_host/source_backend.h"
#include "core/plugin_host/source_error.h"
#include "core/plugin_host/source_frame.h"

namespace zra::plugin_host_detail {
namespace {

using namespace source_frame;

constexpr size_t kReadChunk = 1 << 20;
constexpr std::chrono::milliseconds kExitGrace{2000};  // for a child to exit after its socket closed

// The child could not be used any more: it died, hung or broke the framing. It has been reaped.
struct ChildLost {
  std::string what;  // "crashed with SIGSEGV", "sent nothing for 2 s (hung?) and was killed", ...
};

std::string seconds_text(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
  return std::to_string(ms.count()) + " ms";
}

LogLevel log_level_of(uint64_t level) {
  switch (level) {
    case ZRA_LOG_DEBUG: return LogLevel::Debug;
    case ZRA_LOG_WARN: return LogLevel::Warn;
    case ZRA_LOG_ERROR: return LogLevel::Error;
    default: return LogLevel::Info;
  }
}

// One plugin instance in its child, shared by the source backend and its open stream: the child exits
// (after destroy()) when the last of them is gone.
class ProcessState {
 public:
  ProcessState(std::shared_ptr<LoadedPlugin> plugin, std::string source_name, std::string settings_json,
               IsolationOptions options)
      : plugin_(std::move(plugin)), source_name_(std::move(source_name)), settings_json_(std::move(settings_json)),
        options_(options) {}

  ~ProcessState() {
    if (child_) child_->finish(kExitGrace);
  }

  const std::string& plugin_name() const { return plugin_->info().name; }
  const std::string& source_name() const { return source_name_; }
  bool running() const { return child_ != nullptr; }

  // Starts a child, which loads the plugin and calls create(). Throws SourceError when create() fails
  // (the plugin's own error), ChildLost when the child does not get that far.
  void start() {
    const std::string program = source_host_program();
    if (program.empty()) {
      throw SourceError(plugin_name(), source_name_, "",
                        "process isolation needs a source host program, and this program has none "
                        "(set ZRA_SYNC_SOURCE_HOST, or use isolation: in_process)");
    }
    try {
      child_ = ChildProcess::spawn(program);
    } catch (const std::runtime_error& e) {
      throw SourceError(plugin_name(), source_name_, "", e.what());
    }
    decoder_ = FrameDecoder();
    FrameWriter w;
    w.begin(FrameType::Create);
    w.text(plugin_->info().path);
    w.text(source_name_);
    w.text(settings_json_);
    w.end();
    send(w);
    Frame f = receive();
    if (f.type == FrameType::Failed) {
      SourceError e = failure("", f.payload);
      if (child_) child_->finish(kExitGrace);
      child_.reset();
      throw e;
    }
    expect(f, FrameType::Ready, "create()");
  }

  void send(const FrameWriter& w) {
    const std::string& data = w.data();
    for (size_t off = 0; off < data.size();) {
      ssize_t n = ::send(child_->fd(), data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) lost_child();
      off += static_cast<size_t>(n);
    }
  }

  // The next frame other than Log (log lines are logged here as the plugin's). Throws ChildLost.
  Frame receive() {
    auto deadline = std::chrono::steady_clock::now() + options_.read_timeout;
    for (;;) {
      std::optional<Frame> f;
      try {
        f = decoder_.next();
      } catch (const FrameError& e) {
        kill();
        throw ChildLost{std::string("sent a malformed frame (") + e.what() + ") and was killed"};
      }
      if (f) {
        if (f->type != FrameType::Log) return *f;
        log_plugin_line(f->payload);
        continue;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        kill();
        throw ChildLost{"sent nothing for " + seconds_text(options_.read_timeout) +
                        " (hung? the read timeout) and was killed"};
      }
      if (options_.cancel != nullptr && options_.cancel->load()) {
        kill();
        throw ChildLost{"was stopped (the run is stopping) and was killed"};
      }
      const int64_t slice = options_.cancel != nullptr ? IsolationOptions::kCancelCheck.count() : 60000;
      pollfd p{child_->fd(), POLLIN, 0};
      int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), slice)));
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) continue;
      ssize_t n = ::recv(child_->fd(), decoder_.prepare(kReadChunk), kReadChunk, 0);
      if (n > 0) {
        decoder_.commit(static_cast<size_t>(n));
        deadline = std::chrono::steady_clock::now() + options_.read_timeout;
        continue;
      }
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      lost_child();
    }
  }

  // Throws SourceError unless `f` is of the expected type (then a malformed exchange: ChildLost).
  void expect(const Frame& f, FrameType type, const std::string& during) {
    if (f.type == type) return;
    kill();
    throw ChildLost{"answered " + during + " with an unexpected " + type_name(static_cast<uint8_t>(f.type)) +
                    " frame and was killed"};
  }

  // The SourceError a Failed frame carries (the one the in-process path would have thrown).
  SourceError failure(const std::string& stream, std::string_view payload) {
    try {
      PayloadReader r(payload);
      const auto exit_code = static_cast<int>(r.varint());
      const std::string detail(r.text());
      return SourceError(plugin_name(), source_name_, stream, redact(detail), exit_code);
    } catch (const FrameError& e) {
      kill();
      return lost_error(stream, "a failure report", ChildLost{std::string("sent a malformed frame (") + e.what() + ")"}, 0);
    }
  }

  SourceError lost_error(const std::string& stream, const std::string& during, const ChildLost& lost, uint64_t rows) {
    std::string detail = "the plugin process " + lost.what + " during " + during + " (plugin file " +
                         plugin_->info().path;
    if (!stream.empty()) detail += "; " + std::to_string(rows) + " rows of this stream received";
    detail += ")";
    return SourceError(plugin_name(), source_name_, stream, redact(detail));
  }

  void kill() {
    if (child_) child_->kill();
    child_.reset();
    stream_open = false;
  }

  bool stream_open = false;

 private:
  [[noreturn]] void lost_child() {
    const bool truncated = decoder_.mid_frame();
    std::string how = child_->reap(kExitGrace);
    child_.reset();
    stream_open = false;
    throw ChildLost{how + (truncated ? " in the middle of a frame" : "")};
  }

  void log_plugin_line(std::string_view payload) {
    try {
      PayloadReader r(payload);
      const uint64_t level = r.varint();
      const std::string message(r.text());
      log(log_level_of(level), "plugin.log", message, {{"plugin", plugin_name()}, {"source", source_name_}});
    } catch (const FrameError& e) {
      log_warn("plugin.log", std::string("a malformed log line from the plugin process: ") + e.what(),
               {{"plugin", plugin_name()}, {"source", source_name_}});
    }
  }

  std::shared_ptr<LoadedPlugin> plugin_;
  std::string source_name_, settings_json_;
  IsolationOptions options_;
  std::unique_ptr<ChildProcess> child_;
  FrameDecoder decoder_;
};

class ProcessStream : public StreamBackend {
 public:
  ProcessStream(std::shared_ptr<ProcessState> state, std::string stream)
      : state_(std::move(state)), stream_(std::move(stream)) {}

  // A stream left before its end: the child is still sending it, so it is stopped (a later open()
  // starts a new one).
  ~ProcessStream() override {
    if (!finished_) state_->kill();
  }

  bool next(std::vector<SourceRow>& out) override {
    SourceRowRefill fill(out);
    try {
      while (fill.added() == 0) {
        Frame f = state_->receive();
        switch (f.type) {
          case FrameType::Columns:
            columns_ = std::make_shared<const std::vector<std::string>>(read_columns(f.payload));
            break;
          case FrameType::Rows:
            if (!columns_) throw FrameError("a Rows frame before any Columns frame");
            rows_ += read_rows(f.payload, columns_, fill);
            break;
          case FrameType::End:
            finish();
            return false;
          case FrameType::Failed:
            finish();
            throw state_->failure(stream_, f.payload);
          default:
            throw FrameError("an unexpected " + type_name(static_cast<uint8_t>(f.type)) + " frame in a stream");
        }
      }
    } catch (const FrameError& e) {
      finished_ = true;
      state_->kill();
      throw state_->lost_error(stream_, "next_batch()",
                               ChildLost{std::string("sent a malformed frame (") + e.what() + ") and was killed"}, rows_);
    } catch (const ChildLost& lost) {
      finished_ = true;
      throw state_->lost_error(stream_, "next_batch()", lost, rows_);
    }
    return true;
  }

 private:
  void finish() {
    finished_ = true;
    state_->stream_open = false;
  }

  std::shared_ptr<ProcessState> state_;
  std::string stream_;
  bool finished_ = false;
  uint64_t rows_ = 0;
  std::shared_ptr<const std::vector<std::string>> columns_;
};

class ProcessSource : public SourceBackend {
 public:
  explicit ProcessSource(std::shared_ptr<ProcessState> state) : state_(std::move(state)) {}

  std::unique_ptr<StreamBackend> open(const std::string& stream_name, const std::string& stream_json) override {
    if (state_->stream_open) {
      throw SourceError(state_->plugin_name(), state_->source_name(), stream_name,
                        "another stream of this source is still open (one stream at a time per instance)");
    }
    std::string during = "create()";
    try {
      if (!state_->running()) state_->start();
      during = "open()";
      FrameWriter w;
      w.begin(FrameType::Open);
      w.text(stream_name);
      w.text(stream_json);
      w.end();
      state_->send(w);
      Frame f = state_->receive();
      if (f.type == FrameType::Failed) throw state_->failure(stream_name, f.payload);
      state_->expect(f, FrameType::Opened, "open()");
    } catch (const ChildLost& lost) {
      throw state_->lost_error(stream_name, during, lost, 0);
    }
    state_->stream_open = true;
    return std::make_unique<ProcessStream>(state_, stream_name);
  }

  void check() override {
    std::string during = "create()";
    try {
      if (!state_->running()) state_->start();
      during = "check()";
      FrameWriter w;
      w.begin(FrameType::Check);
      w.end();
      state_->send(w);
      Frame f = state_->receive();
      if (f.type == FrameType::Failed) throw state_->failure("", f.payload);
      state_->expect(f, FrameType::Ready, "check()");
    } catch (const ChildLost& lost) {
      throw state_->lost_error("", during, lost, 0);
    }
  }

 private:
  std::shared_ptr<ProcessState> state_;
};

}  // namespace

std::unique_ptr<SourceBackend> make_process_source(std::shared_ptr<LoadedPlugin> plugin,
                                                   const std::string& source_name, const std::string& settings_json,
                                                   const IsolationOptions& options) {
  auto state = std::make_shared<ProcessState>(std::move(plugin), source_name, settings_json, options);
  try {
    state->start();
  } catch (const ChildLost& lost) {
    // Its streams fail when they are opened (each start()s a new child): the other sources still run.
    log_error("source.crashed", state->lost_error("", "create()", lost, 0).what(),
              {{"plugin", state->plugin_name()}, {"source", source_name}});
  }
  return std::make_unique<ProcessSource>(std::move(state));
}

}  // namespace zra::plugin_host_detail
