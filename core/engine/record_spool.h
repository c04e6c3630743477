#pragma once
// An external sort for the records of a run, so memory stays flat whatever the input size.
//
// Records are added in read order, encoded at once (spool_file.h) into one buffer, each after its u32
// length as a run file holds them, with an index per type. Before the buffer would pass the memory budget,
// each type's index is sorted by (crm_id, sequence) and its records are written as a run file into the
// run's spool directory; reading a type back merges its runs (k-way, at most `merge_fan_in` files open at
// once; more runs are first merged into bigger ones, record bytes copied as they are). The merge orders
// records by their bytes and decodes only the one it hands out. Small inputs that fit the buffer never
// touch the disk. Holding records as bytes, not objects, keeps the budget exact and costs no allocation
// per record.
//
// Not thread-safe: one reader thread fills the spool, then the planner drains it.
#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/engine/record_source.h"
#include "core/engine/spool_file.h"

namespace zra {

// The run's scratch directory `<root>/<run_id>.<pid>`, removed with everything in it when destroyed.
// Creating it first removes the directories of earlier runs under `root` whose process is gone (a run
// that was killed); directories of live processes (a concurrent dry run) are left alone.
class SpoolDirectory {
 public:
  // Throws FatalError naming the directory when it cannot be created.
  SpoolDirectory(const std::filesystem::path& root, const std::string& run_id);
  ~SpoolDirectory();
  SpoolDirectory(const SpoolDirectory&) = delete;
  SpoolDirectory& operator=(const SpoolDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // A new file name inside the directory: `<stem>-<n>.spool`.
  std::string new_file(const std::string& stem);
  // The spool root for a run: next to the state file (`<state.path>.spool`) for a run that keeps
  // state; $TMPDIR/zra-sync-spool for a dry run or a run without state.
  static std::filesystem::path root_for(const std::string& state_path, bool dry_run);

 private:
  std::filesystem::path path_;
  uint64_t files_ = 0;
};

// Removes `<root>/<name>.<pid>` directories whose pid is not a live process; returns how many.
int remove_stale_spools(const std::filesystem::path& root);

struct SpoolLimits {
  size_t memory_bytes = 12u << 20;  // the buffer of encoded records and its indexes together
  size_t merge_fan_in = 64;         // run files merged at once
  size_t io_buffer_bytes = 64u << 10;
};

class RecordSpool {
 public:
  RecordSpool(SpoolDirectory& dir, SpoolLimits limits = {});
  ~RecordSpool();
  // Adds a copy of `record` from source/stream `origin` (an index of origins()), with the next sequence
  // number. May spill to disk (FatalError on I/O).
  void add(const PlannedRecord& record, uint32_t origin);
  // The same, interning the record's source and stream.
  void add(const PlannedRecord& record) { add(record, origins_.intern(record.source, record.stream)); }
  // Every record of `type` added so far, in (crm_id, sequence) order; the spool forgets them. Duplicates
  // of one id come out next to each other, oldest read first. Throws FatalError for a damaged run file.
  // Ends adding: add() after the first call throws FatalError (the sources handed out point into the
  // spool's buffer, which adding could move or clear). A source must not outlive the spool.
  std::unique_ptr<RecordSource> sorted(ObjectType type);
  // Records of `type` added and not yet handed out by sorted().
  uint64_t count(ObjectType type) const { return counts_[static_cast<size_t>(type)]; }
  size_t run_files(ObjectType type) const { return runs_[static_cast<size_t>(type)].size(); }
  OriginTable& origins() { return origins_; }

  // A record in the buffer: where its encoding is, and what sorting needs without decoding it.
  // Sorting compares the id's first 16 bytes as two integers and reads the whole id from the buffer only
  // when those are equal. Within one buffer the offset grows with the sequence, so it stands in for it.
  struct Entry {
    uint64_t id_high, id_low;  // the crm_id's bytes 0-7 and 8-15, big-endian, zero-padded: order like memcmp
    uint32_t offset, length;   // of the encoding in the buffer (its u32 length lies just before it)
  };

 private:
  void spill();
  void sort_index(std::vector<Entry>& index) const;

  SpoolDirectory& dir_;
  SpoolLimits limits_;
  OriginTable origins_;
  uint64_t next_sequence_ = 0;
  std::string buffer_;  // encoded records of every type, in read order
  std::array<std::vector<Entry>, 4> index_;
  size_t held_bytes_ = 0;  // buffer_ and the indexes' entries
  std::array<std::vector<std::string>, 4> runs_;
  std::array<uint64_t, 4> counts_{};
  bool handing_out_ = false;  // sorted() was called
};

// An append-only list of records handed on later in the order appended (the records to send of a type):
// held in memory up to `memory_bytes`, then moved to one spool file that takes the rest.
class RecordList {
 public:
  RecordList(SpoolDirectory& dir, OriginTable& origins, std::string stem, size_t memory_bytes,
             size_t io_buffer_bytes = 64u << 10);
  ~RecordList();
  void append(PlannedRecord record);
  uint64_t size() const { return size_; }
  bool on_disk() const { return writer_ != nullptr; }
  // Hands the records out in order (call once, after the last append). Throws FatalError on I/O.
  std::unique_ptr<RecordSource> drain();

 private:
  SpoolDirectory& dir_;
  OriginTable& origins_;
  std::string stem_;
  size_t memory_bytes_, io_buffer_bytes_, held_bytes_ = 0;
  uint64_t size_ = 0;
  std::vector<PlannedRecord> memory_;
  std::unique_ptr<SpoolFileWriter> writer_;
};

}  // namespace zra
