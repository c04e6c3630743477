// Mapping::apply: the whole benchmark mapping, then one field at a time to show what each kind costs.
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "bench/micro/sample_accounts.h"

namespace zra::bench {
namespace {

constexpr size_t kRows = 2000;

const std::vector<SourceRow>& sample_rows() {
  static const std::vector<SourceRow> rows = parse_accounts(make_accounts_csv(kRows));
  return rows;
}

void run_mapping(benchmark::State& state, const Mapping& mapping) {
  const auto& rows = sample_rows();
  size_t ok = 0;
  for (auto _ : state) {
    ok = 0;
    for (const auto& row : rows) {
      MappedRow m = mapping.apply(row);
      ok += m.ok() ? 1 : 0;
      benchmark::DoNotOptimize(m);
    }
  }
  state.counters["clean_rows"] = static_cast<double>(ok);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows.size()));
}

// The JSON form (MappedRow): what tests and tools use; the engine uses the typed form below.
void BM_MappingApply(benchmark::State& state) {
  auto mapping = load_accounts_mapping();
  run_mapping(state, *mapping);
}
BENCHMARK(BM_MappingApply)->Unit(benchmark::kMicrosecond);

// The typed form the engine uses (RecordBuilder): no JSON DOM, one MappedRecord reused for every row.
void run_typed_mapping(benchmark::State& state, const Mapping& mapping) {
  const auto& rows = sample_rows();
  MappedRecord mapped;
  size_t ok = 0;
  for (auto _ : state) {
    ok = 0;
    for (const auto& row : rows) {
      mapping.apply(row, mapped);
      ok += mapped.ok() ? 1 : 0;
      benchmark::DoNotOptimize(mapped.values.data());
    }
  }
  state.counters["clean_rows"] = static_cast<double>(ok);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows.size()));
}

void BM_MappingApplyTyped(benchmark::State& state) {
  auto mapping = load_accounts_mapping();
  run_typed_mapping(state, *mapping);
}
BENCHMARK(BM_MappingApplyTyped)->Unit(benchmark::kMicrosecond);

// The engine's per-row pattern (RecordBuilder): map a row into one reused MappedRecord, then write its
// JSON body at once, while the record is still in cache (BM_JsonBodyDirect writes 2000 records mapped
// long before, so it also measures cache misses on them).
void BM_MappingApplyAndWriteJson(benchmark::State& state) {
  auto mapping = load_accounts_mapping();
  const auto& rows = sample_rows();
  MappedRecord mapped;
  std::string body;
  size_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    for (const auto& row : rows) {
      mapping->apply(row, mapped);
      if (mapped.ok() && mapping->write_json(mapped, body)) bytes += body.size();
      benchmark::DoNotOptimize(body.data());
    }
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows.size()));
}
BENCHMARK(BM_MappingApplyAndWriteJson)->Unit(benchmark::kMicrosecond);

// One field besides the id, so the difference to "id_only" is that field's cost per row (typed form).
struct FieldCase {
  const char* label;
  const char* yaml;
};
const FieldCase kFieldCases[] = {
    {"id_only", "fields: { crm_account_id: Id }"},
    {"datetime_tz", "fields: { crm_account_id: Id, modify_time: { from: LastModified, format: \"%m/%d/%Y %H:%M\", "
                    "timezone: America/New_York } }"},
    {"number", "fields: { crm_account_id: Id, annual_revenue: { from: AnnualRevenue, type: number } }"},
    {"integer_default", "fields: { crm_account_id: Id, employees: { from: Employees, default: 0 } }"},
    {"email_lower", "fields: { crm_account_id: Id, owner_email: { from: OwnerEmail, transform: [trim, lower] } }"},
    {"map", "fields: { crm_account_id: Id, type: { from: Status, transform: [lower], map: "
            "{ \"customer - active\": Customer, \"prospect - warm\": Prospect, \"n/a\": ~ } } }"},
    {"template", "fields: { crm_account_id: Id, domain: { template: \"{Website}\" } }"},
};

void BM_MappingField(benchmark::State& state) {
  const FieldCase& c = kFieldCases[state.range(0)];
  state.SetLabel(c.label);
  auto mapping = compile_account_mapping(c.yaml);
  run_typed_mapping(state, *mapping);
}
BENCHMARK(BM_MappingField)
    ->DenseRange(0, static_cast<int>(sizeof kFieldCases / sizeof kFieldCases[0]) - 1)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace zra::bench
