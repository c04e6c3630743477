#pragma once
// Shared by the engine unit tests: a temporary directory and record fixtures.
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/engine/planned_record.h"
#include "core/engine/record_source.h"

namespace zra::engine_test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "zra-engine-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline PlannedRecord record(ObjectType type, const std::string& id, const std::string& modify_time = "2025-11-20T12:00:00Z",
                            const std::string& stream = "accounts", const std::string& locator = "") {
  PlannedRecord r;
  r.type = type;
  r.crm_id = id;
  r.body = R"({"id":")" + id + R"(","name":"Name of )" + id + R"("})";
  r.hash = "hash-" + id;
  r.modify_time = modify_time;
  r.source = "exports";
  r.stream = stream;
  r.locator = locator.empty() ? stream + ".csv:" + id : locator;
  return r;
}

inline std::vector<PlannedRecord> drain(RecordSource& source) {
  std::vector<PlannedRecord> out;
  PlannedRecord r;
  while (source.next(r)) out.push_back(std::move(r));
  return out;
}

inline std::vector<std::string> ids_of(const std::vector<PlannedRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.crm_id);
  return out;
}

// Files (not directories) under `dir`, recursively.
inline size_t files_under(const std::filesystem::path& dir) {
  size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

}  // namespace zra::engine_test
