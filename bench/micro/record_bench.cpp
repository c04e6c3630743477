// What happens to a mapped record: validation, serialization into an import body, the payload hash.
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "bench/micro/sample_accounts.h"
#include "core/engine/record_builder.h"
#include "core/schema/record_validator.h"
#include "core/state/payload_hash.h"

namespace zra::bench {
namespace {

constexpr size_t kRecords = 2000;  // one full import call

const std::vector<nlohmann::json>& sample_records() {
  static const std::vector<nlohmann::json> records = [] {
    auto mapping = load_accounts_mapping();
    return map_clean(*mapping, parse_accounts(make_accounts_csv(kRecords + kRecords / 10)));
  }();
  return records;
}

// The records one import call carries (the first kRecords clean ones).
std::vector<nlohmann::json> one_batch() {
  const auto& all = sample_records();
  return {all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(kRecords, all.size()))};
}

// As the engine serializes (RecordBuilder: one compact dump per record, strict UTF-8).
std::string serialize(const nlohmann::json& record) {
  return record.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

void BM_ValidateRecord(benchmark::State& state) {
  const auto batch = one_batch();
  size_t issues = 0;
  for (auto _ : state) {
    issues = 0;
    for (const auto& r : batch) issues += validate_record(ObjectType::Account, r).size();
  }
  if (issues != 0) state.SkipWithError("sample records should be valid");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch.size()));
}
BENCHMARK(BM_ValidateRecord)->Unit(benchmark::kMicrosecond);

// The body of one import call: each record dumped, then joined as {"data":[...]} (ImportScheduler::submit).
void BM_JsonBody(benchmark::State& state) {
  const auto batch = one_batch();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string body = "{\"data\":[";
    for (size_t i = 0; i < batch.size(); ++i) {
      if (i > 0) body += ',';
      body += serialize(batch[i]);
    }
    body += "]}";
    bytes = body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.counters["records"] = static_cast<double>(batch.size());
  state.counters["body_bytes"] = static_cast<double>(bytes);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_JsonBody)->Unit(benchmark::kMicrosecond);

// The same body written as the engine now writes it: typed values straight to text (Mapping::write_json).
void BM_JsonBodyDirect(benchmark::State& state) {
  auto mapping = load_accounts_mapping();
  std::vector<MappedRecord> batch;
  for (const auto& row : parse_accounts(make_accounts_csv(kRecords + kRecords / 10))) {
    MappedRecord m;
    mapping->apply(row, m);
    if (m.ok() && batch.size() < kRecords) batch.push_back(std::move(m));
  }
  size_t bytes = 0;
  std::string record;
  for (auto _ : state) {
    std::string body = "{\"data\":[";
    for (size_t i = 0; i < batch.size(); ++i) {
      if (i > 0) body += ',';
      if (!mapping->write_json(batch[i], record)) state.SkipWithError("not UTF-8");
      body += record;
    }
    body += "]}";
    bytes = body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.counters["records"] = static_cast<double>(batch.size());
  state.counters["body_bytes"] = static_cast<double>(bytes);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_JsonBodyDirect)->Unit(benchmark::kMicrosecond);

// A whole RecordBuilder::build per row (map, check, write the body, hash): the per-row CPU of a dry run
// outside reading and planning.
void BM_RecordBuild(benchmark::State& state) {
  auto mapping = load_accounts_mapping();
  const auto rows = parse_accounts(make_accounts_csv(kRecords));
  RecordBuilder builder(*mapping, {});
  size_t ok = 0;
  for (auto _ : state) {
    ok = 0;
    for (const auto& row : rows) {
      auto built = builder.build(row);
      ok += std::holds_alternative<PlannedRecord>(built) ? 1 : 0;
      benchmark::DoNotOptimize(built);
    }
  }
  state.counters["built"] = static_cast<double>(ok);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows.size()));
}
BENCHMARK(BM_RecordBuild)->Unit(benchmark::kMicrosecond);

// Arg 0: SHA-256 (state files from before schema 2), 1: XXH3 (new state files and dry runs without one).
void BM_PayloadHash(benchmark::State& state) {
  const HashScheme scheme = state.range(0) == 0 ? HashScheme::Sha256 : HashScheme::Xxh3;
  state.SetLabel(std::string(to_string(scheme)));
  std::vector<std::string> bodies;
  for (const auto& r : one_batch()) bodies.push_back(serialize(r));
  std::string out;
  for (auto _ : state) {
    for (const auto& b : bodies) {
      payload_hash(b, scheme, out);
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * bodies.size()));
}
BENCHMARK(BM_PayloadHash)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace zra::bench
