#pragma once
// Shared by the state store tests: a temporary directory, a raw SQLite handle, and record fixtures.
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/state/state_store.h"

namespace zra::state_test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "zra-state-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Runs SQL on a file with SQLite directly, behind the store's back.
inline void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("raw open failed");
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string message = err != nullptr ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("raw exec failed: " + message);
}

inline long long raw_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_stmt* st = nullptr;
  long long v = -1;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    v = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

inline JournalItem item(const std::string& id, const std::string& hash, const std::string& stream = "accounts",
                        bool deletion = false) {
  return JournalItem{id, hash, stream, stream + ".csv:" + id, deletion};
}

// Journals one batch and settles every item with `outcome`; returns the batch id.
inline int64_t settle_all(StateStore& store, const std::string& run, ObjectType type,
                          const std::vector<JournalItem>& items, ItemOutcome outcome, const std::string& task,
                          const std::string& detail = "") {
  const int64_t id = store.journal_batch(run, type, items);
  store.journal_task_id(id, task);
  std::vector<SettledItem> settled;
  for (const auto& i : items) settled.push_back(SettledItem{i.crm_id, outcome, detail});
  store.settle_batch(id, settled);
  return id;
}

}  // namespace zra::state_test
