#pragma once
// The framing between the host and a source-host child process (`isolation: process`). Every message is
// one frame: a u32 little-endian length of what follows (type byte + payload), the type byte, the payload.
// Integers in payloads are LEB128 varints; text is a varint length and the bytes.
//
// Rows travel compactly: a Columns frame whenever the column names change, then Rows frames, each a
// sequence of rows: locator, a flag (0 = values, 1 = row error), then the error text, or one value per
// column as varint(size + 1) and the bytes, 0 meaning NULL.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/source_row.h"
#include "zra_sync/plugin.h"

namespace zra::source_frame {

enum class FrameType : uint8_t {
  // host -> child
  Create = 1,  // plugin path, source name, settings JSON
  Check = 2,   // (empty)
  Open = 3,    // stream name, stream JSON
  // child -> host
  Ready = 10,    // create() or check() succeeded
  Opened = 11,   // open() succeeded; Columns / Rows frames follow, then End or Failed
  Columns = 12,  // varint count, names
  Rows = 13,     // rows until the end of the payload
  End = 14,      // the stream is finished (ZRA_DONE)
  Failed = 15,   // varint exit code, detail: the SourceError the in-process path would throw
  Log = 16,      // varint zra_log_level, message: a line the plugin logged
};

// Larger frames are refused by both sides: a length beyond it is a corrupt stream, not a big batch
// (the child splits batches into frames of about kRowsFrameTarget bytes).
constexpr size_t kMaxFrameBytes = size_t{1} << 30;
constexpr size_t kRowsFrameTarget = size_t{4} << 20;

// "Create", "Rows", ...; "type N" for a value outside the enum.
std::string type_name(uint8_t type);

// A malformed frame: oversized or impossible length, unknown type, truncated or inconsistent payload.
class FrameError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Appends frames to a byte buffer. Not thread-safe.
class FrameWriter {
 public:
  void begin(FrameType type);  // starts a frame (the previous one must be ended)
  void varint(uint64_t v);
  void text(std::string_view s);  // varint length + bytes
  void raw(std::string_view s) { buffer_.append(s.data(), s.size()); }
  // Ends the open frame. Throws FrameError when its payload exceeds kMaxFrameBytes.
  void end();
  size_t open_frame_bytes() const { return open_ ? buffer_.size() - start_ : 0; }
  const std::string& data() const { return buffer_; }
  void clear() { buffer_.clear(); open_ = false; }

 private:
  std::string buffer_;
  size_t start_ = 0;
  bool open_ = false;
};

// Reads a payload front to back. Every read throws FrameError("truncated ...") past the end.
class PayloadReader {
 public:
  explicit PayloadReader(std::string_view payload) : p_(payload) {}
  uint64_t varint();
  std::string_view text();           // varint length + bytes
  std::string_view raw(uint64_t n);  // the next n bytes
  bool at_end() const { return pos_ == p_.size(); }
  // Throws FrameError when bytes are left over.
  void expect_end() const;

 private:
  std::string_view p_;
  size_t pos_ = 0;
};

struct Frame {
  FrameType type;
  std::string_view payload;  // valid until the decoder's next prepare() or next()
};

// Splits a byte stream into frames. Feed it with prepare()/commit() (read(2) straight into it).
class FrameDecoder {
 public:
  explicit FrameDecoder(size_t max_frame = kMaxFrameBytes) : max_frame_(max_frame) {}
  // A writable area of at least `n` bytes at the end of the buffer; commit() the bytes written.
  char* prepare(size_t n);
  void commit(size_t n) { end_ += n; }
  // The next complete frame, or nullopt when more bytes are needed. Throws FrameError for a length of 0
  // or above the maximum, and for an unknown type.
  std::optional<Frame> next();
  // Some bytes of an incomplete frame are buffered (end of input now means a truncated frame).
  bool mid_frame() const { return end_ > begin_; }

 private:
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;
  size_t max_frame_;
};

// Column names, as one Columns frame.
void write_columns(FrameWriter& w, const std::vector<std::string>& columns);
std::vector<std::string> read_columns(std::string_view payload);

// Appends one row to an open Rows frame. A row without an error must have one value per column.
void write_row(FrameWriter& w, const SourceRow& row);
// The same straight from a plugin's batch (already checked: a locator, values unless an error).
void write_row(FrameWriter& w, const zra_row& row, uint32_t n_columns);
// Adds the rows of a Rows payload to `out`, each sharing `columns`. Throws FrameError when the payload
// is truncated or malformed. Returns the number of rows added.
size_t read_rows(std::string_view payload, const std::shared_ptr<const std::vector<std::string>>& columns,
                 SourceRowRefill& out);

}  // namespace zra::source_frame
