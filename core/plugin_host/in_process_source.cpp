// The in-process backend: the plugin's functions are called in this process (isolation: in_process, and
// inside the source host child).
#include <cstring>

#include "core/common/log.h"
#include "core/plugin_host/instance_state.h"
#include "core/plugin_host/source_backend.h"
#include "core/plugin_host/source_error.h"

namespace zra::plugin_host_detail {
namespace {

constexpr size_t kErrorCapacity = 4096;

class InProcessStream : public StreamBackend, public RawBatchStream {
 public:
  InProcessStream(std::shared_ptr<InstanceState> state, void* cursor, std::string stream)
      : state_(std::move(state)), cursor_(cursor), stream_(std::move(stream)) {}

  ~InProcessStream() override {
    // close() "never fails"; if a C++ plugin throws anyway, it must not escape a destructor: say so in the log.
    try {
      state_->api().close(cursor_);
    } catch (const std::exception& e) {
      log_error("plugin.bug", "a C++ exception escaped close(): " + redact(e.what()),
                {{"plugin", state_->plugin_name()}, {"source", state_->source_name()}, {"stream", stream_}});
    }
    state_->stream_open = false;
  }

  bool next(std::vector<SourceRow>& out) override {
    const zra_batch* batch = next_checked();
    if (batch == nullptr) {
      out.clear();
      return false;
    }
    copy_batch(*batch, out);
    return true;
  }

  const zra_batch* next_checked() override {
    for (;;) {
      const zra_batch* batch = nullptr;
      int status = state_->call("next_batch", stream_, true, [&](zra_error* err) {
        return state_->api().next_batch(cursor_, &batch, err);
      });
      if (status == ZRA_DONE) return nullptr;
      if (batch == nullptr) {
        throw SourceError(state_->plugin_name(), state_->source_name(), stream_,
                          "plugin bug: next_batch() returned ZRA_OK without a batch");
      }
      check_batch(*batch);
      if (batch->n_rows > 0) return batch;
    }
  }

 private:
  void check_batch(const zra_batch& batch) const;
  void copy_batch(const zra_batch& batch, std::vector<SourceRow>& out);

  std::shared_ptr<InstanceState> state_;
  void* cursor_;
  std::string stream_;
  std::shared_ptr<const std::vector<std::string>> columns_;  // reused while the plugin's names do not change
};

// Everything the host relies on before it reads a batch; the first problem wins, in batch order.
void InProcessStream::check_batch(const zra_batch& batch) const {
  auto bug = [&](const std::string& what) {
    return SourceError(state_->plugin_name(), state_->source_name(), stream_, "plugin bug: " + what);
  };
  if (batch.struct_size < sizeof(zra_batch)) {
    throw bug("next_batch() returned a batch with struct_size " + std::to_string(batch.struct_size) +
              ", smaller than the ABI 1.0 size " + std::to_string(sizeof(zra_batch)));
  }
  if (batch.n_rows > 0 && batch.rows == nullptr) throw bug("the batch has " + std::to_string(batch.n_rows) + " rows but rows is NULL");
  if (batch.n_columns > 0 && batch.column_names == nullptr) throw bug("the batch has columns but column_names is NULL");
  for (uint32_t c = 0; c < batch.n_columns; ++c) {
    if (batch.column_names[c] == nullptr) throw bug("column " + std::to_string(c) + " of the batch has a NULL name");
  }
  for (size_t r = 0; r < batch.n_rows; ++r) {
    const zra_row& row = batch.rows[r];
    if (row.locator == nullptr || row.locator[0] == '\0') {
      throw bug("row " + std::to_string(r + 1) + " of a batch has no locator (every row must say where it is in the source)");
    }
    if (row.error == nullptr && batch.n_columns > 0 && row.values == nullptr) {
      throw bug("row '" + std::string(row.locator) + "' has no values and no error");
    }
  }
}

void InProcessStream::copy_batch(const zra_batch& batch, std::vector<SourceRow>& out) {
  bool same = columns_ && columns_->size() == batch.n_columns;
  for (uint32_t c = 0; same && c < batch.n_columns; ++c) same = (*columns_)[c] == batch.column_names[c];
  if (!same) columns_ = std::make_shared<const std::vector<std::string>>(batch.column_names, batch.column_names + batch.n_columns);

  SourceRowRefill fill(out);
  for (size_t r = 0; r < batch.n_rows; ++r) {
    const zra_row& row = batch.rows[r];
    if (row.error != nullptr) {
      fill.add_error(columns_, row.locator, row.error);
      continue;
    }
    SourceRow& dst = fill.add(columns_, row.locator, batch.n_columns);
    for (uint32_t c = 0; c < batch.n_columns; ++c) {
      const zra_value& v = row.values[c];
      if (v.data == nullptr) {
        dst.values[c].reset();
      } else {
        SourceRowRefill::set_value(dst.values[c], std::string_view(v.data, v.size));
      }
    }
  }
}

class InProcessSource : public SourceBackend {
 public:
  explicit InProcessSource(std::shared_ptr<InstanceState> state) : state_(std::move(state)) {}

  std::unique_ptr<StreamBackend> open(const std::string& stream_name, const std::string& stream_json) override {
    if (state_->stream_open) {
      throw SourceError(state_->plugin_name(), state_->source_name(), stream_name,
                        "another stream of this source is still open (one stream at a time per instance)");
    }
    void* cursor = nullptr;
    state_->call("open", stream_name, false, [&](zra_error* err) {
      return state_->api().open(state_->instance, stream_json.c_str(), &cursor, err);
    });
    state_->stream_open = true;
    return std::make_unique<InProcessStream>(state_, cursor, stream_name);
  }

  void check() override {
    if (state_->api().check == nullptr) return;
    state_->call("check", "", false, [&](zra_error* err) { return state_->api().check(state_->instance, err); });
  }

 private:
  std::shared_ptr<InstanceState> state_;  // shared with the open stream: destroy() after its close()
};

}  // namespace

InstanceState::InstanceState(std::shared_ptr<LoadedPlugin> plugin, std::string source_name, const zra_host_api* host_api)
    : plugin_(std::move(plugin)), error_buffer_(kErrorCapacity, '\0') {
  log_context_.plugin = plugin_->info().name;
  log_context_.source = std::move(source_name);
  host_api_ = host_api != nullptr ? *host_api : make_host_api(&log_context_);
}

InstanceState::~InstanceState() {
  if (created) api().destroy(instance);
}

int InstanceState::call(const char* function, const std::string& stream, bool done_allowed,
                        const std::function<int(zra_error*)>& fn) {
  error_buffer_[0] = '\0';
  zra_error err{error_buffer_.data(), error_buffer_.size()};
  int status = ZRA_ERROR;
  const std::string fn_name = std::string(function) + "()";
  try {
    status = fn(&err);
  } catch (const std::exception& e) {
    throw SourceError(plugin_name(), source_name(), stream,
                      "plugin bug: a C++ exception escaped " + fn_name + " (exceptions must not cross the ABI): " +
                          redact(e.what()));
  } catch (...) {
    throw SourceError(plugin_name(), source_name(), stream,
                      "plugin bug: a non-standard C++ exception escaped " + fn_name + " (exceptions must not cross the ABI)");
  }
  error_buffer_.back() = '\0';  // a plugin that ignored the capacity must not make us read past the end
  if (status == ZRA_OK || (status == ZRA_DONE && done_allowed)) return status;
  std::string message(error_buffer_.data());
  if (status >= 0) {
    throw SourceError(plugin_name(), source_name(), stream,
                      "plugin bug: " + fn_name + " returned " + status_name(status) + ", which it may not return");
  }
  if (message.empty()) {
    throw SourceError(plugin_name(), source_name(), stream,
                      "plugin bug: " + fn_name + " failed with " + status_name(status) +
                          " but gave no error message (it must call zra_set_error)");
  }
  throw SourceError(plugin_name(), source_name(), stream,
                    fn_name + " failed (" + status_name(status) + "): " + redact(message),
                    status == ZRA_ERROR_SETTINGS ? kExitUsage : kExitFatal);
}

std::unique_ptr<SourceBackend> make_in_process_source(std::shared_ptr<LoadedPlugin> plugin,
                                                      const std::string& source_name, const std::string& settings_json,
                                                      const zra_host_api* host_api) {
  auto state = std::make_shared<InstanceState>(std::move(plugin), source_name, host_api);
  state->call("create", "", false, [&](zra_error* err) {
    return state->api().create(state->host_api(), settings_json.c_str(), &state->instance, err);
  });
  state->created = true;
  return std::make_unique<InProcessSource>(std::move(state));
}

}  // namespace zra::plugin_host_detail
