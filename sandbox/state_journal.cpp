#include "sandbox/state_journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>

#include "core/common/errors.h"
#include "core/common/log.h"
#include "sandbox/state_file.h"

namespace zra::sandbox {

namespace {
constexpr int kJournalVersion = 1;
constexpr auto kReplace = nlohmann::json::error_handler_t::replace;

std::string errno_text() { return std::strerror(errno); }

uint64_t size_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// Makes a written file durable before it is renamed over the previous one.
void sync_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("sandbox: cannot open '" + path + "' to sync it: " + errno_text());
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) throw Error("sandbox: cannot sync '" + path + "': " + std::strerror(err));
}

void write_all(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error("sandbox: cannot append to '" + path + "': " + errno_text());
    done += static_cast<size_t>(n);
  }
}

std::string header_line(uint64_t generation) {
  return nlohmann::json{{"sandbox_journal", kJournalVersion}, {"generation", generation}}.dump() + "\n";
}

std::optional<uint64_t> header_generation(const nlohmann::json& j) {
  if (!j.is_object() || j.value("sandbox_journal", 0) != kJournalVersion) return std::nullopt;
  auto g = j.find("generation");
  if (g == j.end() || !g->is_number_unsigned()) return std::nullopt;
  return g->get<uint64_t>();
}

// Creates `path` holding just the header (written to a temp file and renamed, so never torn) and
// returns it open for appending.
int create_journal(const std::string& path, uint64_t generation) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("sandbox: cannot create journal '" + tmp + "': " + errno_text());
  try {
    write_all(fd, header_line(generation), tmp);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::close(fd);
    throw Error("sandbox: cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(err));
  }
  return fd;
}
}  // namespace

bool compaction_due(uint64_t snapshot_bytes, uint64_t journal_change_bytes, uint64_t small_state_bytes) {
  if (journal_change_bytes == 0) return false;
  return journal_change_bytes >= snapshot_bytes || snapshot_bytes + journal_change_bytes <= small_state_bytes;
}

struct StateJournal::Replayed {
  bool found = false;     // the file exists and starts with a journal header
  uint64_t generation = 0;
  bool replayed = false;  // its generation belonged to the snapshot: its changes were applied
  uint64_t entries = 0;
  uint64_t change_bytes = 0;
};

StateJournal::StateJournal(std::string path, uint64_t small_state_bytes)
    : path_(std::move(path)), journal_path_(path_ + ".journal"), next_path_(path_ + ".journal.next"),
      small_state_bytes_(small_state_bytes) {}

StateJournal::~StateJournal() {
  std::lock_guard<std::mutex> lock(mu_);
  close_locked();
}

void StateJournal::close_locked() {
  if (fd_ < 0) return;
  ::fdatasync(fd_);
  ::close(fd_);
  fd_ = -1;
}

StateJournal::Replayed StateJournal::replay_journal(CrmStore& store, const std::string& path,
                                                    uint64_t snapshot_generation, bool accept_next) const {
  Replayed r;
  std::ifstream in(path, std::ios::binary);
  if (!in) return r;
  std::string line;
  uint64_t offset = 0, good_end = 0;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const bool complete = !in.eof();  // ended by '\n'
    const bool last = !complete || in.peek() == std::char_traits<char>::eof();
    const uint64_t next = offset + line.size() + (complete ? 1 : 0);
    const std::string where = path + ":" + std::to_string(line_no);
    std::optional<nlohmann::json> parsed;
    if (complete) {
      try {
        parsed = nlohmann::json::parse(line);
      } catch (const nlohmann::json::parse_error&) {
      }
    }
    auto torn = [&](const std::string& what) {
      if (!last) throw Error("sandbox: journal " + where + " is corrupt: " + what, kExitUsage);
      log_warn("sandbox.journal_torn", "sandbox: ignoring the torn last entry of journal " + where + " (" + what +
                                           "): the change it held was not saved");
    };
    if (line_no == 1) {
      std::optional<uint64_t> g = parsed ? header_generation(*parsed) : std::nullopt;
      if (!g) {
        torn("not a journal header");
        return r;
      }
      r.found = true;
      r.generation = *g;
      if (!(*g == snapshot_generation || (accept_next && *g == snapshot_generation + 1))) {
        log_info("sandbox.journal_stale", "sandbox: journal " + path + " (generation " + std::to_string(*g) +
                                              ") is already in " + path_ + ": ignored");
        return r;
      }
      r.replayed = true;
    } else {
      if (!parsed) {
        torn(complete ? "not JSON" : "no end of line");
        break;
      }
      try {
        store.replay(*parsed, where);
      } catch (const Error& e) {
        if (!last) throw;
        torn(e.what());
        break;
      }
      ++r.entries;
      r.change_bytes += next - offset;
    }
    good_end = next;
    offset = next;
  }
  in.close();
  if (r.replayed && size_of(path) > good_end) {  // appends must not follow a torn fragment
    if (::truncate(path.c_str(), static_cast<off_t>(good_end)) != 0) {
      throw Error("sandbox: cannot cut the torn end off journal '" + path + "': " + errno_text());
    }
  }
  return r;
}

uint64_t StateJournal::write_snapshot(const CrmStore& store, uint64_t generation) const {
  const std::string tmp = path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("sandbox: cannot write state file '" + tmp + "': " + errno_text());
    store.write_persisted(out, {{"journal_generation", generation}});
    out.flush();
    if (!out) throw Error("sandbox: error writing state file '" + tmp + "'");
  }
  const uint64_t bytes = size_of(tmp);
  sync_file(tmp);
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    throw Error("sandbox: cannot rename '" + tmp + "' to '" + path_ + "': " + errno_text());
  }
  return bytes;
}

void StateJournal::open(CrmStore& store) {
  uint64_t generation = 0;
  uint64_t snapshot_bytes = 0;
  if (auto body = load_state_file(path_)) {
    store.restore(*body, path_);
    auto g = body->find("journal_generation");
    if (g != body->end()) {
      if (!g->is_number_unsigned()) {
        throw Error("sandbox: state file '" + path_ + "' is not a sandbox state: journal_generation must be a "
                    "non-negative integer", kExitUsage);
      }
      generation = g->get<uint64_t>();
    }
    snapshot_bytes = size_of(path_);
  }
  const Replayed journal = replay_journal(store, journal_path_, generation, false);
  const Replayed next = replay_journal(store, next_path_, generation, true);

  std::lock_guard<std::mutex> lock(mu_);
  generation_ = generation;
  snapshot_bytes_ = snapshot_bytes;
  if (next.found) {
    // A compaction was cut short. Nothing else runs yet: write everything as a generation newer than
    // every file on disk, then start its journal; a crash in between leaves that complete snapshot.
    generation_ = std::max(generation, next.generation) + 1;
    snapshot_bytes_ = write_snapshot(store, generation_);
    fd_ = create_journal(journal_path_, generation_);
    std::remove(next_path_.c_str());
    ++compactions_;
  } else if (journal.replayed) {
    fd_ = ::open(journal_path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd_ < 0) throw Error("sandbox: cannot open journal '" + journal_path_ + "' to append: " + errno_text());
    journal_entries_ = journal.entries;
    journal_change_bytes_ = journal.change_bytes;
  }
  // Otherwise the journal is created at the first change (a stale one is replaced then).
  store.set_change_listener([this](const nlohmann::json& change) { append(change); });
}

void StateJournal::append(const nlohmann::json& change) {
  std::lock_guard<std::mutex> lock(mu_);
  // After a failed append the journal misses a change; later lines would replay into a wrong state.
  if (broken_) return;
  try {
    if (fd_ < 0) {
      fd_ = switched_ ? create_journal(next_path_, generation_ + 1) : create_journal(journal_path_, generation_);
    }
    std::string line = change.dump(-1, ' ', false, kReplace);
    line.push_back('\n');
    write_all(fd_, line, switched_ ? next_path_ : journal_path_);
    journal_change_bytes_ += line.size();
    ++journal_entries_;
  } catch (const Error& e) {
    broken_ = true;
    log_error("sandbox.state_save_failed", std::string(e.what()) + "; the state file is rewritten at the next change");
  }
}

void StateJournal::compact(const CrmStore& store) {
  uint64_t next;
  {
    std::lock_guard<std::mutex> lock(mu_);
    next = generation_ + 1;
    if (!switched_) {
      // From here on changes go to the next generation's journal; the snapshot below holds every
      // change before this point, and perhaps some after it.
      int fd = create_journal(next_path_, next);
      close_locked();
      fd_ = fd;
      switched_ = true;
      broken_ = false;
      journal_change_bytes_ = 0;
      journal_entries_ = 0;
    }
  }
  // Not locked: the store is read a chunk at a time while changes go on (and land in journal.next).
  const uint64_t bytes = write_snapshot(store, next);
  std::lock_guard<std::mutex> lock(mu_);
  generation_ = next;
  snapshot_bytes_ = bytes;
  switched_ = false;
  if (std::rename(next_path_.c_str(), journal_path_.c_str()) != 0) {
    // What is on disk still loads (a journal.next of the snapshot's generation is replayed); stop
    // appending until the next compaction starts a fresh journal.
    close_locked();
    broken_ = true;
    throw Error("sandbox: cannot rename '" + next_path_ + "' to '" + journal_path_ + "': " + errno_text());
  }
  ++compactions_;
}

void StateJournal::compact_if_due(const CrmStore& store) {
  const bool empty = store.record_count() == 0;
  bool due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    due = broken_ || switched_ || compaction_due(snapshot_bytes_, journal_change_bytes_, small_state_bytes_) ||
          (empty && journal_entries_ > 0);
  }
  if (!due) return;
  try {
    compact(store);
  } catch (const Error& e) {
    // A full disk must not take the sandbox down; the journals on disk still hold the changes.
    log_error("sandbox.state_save_failed", e.what());
  }
}

bool StateJournal::is_small() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_bytes_ + journal_change_bytes_ <= small_state_bytes_;
}

uint64_t StateJournal::generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

uint64_t StateJournal::compactions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return compactions_;
}

uint64_t StateJournal::journal_entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return journal_entries_;
}

}  // namespace zra::sandbox
