#include "core/engine/record_spool.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "core/common/errors.h"
#include "core/common/log.h"

namespace zra {
namespace fs = std::filesystem;
namespace {

// The crm_id's first 16 bytes as two big-endian integers, zero-padded: the pair orders like memcmp.
struct IdKey {
  uint64_t high, low;
};

inline uint64_t big_endian_word(const char* p) {
  uint64_t word = 0;
  std::memcpy(&word, p, sizeof word);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  word = __builtin_bswap64(word);
#endif
  return word;
}

// Loads straight from the id (copying a short id into a zeroed array first stalled every load on the copy's
// stores: the merge's hottest instruction).
inline IdKey id_key(std::string_view id) {
  const char* p = id.data();
  const size_t n = id.size();
  if (n >= 16) return {big_endian_word(p), big_endian_word(p + 8)};
  // Bytes 8..n-1 are the low bytes of the word that ends where the id does: shifted to the top.
  if (n > 8) return {big_endian_word(p), big_endian_word(p + n - 8) << (8 * (16 - n))};
  if (n == 8) return {big_endian_word(p), 0};
  uint64_t high = 0;
  for (size_t i = 0; i < 8; ++i) high = (high << 8) | (i < n ? static_cast<unsigned char>(p[i]) : 0u);
  return {high, 0};
}

std::string_view encoded_id(const std::string& buffer, const RecordSpool::Entry& e) {
  return record_id({buffer.data() + e.offset, e.length});
}

// Records still encoded (spool_file.h), handed out in (crm_id, sequence) order. The merge orders them by
// their bytes and decodes only the one it hands on, straight into the caller's record.
class EncodedSource {
 public:
  virtual ~EncodedSource() = default;
  // The next encoding, valid until the next call, or false at the end. Throws FatalError on I/O.
  virtual bool next(std::string_view& encoded) = 0;
  // Throws the FatalError for an encoding last returned that does not decode.
  [[noreturn]] virtual void undecodable(const std::string& problem) const = 0;
};

// The records of one type still in the spool's buffer, in the order of their (sorted) index.
class BufferEncodedSource : public EncodedSource {
 public:
  BufferEncodedSource(const std::string& buffer, std::vector<RecordSpool::Entry> index)
      : buffer_(buffer), index_(std::move(index)) {}
  bool next(std::string_view& encoded) override {
    if (pos_ >= index_.size()) return false;
    const RecordSpool::Entry& e = index_[pos_++];
    encoded = {buffer_.data() + e.offset, e.length};
    return true;
  }
  [[noreturn]] void undecodable(const std::string& problem) const override {
    throw FatalError("spool: a record held in memory does not decode: " + problem);  // a bug, not bad input
  }

 private:
  const std::string& buffer_;
  std::vector<RecordSpool::Entry> index_;
  size_t pos_ = 0;
};

// Reads one run file and removes it once read (or abandoned), so the disk is given back early.
class FileEncodedSource : public EncodedSource {
 public:
  FileEncodedSource(const std::string& path, const OriginTable& origins, size_t buffer)
      : reader_(std::make_unique<SpoolFileReader>(path, origins, buffer)), path_(path) {}
  ~FileEncodedSource() override { close(); }
  bool next(std::string_view& encoded) override {
    if (!reader_) return false;
    if (reader_->next_encoded(encoded)) return true;
    close();
    return false;
  }
  [[noreturn]] void undecodable(const std::string& problem) const override {
    if (!reader_) throw FatalError("spool: a record of " + path_ + " does not decode: " + problem);
    reader_->damaged(problem);
  }

 private:
  void close() {
    if (!reader_) return;
    reader_.reset();
    std::error_code ec;
    fs::remove(path_, ec);
  }
  std::unique_ptr<SpoolFileReader> reader_;
  std::string path_;
};

// k-way merge of encoded sources that are each in (crm_id, sequence) order: a binary min-heap of their
// heads, each keyed by its id's first 16 bytes and its sequence so most comparisons touch no string.
class MergeEncodedSource : public EncodedSource {
  struct Head {
    uint64_t id_high, id_low, sequence;
    std::string_view encoded;
    size_t input;
  };

 public:
  explicit MergeEncodedSource(std::vector<std::unique_ptr<EncodedSource>> inputs)
      : inputs_(std::move(inputs)) {
    for (size_t i = 0; i < inputs_.size(); ++i) {
      std::string_view encoded;
      if (inputs_[i]->next(encoded)) heap_.push_back(head_of(encoded, i));
    }
    for (size_t i = heap_.size() / 2; i-- > 0;) sift_down(i, heap_[i]);
  }
  bool next(std::string_view& encoded) override {
    // The input handed out last moves on only now: its encoding had to stay valid until this call.
    if (handed_out_) {
      handed_out_ = false;
      const size_t i = heap_.front().input;
      std::string_view following;
      if (inputs_[i]->next(following)) {
        sift_down(0, head_of(following, i));
      } else {
        inputs_[i].reset();
        const Head last = heap_.back();
        heap_.pop_back();
        if (!heap_.empty()) sift_down(0, last);
      }
    }
    if (heap_.empty()) return false;
    encoded = heap_.front().encoded;
    handed_out_ = true;
    return true;
  }
  [[noreturn]] void undecodable(const std::string& problem) const override {
    if (!handed_out_) throw FatalError("spool: a merged record does not decode: " + problem);
    inputs_[heap_.front().input]->undecodable(problem);
    // Not reached: the compiler cannot see that a virtual call never returns.
    throw FatalError("spool: " + problem);
  }

 private:
  static Head head_of(std::string_view encoded, size_t input) {
    const std::string_view id = record_id(encoded);
    uint64_t sequence = 0;
    std::memcpy(&sequence, encoded.data(), sizeof sequence);  // an encoding starts with the sequence
    const IdKey key = id_key(id);
    return {key.high, key.low, sequence, encoded, input};
  }
  // (crm_id, sequence) order; the ids' bytes are compared only when their 16-byte prefixes are equal.
  static bool before(const Head& a, const Head& b) {
    if (a.id_high != b.id_high) return a.id_high < b.id_high;
    if (a.id_low != b.id_low) return a.id_low < b.id_low;
    const int c = record_id(a.encoded).compare(record_id(b.encoded));
    return c != 0 ? c < 0 : a.sequence < b.sequence;
  }
  // Puts `moving` at `pos` or below it (passed in, rather than stored into heap_ first and read back).
  void sift_down(size_t pos, const Head moving) {
    const size_t n = heap_.size();
    for (size_t child = 2 * pos + 1; child < n; child = 2 * pos + 1) {
      if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
      if (!before(heap_[child], moving)) break;
      heap_[pos] = heap_[child];
      pos = child;
    }
    heap_[pos] = moving;
  }

  std::vector<std::unique_ptr<EncodedSource>> inputs_;
  std::vector<Head> heap_;
  bool handed_out_ = false;  // heap_.front() was handed out and its input not moved on yet
};

// Decodes what an encoded source hands out.
class DecodingRecordSource : public RecordSource {
 public:
  DecodingRecordSource(std::unique_ptr<EncodedSource> in, const OriginTable& origins)
      : in_(std::move(in)), origins_(origins) {}
  bool next(PlannedRecord& out) override {
    std::string_view encoded;
    if (!in_->next(encoded)) return false;
    if (auto problem = decode_record(encoded, origins_, out)) in_->undecodable(*problem);
    return true;
  }

 private:
  std::unique_ptr<EncodedSource> in_;
  const OriginTable& origins_;
};

std::string type_stem(ObjectType type) { return "run-" + std::string(to_string(type)); }

}  // namespace

// --- SpoolDirectory ---

int remove_stale_spools(const fs::path& root) {
  int removed = 0;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return 0;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    const size_t dot = name.rfind('.');
    if (dot == std::string::npos || dot + 1 >= name.size()) continue;
    const std::string digits = name.substr(dot + 1);
    if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) continue;
    const auto pid = static_cast<pid_t>(std::strtol(digits.c_str(), nullptr, 10));
    if (pid <= 0 || pid == getpid()) continue;
    if (kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to signal): in use
    std::error_code rm;
    fs::remove_all(entry.path(), rm);
    if (rm) {
      log_warn("spool.stale", "cannot remove the stale spool " + entry.path().string() + ": " + rm.message());
      continue;
    }
    log_info("spool.stale", "removed the spool of an earlier run that did not finish: " + entry.path().string());
    ++removed;
  }
  return removed;
}

fs::path SpoolDirectory::root_for(const std::string& state_path, bool dry_run) {
  if (!dry_run && !state_path.empty()) return fs::path(state_path + ".spool");
  std::error_code ec;
  fs::path tmp = fs::temp_directory_path(ec);
  if (ec) tmp = "/tmp";
  return tmp / "zra-sync-spool";
}

SpoolDirectory::SpoolDirectory(const fs::path& root, const std::string& run_id) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) throw FatalError("cannot create the spool directory " + root.string() + ": " + ec.message());
  remove_stale_spools(root);
  path_ = root / (run_id + "." + std::to_string(getpid()));
  fs::create_directory(path_, ec);
  if (ec) throw FatalError("cannot create the spool directory " + path_.string() + ": " + ec.message());
}

SpoolDirectory::~SpoolDirectory() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string SpoolDirectory::new_file(const std::string& stem) {
  return (path_ / (stem + "-" + std::to_string(++files_) + ".spool")).string();
}

// --- RecordSpool ---

RecordSpool::RecordSpool(SpoolDirectory& dir, SpoolLimits limits) : dir_(dir), limits_(limits) {
  limits_.merge_fan_in = std::max<size_t>(2, limits_.merge_fan_in);
  // Entries address the buffer with 32-bit offsets: a larger budget spills at 4 GB.
  limits_.memory_bytes = std::min<size_t>(limits_.memory_bytes, UINT32_MAX);
}

RecordSpool::~RecordSpool() {
  for (const auto& runs : runs_) {
    for (const auto& path : runs) {
      std::error_code ec;
      fs::remove(path, ec);
    }
  }
}

void RecordSpool::add(const PlannedRecord& record, uint32_t origin) {
  if (handing_out_) {
    throw FatalError("spool: a record was added after sorted() began handing records out (a bug)");
  }
  const size_t size = encoded_size(record);
  // Each encoding is held as a run file stores it, after its u32 length: a spill writes records that lie
  // next to each other (an input sorted by id) in one call, without copying them one by one.
  const auto length = static_cast<uint32_t>(size);
  const size_t held = sizeof length + size + sizeof(Entry);
  // Spill before the buffer would pass the budget, so it never grows past it (one big record aside).
  if (held_bytes_ > 0 && held_bytes_ + held > limits_.memory_bytes) spill();
  // Reserved once (pages are only touched as records fill them), so the buffer never doubles past the
  // budget; a budget beyond 64 MB (benchmarks that keep everything) grows as a string does.
  constexpr size_t kReserveAtMost = size_t{64} << 20;
  if (buffer_.capacity() < std::min(limits_.memory_bytes, kReserveAtMost)) {
    buffer_.reserve(std::min(limits_.memory_bytes, kReserveAtMost));
  }
  const uint64_t sequence = next_sequence_++;
  buffer_.append(reinterpret_cast<const char*>(&length), sizeof length);
  const size_t offset = buffer_.size();
  encode_record(record, origin, buffer_);
  std::memcpy(buffer_.data() + offset, &sequence, sizeof sequence);  // the encoding starts with the sequence
  const auto t = static_cast<size_t>(record.type);
  const IdKey key = id_key(record.crm_id);
  index_[t].push_back({key.high, key.low, static_cast<uint32_t>(offset), static_cast<uint32_t>(size)});
  held_bytes_ += held;
  counts_[t]++;
}

void RecordSpool::sort_index(std::vector<Entry>& index) const {
  const auto before = [this](const Entry& a, const Entry& b) {
    if (a.id_high != b.id_high) return a.id_high < b.id_high;
    if (a.id_low != b.id_low) return a.id_low < b.id_low;
    const int c = encoded_id(buffer_, a).compare(encoded_id(buffer_, b));
    return c != 0 ? c < 0 : a.offset < b.offset;  // the offset grows with the sequence
  };
  // Exports often come sorted by id already: one linear check then spares the sort.
  if (!std::is_sorted(index.begin(), index.end(), before)) std::sort(index.begin(), index.end(), before);
}

void RecordSpool::spill() {
  for (size_t t = 0; t < index_.size(); ++t) {
    auto& index = index_[t];
    if (index.empty()) continue;
    sort_index(index);
    SpoolFileWriter writer(dir_.new_file(type_stem(static_cast<ObjectType>(t))), origins_, limits_.io_buffer_bytes);
    // Coalesce entries whose framed encodings are adjacent in the buffer into one write.
    constexpr size_t kFrame = sizeof(uint32_t);
    size_t run_begin = index.front().offset - kFrame, run_end = run_begin;
    for (const Entry& e : index) {
      if (e.offset - kFrame != run_end) {
        writer.write_framed({buffer_.data() + run_begin, run_end - run_begin});
        run_begin = e.offset - kFrame;
      }
      run_end = size_t{e.offset} + e.length;
    }
    writer.write_framed({buffer_.data() + run_begin, run_end - run_begin});
    writer.finish();
    log_debug("spool.spilled", "wrote " + std::to_string(index.size()) + " records to " + writer.path(),
              {{"bytes", writer.bytes()}});
    runs_[t].push_back(writer.path());
    index.clear();
  }
  buffer_.clear();
  held_bytes_ = 0;
}

std::unique_ptr<RecordSource> RecordSpool::sorted(ObjectType type) {
  handing_out_ = true;
  const auto t = static_cast<size_t>(type);
  auto& index = index_[t];
  sort_index(index);
  std::unique_ptr<EncodedSource> memory = std::make_unique<BufferEncodedSource>(buffer_, std::move(index));
  index = {};
  counts_[t] = 0;
  auto& runs = runs_[t];
  auto open_run = [this](const std::string& path) {
    return std::make_unique<FileEncodedSource>(path, origins_, limits_.io_buffer_bytes);
  };
  if (runs.empty()) return std::make_unique<DecodingRecordSource>(std::move(memory), origins_);
  // Too many runs to merge at once: merge the oldest fan_in into one bigger run, until few enough remain
  // (the chunk in memory is one more input). Records go from file to file still encoded.
  while (runs.size() + 1 > limits_.merge_fan_in) {
    std::vector<std::unique_ptr<EncodedSource>> group;
    for (size_t i = 0; i < limits_.merge_fan_in; ++i) group.push_back(open_run(runs[i]));
    runs.erase(runs.begin(), runs.begin() + static_cast<std::ptrdiff_t>(limits_.merge_fan_in));
    MergeEncodedSource merged(std::move(group));
    SpoolFileWriter writer(dir_.new_file(type_stem(type)), origins_, limits_.io_buffer_bytes);
    std::string_view encoded;
    PlannedRecord check;  // a damaged record is reported in the file it was read from, as when decoded
    while (merged.next(encoded)) {
      if (auto problem = decode_record(encoded, origins_, check)) merged.undecodable(*problem);
      writer.write_encoded(encoded);
    }
    writer.finish();
    runs.push_back(writer.path());
  }
  std::vector<std::unique_ptr<EncodedSource>> inputs;
  for (const auto& path : runs) inputs.push_back(open_run(path));
  runs.clear();
  inputs.push_back(std::move(memory));
  auto merged = std::make_unique<MergeEncodedSource>(std::move(inputs));
  return std::make_unique<DecodingRecordSource>(std::move(merged), origins_);
}

// --- RecordList ---

RecordList::RecordList(SpoolDirectory& dir, OriginTable& origins, std::string stem, size_t memory_bytes,
                       size_t io_buffer_bytes)
    : dir_(dir), origins_(origins), stem_(std::move(stem)), memory_bytes_(memory_bytes),
      io_buffer_bytes_(io_buffer_bytes) {}

RecordList::~RecordList() {
  if (!writer_) return;
  const std::string path = writer_->path();
  writer_.reset();
  std::error_code ec;
  fs::remove(path, ec);
}

void RecordList::append(PlannedRecord record) {
  ++size_;
  if (writer_) {
    writer_->write(record);
    return;
  }
  held_bytes_ += memory_footprint(record);
  memory_.push_back(std::move(record));
  if (held_bytes_ < memory_bytes_) return;
  writer_ = std::make_unique<SpoolFileWriter>(dir_.new_file(stem_), origins_, io_buffer_bytes_);
  for (const auto& r : memory_) writer_->write(r);
  memory_ = {};
  held_bytes_ = 0;
}

std::unique_ptr<RecordSource> RecordList::drain() {
  if (!writer_) return std::make_unique<VectorRecordSource>(std::move(memory_));
  writer_->finish();
  const std::string path = writer_->path();
  writer_.reset();
  auto file = std::make_unique<FileEncodedSource>(path, origins_, io_buffer_bytes_);
  return std::make_unique<DecodingRecordSource>(std::move(file), origins_);
}

}  // namespace zra
