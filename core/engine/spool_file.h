#pragma once
// The spool's run files: records in a compact, length-prefixed binary form, written and read
// sequentially through a fixed buffer. Internal to the engine (see record_spool.h).
//
// File  := "ZRASPL1\n" record*
// record := u32 length, then `length` bytes: u64 sequence, u32 origin, u8 (type << 1 | deletion), str crm_id,
//           str modify_time, str hash, str locator, str body, u32 n, n x (u8 type, str id)
// str   := u32 length, bytes. Integers little-endian as the host writes them (files never leave the run).
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/engine/planned_record.h"

namespace zra {

// Source and stream names, stored once per run and referenced from each spooled record by index.
class OriginTable {
 public:
  uint32_t intern(const std::string& source, const std::string& stream);
  const std::pair<std::string, std::string>& at(uint32_t index) const;  // throws FatalError if unknown

 private:
  std::vector<std::pair<std::string, std::string>> origins_;
  std::map<std::pair<std::string, std::string>, uint32_t> index_;
};

// Appends a record's encoding (what follows its u32 length in a file) to `out`. `origin` is its
// source/stream index.
void encode_record(const PlannedRecord& record, uint32_t origin, std::string& out);
// How many bytes encode_record() appends for `record`.
size_t encoded_size(const PlannedRecord& record);
// Where the crm_id of an encoding starts: its u32 length, then its bytes.
constexpr size_t kEncodedIdOffset = 8 + 4 + 1;
// The crm_id of an encoding whose id lies within it (SpoolFileReader::next_encoded checks that; so does
// an encoding made by encode_record()).
std::string_view record_id(std::string_view encoded);
// Decodes one encoding into `out` (source and stream from `origins`). Returns what is wrong when `bytes`
// are not exactly one record (fields past the end, an unknown object type, bytes left over).
std::optional<std::string> decode_record(std::string_view bytes, const OriginTable& origins, PlannedRecord& out);

class SpoolFileWriter {
 public:
  // Creates (truncates) `path`. Throws FatalError naming the file.
  SpoolFileWriter(std::string path, OriginTable& origins, size_t buffer_bytes);
  ~SpoolFileWriter();
  SpoolFileWriter(const SpoolFileWriter&) = delete;
  SpoolFileWriter& operator=(const SpoolFileWriter&) = delete;
  void write(const PlannedRecord& record);
  // Writes a record already encoded by encode_record().
  void write_encoded(std::string_view encoded);
  // Writes whole records already framed as a file holds them: each a u32 length, then its encoding.
  void write_framed(std::string_view frames);
  // Flushes and closes; throws FatalError when the disk refused the data (full, I/O error).
  void finish();
  const std::string& path() const { return path_; }
  uint64_t bytes() const { return bytes_; }

 private:
  std::string path_;
  OriginTable& origins_;
  std::FILE* file_ = nullptr;
  std::vector<char> buffer_;
  std::string scratch_;
  uint64_t bytes_ = 0;
};

// Reads a run file in blocks of `buffer_bytes` into its own buffer and decodes each record where it lies
// (one read(2) per block, not several stdio calls per record). A record longer than the buffer grows it.
class SpoolFileReader {
 public:
  // Opens `path`; throws FatalError if it cannot be opened or is not a spool file.
  SpoolFileReader(std::string path, const OriginTable& origins, size_t buffer_bytes);
  ~SpoolFileReader();
  SpoolFileReader(const SpoolFileReader&) = delete;
  SpoolFileReader& operator=(const SpoolFileReader&) = delete;
  // The next record, or false at the clean end of the file. Throws FatalError "spool file X is truncated
  // at byte N" / "... is damaged at byte N" when the file ends inside a record or a record is malformed,
  // and "cannot read spool file X" when the read itself fails.
  bool next(PlannedRecord& out);
  // The next record's encoding (what decode_record() takes), or false at the clean end of the file. The
  // view lies in the reader's buffer: valid until the next call. Checks only that the record's crm_id lies
  // within it (record_id() may read it); throws like next().
  bool next_encoded(std::string_view& encoded);
  // Throws the FatalError "spool file X is damaged at byte N: <what>" for the record last read.
  [[noreturn]] void damaged(const std::string& what) const;
  const std::string& path() const { return path_; }

 private:
  // Makes at least `wanted` unread bytes available, unless the file ends first; returns how many are.
  size_t fill(size_t wanted);
  std::string path_;
  const OriginTable& origins_;
  int fd_ = -1;
  std::vector<char> buffer_;
  size_t begin_ = 0, end_ = 0;  // the unread bytes in buffer_, from the record last read
  size_t consumed_ = 0;         // bytes of the record last read: skipped by the next call
  bool at_eof_ = false;
  uint64_t offset_ = 0;  // of the record last read (or being read)
};

// Rough heap footprint of a record held in memory: what the spool counts against its budget.
size_t memory_footprint(const PlannedRecord& record);

}  // namespace zra
