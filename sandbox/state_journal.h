#pragma once
// The --state-file, kept incrementally. PATH holds a snapshot: the JSON body of state_file.h plus
// "journal_generation" G. PATH.journal holds the changes made since that snapshot was begun, one JSON
// line each (CrmStore's change format), after a header line {"generation":G,"sandbox_journal":1}. A
// change costs one appended line instead of a rewrite of the whole store. The snapshot is rewritten
// (compacted) when the journal has grown as large as the snapshot, so the bytes written stay
// proportional to the bytes changed; states smaller than `small_state_bytes` are compacted after every
// change, so PATH alone is then always current, as it was before the journal existed.
//
// Compaction does not stop the sandbox: changes are first switched to PATH.journal.next (generation
// G+1); the snapshot of generation G+1 is then written a chunk of records at a time while changes go
// on, synced and renamed over PATH; finally PATH.journal.next is renamed to PATH.journal. Such a
// snapshot may already hold some changes of the new journal; replaying them again gives the same state,
// as every change sets or deletes whole records.
//
// Loading: the snapshot (none: generation 0), then PATH.journal if its generation is the snapshot's,
// then PATH.journal.next if its generation is the snapshot's (a crash after the snapshot's rename) or
// the next one (a crash while the snapshot was written). Other journals are left over from a finished
// compaction and ignored. A torn last line (a crash in the middle of an append) is ignored with a
// warning. After a crash in a compaction the files are rewritten once at start. A snapshot without a
// journal (a file written before journals existed) loads as generation 0.
#include <cstdint>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "sandbox/crm_store.h"

namespace zra::sandbox {

// True when the snapshot should be rewritten: the journal holds changes and is at least as large as
// the snapshot, or snapshot and journal together are below `small_state_bytes`.
bool compaction_due(uint64_t snapshot_bytes, uint64_t journal_change_bytes, uint64_t small_state_bytes);

class StateJournal {
 public:
  StateJournal(std::string path, uint64_t small_state_bytes);
  ~StateJournal();
  StateJournal(const StateJournal&) = delete;
  StateJournal& operator=(const StateJournal&) = delete;

  // Loads the snapshot (if PATH exists) and replays the journals that belong to it into `store` (see
  // above), then becomes the store's change listener. Throws zra::Error naming the file (and the
  // journal line) when the snapshot is unreadable or not a sandbox state, or a journal line other than
  // the last is not a change. Call once, before the store is shared.
  void open(CrmStore& store);

  // Appends one change (the store's listener: called with the store locked). A failed write is logged
  // and makes the next compact_if_due() rewrite the snapshot.
  void append(const nlohmann::json& change);

  // Compacts when compaction_due() says so, when an append failed, or when the store is empty (a
  // reset). Never throws: a failure is logged and retried at the next call.
  void compact_if_due(const CrmStore& store);
  // Writes a snapshot of the next generation and makes its journal current (see above). Changes may go
  // on meanwhile. Throws zra::Error naming the file on failure; what is on disk still loads. Not to be
  // called concurrently with itself.
  void compact(const CrmStore& store);

  // True while snapshot and journal together are below small_state_bytes (compacting is cheap).
  bool is_small() const;
  const std::string& journal_path() const { return journal_path_; }
  uint64_t generation() const;
  uint64_t compactions() const;     // snapshots written since open()
  uint64_t journal_entries() const; // changes in the current journal
  // All methods are thread-safe.

 private:
  struct Replayed;
  Replayed replay_journal(CrmStore& store, const std::string& path, uint64_t snapshot_generation,
                          bool accept_next) const;
  uint64_t write_snapshot(const CrmStore& store, uint64_t generation) const;  // returns its size
  void close_locked();

  const std::string path_;
  const std::string journal_path_;
  const std::string next_path_;
  const uint64_t small_state_bytes_;
  mutable std::mutex mu_;  // taken after the store's lock, never before
  int fd_ = -1;            // where changes are appended (journal, or journal.next during a compaction)
  bool switched_ = false;  // fd_ is PATH.journal.next (generation_ + 1)
  uint64_t generation_ = 0;
  uint64_t snapshot_bytes_ = 0;
  uint64_t journal_change_bytes_ = 0;  // without the header
  uint64_t journal_entries_ = 0;
  uint64_t compactions_ = 0;
  bool broken_ = false;  // an append failed: the journal is behind the store until the next compaction
};

}  // namespace zra::sandbox
