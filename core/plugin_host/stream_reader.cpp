#include "core/plugin_host/source_instance.h"

#include <cstring>

#include "core/common/log.h"
#include "core/plugin_host/instance_state.h"

namespace zra {

StreamReader::StreamReader(std::shared_ptr<plugin_host_detail::InstanceState> state, void* cursor, std::string stream)
    : state_(std::move(state)), cursor_(cursor), stream_(std::move(stream)) {}

StreamReader::~StreamReader() {
  // close() "never fails"; if a C++ plugin throws anyway, it must not escape a destructor: say so in the log.
  try {
    state_->api().close(cursor_);
  } catch (const std::exception& e) {
    log_error("plugin.bug", "a C++ exception escaped close(): " + redact(e.what()),
              {{"plugin", state_->plugin_name()}, {"source", state_->source_name()}, {"stream", stream_}});
  }
  state_->stream_open = false;
}

bool StreamReader::next(std::vector<SourceRow>& out) {
  out.clear();
  if (failed_) {
    throw SourceError(state_->plugin_name(), state_->source_name(), stream_, "read again after the stream failed");
  }
  if (done_) return false;
  try {
    while (out.empty()) {
      const zra_batch* batch = nullptr;
      int status = state_->call("next_batch", stream_, true, [&](zra_error* err) {
        return state_->api().next_batch(cursor_, &batch, err);
      });
      if (status == ZRA_DONE) {
        done_ = true;
        return false;
      }
      if (batch == nullptr) {
        throw SourceError(state_->plugin_name(), state_->source_name(), stream_,
                          "plugin bug: next_batch() returned ZRA_OK without a batch");
      }
      copy_batch(*batch, out);
    }
  } catch (const SourceError&) {
    failed_ = true;
    out.clear();
    throw;
  }
  return true;
}

void StreamReader::copy_batch(const zra_batch& batch, std::vector<SourceRow>& out) {
  auto bug = [&](const std::string& what) {
    return SourceError(state_->plugin_name(), state_->source_name(), stream_, "plugin bug: " + what);
  };
  if (batch.struct_size < sizeof(zra_batch)) {
    throw bug("next_batch() returned a batch with struct_size " + std::to_string(batch.struct_size) +
              ", smaller than the ABI 1.0 size " + std::to_string(sizeof(zra_batch)));
  }
  if (batch.n_rows > 0 && batch.rows == nullptr) throw bug("the batch has " + std::to_string(batch.n_rows) + " rows but rows is NULL");
  if (batch.n_columns > 0 && batch.column_names == nullptr) throw bug("the batch has columns but column_names is NULL");

  bool same = columns_ && columns_->size() == batch.n_columns;
  for (uint32_t c = 0; c < batch.n_columns; ++c) {
    if (batch.column_names[c] == nullptr) throw bug("column " + std::to_string(c) + " of the batch has a NULL name");
    same = same && (*columns_)[c] == batch.column_names[c];
  }
  if (!same) columns_ = std::make_shared<const std::vector<std::string>>(batch.column_names, batch.column_names + batch.n_columns);

  out.reserve(batch.n_rows);
  for (size_t r = 0; r < batch.n_rows; ++r) {
    const zra_row& row = batch.rows[r];
    if (row.locator == nullptr || row.locator[0] == '\0') {
      throw bug("row " + std::to_string(r + 1) + " of a batch has no locator (every row must say where it is in the source)");
    }
    SourceRow& dst = out.emplace_back();
    dst.columns = columns_;
    dst.locator = row.locator;
    if (row.error != nullptr) {
      dst.error = row.error;
      continue;
    }
    if (batch.n_columns > 0 && row.values == nullptr) throw bug("row '" + dst.locator + "' has no values and no error");
    dst.values.reserve(batch.n_columns);
    for (uint32_t c = 0; c < batch.n_columns; ++c) {
      const zra_value& v = row.values[c];
      if (v.data == nullptr) {
        dst.values.emplace_back(std::nullopt);
      } else {
        dst.values.emplace_back(std::in_place, v.data, v.size);
      }
    }
  }
}

}  // namespace zra
