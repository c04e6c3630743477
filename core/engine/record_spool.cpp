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

bool spool_order(const PlannedRecord& a, const PlannedRecord& b) {
  const int c = a.crm_id.compare(b.crm_id);
  return c != 0 ? c < 0 : a.sequence < b.sequence;
}

uint64_t id_prefix(std::string_view id) {
  uint64_t prefix = 0;
  for (size_t i = 0; i < 8; ++i) prefix = (prefix << 8) | (i < id.size() ? static_cast<unsigned char>(id[i]) : 0u);
  return prefix;
}

std::string_view encoded_id(const std::string& buffer, const RecordSpool::Entry& e) {
  uint32_t n = 0;
  std::memcpy(&n, buffer.data() + e.offset + kEncodedIdOffset, sizeof n);
  return {buffer.data() + e.offset + kEncodedIdOffset + sizeof n, n};
}

// The records of one type still in the spool's buffer, in the order of their (sorted) index.
class BufferRecordSource : public RecordSource {
 public:
  BufferRecordSource(const std::string& buffer, std::vector<RecordSpool::Entry> index, const OriginTable& origins)
      : buffer_(buffer), index_(std::move(index)), origins_(origins) {}
  bool next(PlannedRecord& out) override {
    if (pos_ >= index_.size()) return false;
    const RecordSpool::Entry& e = index_[pos_++];
    if (auto problem = decode_record({buffer_.data() + e.offset, e.length}, origins_, out)) {
      throw FatalError("spool: a record held in memory does not decode: " + *problem);  // a bug, not bad input
    }
    return true;
  }

 private:
  const std::string& buffer_;
  std::vector<RecordSpool::Entry> index_;
  const OriginTable& origins_;
  size_t pos_ = 0;
};

// Reads one run file and removes it once read (or abandoned), so the disk is given back early.
class FileRecordSource : public RecordSource {
 public:
  FileRecordSource(const std::string& path, const OriginTable& origins, size_t buffer)
      : reader_(std::make_unique<SpoolFileReader>(path, origins, buffer)), path_(path) {}
  ~FileRecordSource() override { close(); }
  bool next(PlannedRecord& out) override {
    if (!reader_) return false;
    if (reader_->next(out)) return true;
    close();
    return false;
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

// k-way merge of sources that are each in (crm_id, sequence) order: a binary heap of their heads.
class MergeRecordSource : public RecordSource {
  // std heaps keep the greatest on top; "later" puts the smallest (crm_id, sequence) there.
  struct Later {
    const std::vector<PlannedRecord>* heads;
    bool operator()(size_t a, size_t b) const { return spool_order((*heads)[b], (*heads)[a]); }
  };
  Later later() const { return Later{&heads_}; }

 public:
  explicit MergeRecordSource(std::vector<std::unique_ptr<RecordSource>> inputs)
      : inputs_(std::move(inputs)), heads_(inputs_.size()) {
    for (size_t i = 0; i < inputs_.size(); ++i) {
      if (inputs_[i]->next(heads_[i])) heap_.push_back(i);
    }
    std::make_heap(heap_.begin(), heap_.end(), later());
  }
  bool next(PlannedRecord& out) override {
    if (heap_.empty()) return false;
    std::pop_heap(heap_.begin(), heap_.end(), later());
    const size_t i = heap_.back();
    out = std::move(heads_[i]);
    if (inputs_[i]->next(heads_[i])) {
      std::push_heap(heap_.begin(), heap_.end(), later());
    } else {
      heap_.pop_back();
      inputs_[i].reset();
    }
    return true;
  }

 private:
  std::vector<std::unique_ptr<RecordSource>> inputs_;
  std::vector<PlannedRecord> heads_;
  std::vector<size_t> heap_;
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
  const size_t size = encoded_size(record);
  // Spill before the buffer would pass the budget, so it never grows past it (one big record aside).
  if (held_bytes_ > 0 && held_bytes_ + size + sizeof(Entry) > limits_.memory_bytes) spill();
  // Reserved once (pages are only touched as records fill them), so the buffer never doubles past the
  // budget; a budget beyond 64 MB (benchmarks that keep everything) grows as a string does.
  constexpr size_t kReserveAtMost = size_t{64} << 20;
  if (buffer_.capacity() < std::min(limits_.memory_bytes, kReserveAtMost)) {
    buffer_.reserve(std::min(limits_.memory_bytes, kReserveAtMost));
  }
  const uint64_t sequence = next_sequence_++;
  const size_t offset = buffer_.size();
  encode_record(record, origin, buffer_);
  std::memcpy(buffer_.data() + offset, &sequence, sizeof sequence);  // the encoding starts with the sequence
  const auto t = static_cast<size_t>(record.type);
  index_[t].push_back({id_prefix(record.crm_id), sequence, static_cast<uint32_t>(offset), static_cast<uint32_t>(size)});
  held_bytes_ += size + sizeof(Entry);
  counts_[t]++;
}

void RecordSpool::sort_index(std::vector<Entry>& index) const {
  std::sort(index.begin(), index.end(), [this](const Entry& a, const Entry& b) {
    if (a.id_prefix != b.id_prefix) return a.id_prefix < b.id_prefix;
    const int c = encoded_id(buffer_, a).compare(encoded_id(buffer_, b));
    return c != 0 ? c < 0 : a.sequence < b.sequence;
  });
}

void RecordSpool::spill() {
  for (size_t t = 0; t < index_.size(); ++t) {
    auto& index = index_[t];
    if (index.empty()) continue;
    sort_index(index);
    SpoolFileWriter writer(dir_.new_file(type_stem(static_cast<ObjectType>(t))), origins_, limits_.io_buffer_bytes);
    for (const Entry& e : index) writer.write_encoded({buffer_.data() + e.offset, e.length});
    writer.finish();
    log_debug("spool.spilled", "wrote " + std::to_string(index.size()) + " records to " + writer.path(),
              {{"bytes", writer.bytes()}});
    runs_[t].push_back(writer.path());
    index.clear();
  }
  buffer_.clear();
  held_bytes_ = 0;
}

std::unique_ptr<RecordSource> RecordSpool::open_run(const std::string& path) {
  return std::make_unique<FileRecordSource>(path, origins_, limits_.io_buffer_bytes);
}

std::unique_ptr<RecordSource> RecordSpool::sorted(ObjectType type) {
  const auto t = static_cast<size_t>(type);
  auto& index = index_[t];
  sort_index(index);
  auto memory = std::make_unique<BufferRecordSource>(buffer_, std::move(index), origins_);
  index = {};
  counts_[t] = 0;
  auto& runs = runs_[t];
  if (runs.empty()) return memory;
  // Too many runs to merge at once: merge the oldest fan_in into one bigger run, until few enough remain
  // (the chunk in memory is one more input).
  while (runs.size() + 1 > limits_.merge_fan_in) {
    std::vector<std::unique_ptr<RecordSource>> group;
    for (size_t i = 0; i < limits_.merge_fan_in; ++i) group.push_back(open_run(runs[i]));
    runs.erase(runs.begin(), runs.begin() + static_cast<std::ptrdiff_t>(limits_.merge_fan_in));
    MergeRecordSource merged(std::move(group));
    SpoolFileWriter writer(dir_.new_file(type_stem(type)), origins_, limits_.io_buffer_bytes);
    PlannedRecord r;
    while (merged.next(r)) writer.write(r);
    writer.finish();
    runs.push_back(writer.path());
  }
  std::vector<std::unique_ptr<RecordSource>> inputs;
  for (const auto& path : runs) inputs.push_back(open_run(path));
  runs.clear();
  inputs.push_back(std::move(memory));
  return std::make_unique<MergeRecordSource>(std::move(inputs));
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
  return std::make_unique<FileRecordSource>(path, origins_, io_buffer_bytes_);
}

}  // namespace zra
