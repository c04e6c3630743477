#include "core/plugin_host/source_frame.h"

#include <cstring>

namespace zra::source_frame {
namespace {

constexpr size_t kHeaderBytes = 4;  // the length; the type byte counts as part of the frame

bool known_type(uint8_t t) {
  return (t >= static_cast<uint8_t>(FrameType::Create) && t <= static_cast<uint8_t>(FrameType::Open)) ||
         (t >= static_cast<uint8_t>(FrameType::Ready) && t <= static_cast<uint8_t>(FrameType::Log));
}

}  // namespace

std::string type_name(uint8_t type) {
  switch (static_cast<FrameType>(type)) {
    case FrameType::Create: return "Create";
    case FrameType::Check: return "Check";
    case FrameType::Open: return "Open";
    case FrameType::Ready: return "Ready";
    case FrameType::Opened: return "Opened";
    case FrameType::Columns: return "Columns";
    case FrameType::Rows: return "Rows";
    case FrameType::End: return "End";
    case FrameType::Failed: return "Failed";
    case FrameType::Log: return "Log";
  }
  return "type " + std::to_string(type);
}

void FrameWriter::begin(FrameType type) {
  start_ = buffer_.size();
  buffer_.append(kHeaderBytes, '\0');
  buffer_.push_back(static_cast<char>(type));
  open_ = true;
}

void FrameWriter::varint(uint64_t v) {
  while (v >= 0x80) {
    buffer_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  buffer_.push_back(static_cast<char>(v));
}

void FrameWriter::text(std::string_view s) {
  varint(s.size());
  raw(s);
}

void FrameWriter::end() {
  const size_t length = buffer_.size() - start_ - kHeaderBytes;
  if (length > kMaxFrameBytes) {
    buffer_.resize(start_);
    open_ = false;
    throw FrameError("a frame of " + std::to_string(length) + " bytes exceeds the limit of " +
                     std::to_string(kMaxFrameBytes) + " bytes");
  }
  for (size_t i = 0; i < kHeaderBytes; ++i) buffer_[start_ + i] = static_cast<char>((length >> (8 * i)) & 0xff);
  open_ = false;
}

uint64_t PayloadReader::varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= p_.size()) throw FrameError("truncated payload: a number is cut off at byte " + std::to_string(pos_));
    const auto byte = static_cast<uint8_t>(p_[pos_++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return v;
  }
  throw FrameError("malformed payload: a number longer than 64 bits at byte " + std::to_string(pos_));
}

std::string_view PayloadReader::text() { return raw(varint()); }

std::string_view PayloadReader::raw(uint64_t n) {
  if (n > p_.size() - pos_) {
    throw FrameError("truncated payload: a text of " + std::to_string(n) + " bytes at byte " + std::to_string(pos_) +
                     " but only " + std::to_string(p_.size() - pos_) + " bytes are left");
  }
  std::string_view s = p_.substr(pos_, n);
  pos_ += n;
  return s;
}

void PayloadReader::expect_end() const {
  if (!at_end()) throw FrameError(std::to_string(p_.size() - pos_) + " unexpected bytes at the end of a payload");
}

char* FrameDecoder::prepare(size_t n) {
  if (begin_ > 0 && (begin_ == end_ || begin_ > buf_.size() / 2)) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buf_.size() - end_ < n) buf_.resize(end_ + n);
  return buf_.data() + end_;
}

std::optional<Frame> FrameDecoder::next() {
  const size_t avail = end_ - begin_;
  if (avail < kHeaderBytes) return std::nullopt;
  const auto* h = reinterpret_cast<const unsigned char*>(buf_.data() + begin_);
  const size_t length = size_t{h[0]} | size_t{h[1]} << 8 | size_t{h[2]} << 16 | size_t{h[3]} << 24;
  if (length == 0) throw FrameError("a frame of length 0 (no type byte)");
  if (length > max_frame_) {
    throw FrameError("a frame length of " + std::to_string(length) + " bytes exceeds the limit of " +
                     std::to_string(max_frame_) + " bytes");
  }
  if (avail < kHeaderBytes + 1) return std::nullopt;
  const auto type = static_cast<uint8_t>(buf_[begin_ + kHeaderBytes]);
  if (!known_type(type)) throw FrameError("unknown frame type " + std::to_string(type));
  if (avail < kHeaderBytes + length) return std::nullopt;
  Frame f{static_cast<FrameType>(type), std::string_view(buf_.data() + begin_ + kHeaderBytes + 1, length - 1)};
  begin_ += kHeaderBytes + length;
  return f;
}

void write_columns(FrameWriter& w, const std::vector<std::string>& columns) {
  w.begin(FrameType::Columns);
  w.varint(columns.size());
  for (const auto& c : columns) w.text(c);
  w.end();
}

std::vector<std::string> read_columns(std::string_view payload) {
  PayloadReader r(payload);
  const uint64_t n = r.varint();
  if (n > payload.size()) throw FrameError("malformed Columns frame: " + std::to_string(n) + " columns in " +
                                           std::to_string(payload.size()) + " bytes");
  std::vector<std::string> names;
  names.reserve(n);
  for (uint64_t i = 0; i < n; ++i) names.emplace_back(r.text());
  r.expect_end();
  return names;
}

void write_row(FrameWriter& w, const SourceRow& row) {
  w.text(row.locator);
  if (row.error) {
    w.varint(1);
    w.text(*row.error);
    return;
  }
  w.varint(0);
  for (const auto& v : row.values) {
    if (!v) {
      w.varint(0);
    } else {
      w.varint(v->size() + 1);
      w.raw(*v);
    }
  }
}

void write_row(FrameWriter& w, const zra_row& row, uint32_t n_columns) {
  w.text(row.locator);
  if (row.error != nullptr) {
    w.varint(1);
    w.text(row.error);
    return;
  }
  w.varint(0);
  for (uint32_t c = 0; c < n_columns; ++c) {
    const zra_value& v = row.values[c];
    if (v.data == nullptr) {
      w.varint(0);
    } else {
      w.varint(v.size + 1);
      w.raw(std::string_view(v.data, v.size));
    }
  }
}

size_t read_rows(std::string_view payload, const std::shared_ptr<const std::vector<std::string>>& columns,
                 SourceRowRefill& out) {
  PayloadReader r(payload);
  const size_t n_columns = columns ? columns->size() : 0;
  size_t added = 0;
  while (!r.at_end()) {
    const std::string_view locator = r.text();
    const uint64_t flag = r.varint();
    ++added;
    if (flag == 1) {
      out.add_error(columns, locator, r.text());
      continue;
    }
    if (flag != 0) throw FrameError("malformed row '" + std::string(locator) + "': flag " + std::to_string(flag));
    SourceRow& row = out.add(columns, locator, n_columns);
    for (auto& value : row.values) {
      const uint64_t tag = r.varint();
      if (tag == 0) {
        value.reset();
      } else {
        SourceRowRefill::set_value(value, r.raw(tag - 1));
      }
    }
  }
  return added;
}

}  // namespace zra::source_frame
