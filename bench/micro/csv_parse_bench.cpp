// CSV parsing alone: the CSV plugin's parser over an in-memory accounts file.
#include <algorithm>
#include <cstring>
#include <string_view>

#include <benchmark/benchmark.h>

#include "bench/micro/sample_accounts.h"
#include "plugins/csv/csv_parser.h"

namespace zra::bench {
namespace {

// Serves a string the parser's way without copying it per iteration (StringByteSource owns a copy).
class ViewByteSource : public csv::ByteSource {
 public:
  explicit ViewByteSource(std::string_view data) : data_(data) {}
  size_t read(char* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

void BM_CsvParse(benchmark::State& state) {
  const std::string csv = make_accounts_csv(static_cast<size_t>(state.range(0)));
  size_t records = 0;
  for (auto _ : state) {
    ViewByteSource source(csv);
    csv::CsvParser parser(source, csv::CsvOptions{});
    csv::CsvRecord record;
    records = 0;
    while (parser.next(record)) {
      benchmark::DoNotOptimize(record.fields.data());
      ++records;
    }
  }
  if (records != static_cast<size_t>(state.range(0)) + 1) state.SkipWithError("wrong record count");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * csv.size()));
}
BENCHMARK(BM_CsvParse)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace zra::bench
