#pragma once
// The state store: what zra-sync knows between runs, in one SQLite file (`state.path`).
//  - per object type and CRM id: the last payload hash sent, its outcome, and the hash ZRA confirmed,
//    which is what change detection compares against;
//  - the submission journal: batches written before their import POST, so a run killed between the
//    202 and the end of the task settles them next time instead of sending them again;
//  - mirror-mode marks, source cursors, and one row per run.
// Every write is one SQLite transaction, so a kill at any moment leaves the last committed state, and a
// rerun converges (imports are upserts keyed by CRM id).
//
// Thread-safety: every method may be called from any thread; calls are serialised by an internal mutex.
// Callbacks of the for_each_* methods run with that mutex released and may call back into the store.
// Errors: every method throws StateError (exit 3) naming the state file when SQLite fails; a damaged file
// gives a StateError that says how to recover.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/clock.h"
#include "core/schema/object_types.h"
#include "core/state/payload_hash.h"
#include "core/state/run_lock.h"

namespace zra {

// The last outcome of a record.
//  Confirmed: its task ended SUCCESS without listing it; ZRA holds payload_hash.
//  Rejected: ZRA refused this payload (a task error); resend when it changes or on --retry-rejected.
//  Unconfirmed: sent, but nobody saw it succeed (FAILED, expired, timed out, killed); resend next run.
//  Deleted: a deletion was confirmed; ZRA no longer holds it.
enum class RecordOutcome { Confirmed, Rejected, Unconfirmed, Deleted };
// "confirmed", "rejected", "unconfirmed", "deleted".
std::string_view to_string(RecordOutcome outcome);

struct RecordState {
  std::string payload_hash;    // hash of the last payload sent (whatever its outcome)
  RecordOutcome outcome = RecordOutcome::Unconfirmed;
  std::string confirmed_hash;  // hash of the version ZRA holds; empty if it holds none (never confirmed,
                               // or deleted). Mirror mode deletes only ids with one.
  std::string stream, run_id, task_id, detail;  // detail: ZRA's message for Rejected/Unconfirmed
  int64_t updated_at = 0;      // unix seconds of the outcome, from the store's Clock
};

// A record as the state holds it: what read_records_page() returns.
struct StoredRecord {
  std::string crm_id;
  RecordState state;
};

// One record of an import batch, as journalled before the POST.
struct JournalItem {
  std::string crm_id, payload_hash, stream, locator;
  bool deletion = false;
};

struct PendingBatch {
  int64_t batch_id = 0;
  std::string run_id;
  ObjectType type = ObjectType::Account;
  std::string task_id;  // empty: the run died before it recorded a 202 (the POST may or may not have landed)
  std::vector<JournalItem> items;  // in the order journalled (index = record_index of the task)
  int64_t created_at = 0;
};

enum class ItemOutcome { Confirmed, Rejected, Unconfirmed };
// "confirmed", "rejected", "unconfirmed".
std::string_view to_string(ItemOutcome outcome);

struct SettledItem {
  std::string crm_id;
  ItemOutcome outcome = ItemOutcome::Unconfirmed;
  std::string detail;
};

struct OutcomeCounts {
  // type name ("account") -> outcome name ("confirmed") -> count. Only non-zero counts appear.
  std::map<std::string, std::map<std::string, int64_t>> counts;
};

class StateStore {
 public:
  // The lock file guarding one run at a time (see run_lock.h).
  using RunLock = StateRunLock;

  // Opens `path`, creating it and its parent directories unless read_only, and migrates an older schema.
  // Throws StateError: "state file X was written by a newer zra-sync (schema N, this one knows M); upgrade
  // zra-sync" (the file is left byte-identical); a damaged, truncated or foreign file (with the recovery
  // hint); read_only and the file is missing or not yet at this schema. `clock` stamps updated_at and
  // created_at, and must outlive the store.
  static std::unique_ptr<StateStore> open(const std::string& path, Clock& clock, bool read_only = false);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  const std::string& path() const noexcept;
  // How this file's payload hashes are computed: the hashes a run compares with it must use the same
  // scheme (payload_hash.h). Fixed when the file is created; read once by open().
  HashScheme hash_scheme() const noexcept;

  // Takes `<path>.lock` (flock, our pid written inside). Throws StateError "another run holds <path>
  // (pid N)" at once when a live process holds it; a lock left by a dead process is taken over (logged).
  // The lock is released when the returned guard is destroyed (or the process dies).
  std::unique_ptr<RunLock> acquire_run_lock();

  // Change detection: for each id, in order, its state if known. Call with batches of ~1,000 ids; ids are
  // looked up in key order inside one read transaction, one prepared statement reused. Cost: one B-tree
  // descent per id (see tests/unit/state/scale_test.cpp for the measured rate).
  std::vector<std::optional<RecordState>> lookup(ObjectType type, const std::vector<std::string>& crm_ids);

  // Change detection by merge-join (the engine walks its records and the state in the same order).
  // Reads into `page` (its strings are reused) at most `limit` records of `type` whose crm_id sorts after
  // `*after` (from the first when `after` is null), in crm_id order: SQLite's BINARY collation, i.e. byte
  // order, the order of std::string::compare. Walks the primary key (no sort, no temporary table); each
  // page is one short read under the store's mutex, so memory stays flat. Returns how many were read
  // (page.size() is not shrunk); fewer than `limit` means the end.
  size_t read_records_page(ObjectType type, const std::string* after, size_t limit, std::vector<StoredRecord>& page);

  // Journal, before the import POST: returns the new batch id (ids are never reused). Items are kept in
  // order, so an item's index is the task's record_index. Throws StateError if a crm_id appears twice.
  int64_t journal_batch(const std::string& run_id, ObjectType type, const std::vector<JournalItem>& items);
  // Right after the 202: the task that carries the batch. Throws StateError for an unknown batch.
  void journal_task_id(int64_t batch_id, const std::string& task_id);
  // Settles a batch in ONE transaction and removes it from the journal. Per item:
  //  Confirmed   -> outcome Confirmed (Deleted for a deletion), payload_hash = confirmed_hash = item hash
  //                 (a deletion clears confirmed_hash);
  //  Rejected    -> outcome Rejected, payload_hash = item hash (an unchanged rejected record is known),
  //                 confirmed_hash kept (ZRA still holds the older version, if any);
  //  Unconfirmed -> outcome Unconfirmed, payload_hash = item hash, confirmed_hash kept: the outcome is
  //                 not Confirmed, so change detection sends it again.
  // Journalled items missing from `items` are settled Unconfirmed (logged). Throws StateError for an
  // unknown batch (already settled or abandoned) or an id that is not in the batch; nothing is written then.
  void settle_batch(int64_t batch_id, const std::vector<SettledItem>& items);
  // Batches journalled and never settled nor abandoned (crashed runs), oldest first.
  std::vector<PendingBatch> pending_batches();
  // Drops a batch ZRA did not accept, without touching records. Throws StateError for an unknown batch.
  void abandon_batch(int64_t batch_id);


  // Source cursors (`since`): the newest source modification time confirmed for a stream.
  std::optional<std::string> cursor(const std::string& source, const std::string& stream);
  void set_cursor(const std::string& source, const std::string& stream, const std::string& value);

  // Runs. begin_run throws StateError if run_id was used before; finish_run if it was never begun.
  void begin_run(const std::string& run_id);
  void finish_run(const std::string& run_id, int exit_code, const std::string& summary_json);

  // For `zra-sync state show|failed|forget|export`.
  OutcomeCounts counts();
  // Records whose last outcome is Rejected or Unconfirmed, by type then crm_id, 1,000 at a time.
  void for_each_failed(const std::function<void(ObjectType, const std::string& crm_id, const RecordState&)>& fn);
  // Removes records so they are sent as new next run; returns how many existed.
  int64_t forget(ObjectType type, const std::vector<std::string>& crm_ids);
  // One JSON object per record and line: type, crm_id, outcome, payload_hash, confirmed_hash (null if
  // none), stream, run_id, task_id, detail, updated_at. Streams the table; memory stays flat.
  void export_jsonl(std::ostream& out);

  struct Impl;

 private:
  explicit StateStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace zra
