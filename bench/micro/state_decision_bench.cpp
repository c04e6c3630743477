// Issue 7 target 5: deciding unchanged-vs-changed for N records against a state that holds them all.
// Times RunPlanner::plan (the merge-join of the run's records, sorted, with the state read in key order),
// per record. The state (N confirmed accounts, written once through the journal as runs would) and the
// spool of N records (1% changed, held in memory) are built outside the timed region.
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "core/engine/record_planner.h"
#include "core/state/state_store.h"

namespace zra::bench {
namespace {

namespace fs = std::filesystem;

std::string id_of(int64_t i) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "acc-%08lld", static_cast<long long>(i));
  return buf;
}
std::string hash_of(int64_t i) { return "h" + std::to_string(i * 2654435761u) + std::string(48, 'f'); }

struct Fixture {
  fs::path dir;
  ManualClock clock;
  std::unique_ptr<StateStore> state;
  explicit Fixture(int64_t n) {
    dir = fs::temp_directory_path() / ("zra-bench-state-" + std::to_string(getpid()) + "-" + std::to_string(n));
    fs::remove_all(dir);
    fs::create_directories(dir);
    state = StateStore::open((dir / "state.db").string(), clock);
    std::vector<JournalItem> items;
    std::vector<SettledItem> settled;
    for (int64_t i = 0; i < n; ++i) {
      items.push_back({id_of(i), hash_of(i), "accounts", "accounts.csv:" + std::to_string(i + 2), false});
      settled.push_back({items.back().crm_id, ItemOutcome::Confirmed, ""});
      if (items.size() == 10000 || i + 1 == n) {
        const int64_t batch = state->journal_batch("run-1", ObjectType::Account, items);
        state->journal_task_id(batch, "task");
        state->settle_batch(batch, settled);
        items.clear();
        settled.clear();
      }
    }
  }
  ~Fixture() {
    state.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

Fixture& fixture(int64_t n) {
  static std::map<int64_t, std::unique_ptr<Fixture>> fixtures;
  auto& f = fixtures[n];
  if (!f) f = std::make_unique<Fixture>(n);
  return *f;
}

void BM_StateDecision(benchmark::State& st) {
  const int64_t n = st.range(0);
  Fixture& f = fixture(n);
  int64_t to_send = 0;
  for (auto _ : st) {
    st.PauseTiming();
    SpoolDirectory dir(f.dir / "spool", "bench");
    auto spool = std::make_unique<RecordSpool>(dir, SpoolLimits{size_t{1} << 40, 64, 64u << 10});
    for (int64_t i = n - 1; i >= 0; --i) {  // read order is not id order: the spool sorts
      PlannedRecord r;
      r.type = ObjectType::Account;
      r.crm_id = id_of(i);
      r.hash = i % 100 == 0 ? "changed" : hash_of(i);
      r.body = R"({"crm_account_id":")" + r.crm_id + R"(","account_name":"Company"})";
      r.modify_time = "2025-11-20T12:00:00Z";
      r.source = "exports";
      r.stream = "accounts";
      r.locator = "accounts.csv:" + std::to_string(i + 2);
      spool->add(std::move(r));
    }
    RunReport report("bench");
    FailureCauses causes;
    RunPlanner planner(f.state.get(), f.clock, {}, report, causes, dir);
    std::vector<StreamOutcome> streams(1);
    streams[0].stream = "accounts";
    st.ResumeTiming();
    PlannedSends sends = planner.plan(*spool, streams, false);
    st.PauseTiming();
    to_send = report.counts(ObjectType::Account).changed;
    spool.reset();
    st.ResumeTiming();
  }
  st.counters["to_send"] = static_cast<double>(to_send);
  st.SetItemsProcessed(st.iterations() * n);
}
BENCHMARK(BM_StateDecision)->Arg(1000000)->Iterations(2)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace zra::bench
