// The built-in csv plugin loaded through PluginHost like any plugin: settings, rows, errors, the shared
// conformance suite, and a streaming read whose memory stays bounded by one batch.
#include <malloc.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/common/errors.h"
#include "core/plugin_host/plugin_host.h"
#include "core/plugin_host/setting_validator.h"
#include "tests/support/plugin_conformance.h"

namespace zra {
namespace {

namespace fs = std::filesystem;

class CsvPluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "zra-csv-test-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << content;
    return dir_ + "/" + name;
  }
  // A stream entry as the config loader builds it from <dir>/sync.yaml.
  ConfigNode stream(const nlohmann::json& j) { return json_to_config_node(j, dir_ + "/sync.yaml", "sources[0].streams[0]"); }

  std::unique_ptr<SourceInstance> source() {
    return SourceInstance::create(host_.load("csv"), "exports", ConfigNode());
  }

  std::vector<SourceRow> read(const nlohmann::json& j, size_t batch_rows = 1000) {
    auto s = source();
    auto reader = s->open(stream(j), std::nullopt, batch_rows);
    std::vector<SourceRow> all, batch;
    while (reader->next(batch)) all.insert(all.end(), batch.begin(), batch.end());
    return all;
  }

  std::string error_of(const nlohmann::json& j) {
    try {
      read(j);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "<no error>";
  }

  std::string dir_;
  PluginHost host_{{}};
};

TEST_F(CsvPluginTest, IsFoundInTheBuiltinDirectoryAndDescribesItsSettings) {
  auto plugin = host_.load("csv");
  EXPECT_EQ(info(*plugin).path, fs::canonical(std::string(ZRA_PLUGIN_DIR) + "/libcsv.so").string());
  EXPECT_EQ(info(*plugin).version, "1.0.0");
  std::vector<std::string> names;
  for (const auto& s : info(*plugin).stream_settings) names.push_back(s.name + ":" + s.type + "=" + s.default_json);
  EXPECT_THAT(names, ::testing::ElementsAre("path:path=", "delimiter:char=\",\"", "header:boolean=true",
                                            "quote:char=\"\\\"\"", "encoding:string=\"utf-8\""));
}

TEST_F(CsvPluginTest, ReadsRowsWithRelativePathsLocatorsNullsAndRowErrors) {
  write("leads.csv", "\xEF\xBB\xBFId;Name;Note\r\n1;Ann;\"a;b\"\r\n\r\n2;;\"\"\r\n3;too;many;fields\r\n4;\"multi\nline\";x\r\n");
  auto rows = read({{"name", "leads"}, {"object", "lead"}, {"path", "leads.csv"}, {"delimiter", ";"}});
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(*rows[0].columns, (std::vector<std::string>{"Id", "Name", "Note"}));
  EXPECT_EQ(rows[0].locator, "leads.csv:2");
  EXPECT_EQ(rows[0].values, (std::vector<std::optional<std::string>>{"1", "Ann", "a;b"}));
  EXPECT_EQ(rows[1].locator, "leads.csv:4");
  EXPECT_EQ(rows[1].values, (std::vector<std::optional<std::string>>{"2", std::nullopt, ""}));
  EXPECT_EQ(rows[2].locator, "leads.csv:5");
  EXPECT_EQ(rows[2].error, std::optional<std::string>("expected 3 fields as in the header, found 4"));
  EXPECT_EQ(rows[3].locator, "leads.csv:6");
  EXPECT_EQ(rows[3].values, (std::vector<std::optional<std::string>>{"4", "multi\nline", "x"}));
}

TEST_F(CsvPluginTest, FileLevelProblemsFailTheStreamWithAClearMessage) {
  EXPECT_EQ(error_of({{"name", "s"}, {"path", "absent.csv"}}),
            "source 'exports' (plugin 'csv'), stream 's': open() failed (ZRA_ERROR_IO): cannot open " + dir_ +
                "/absent.csv: No such file or directory");
  write("dup.csv", "Id,Email,Email\n1,a,b\n");
  EXPECT_EQ(error_of({{"name", "s"}, {"path", "dup.csv"}}),
            "source 'exports' (plugin 'csv'), stream 's': open() failed (ZRA_ERROR_IO): " + dir_ +
                "/dup.csv:1: header: column name 'Email' appears twice (columns 2 and 3)");
  write("ok.csv", "a\n1\n");
  EXPECT_EQ(error_of({{"name", "s"}, {"path", "ok.csv"}, {"encoding", "latin1"}}),
            "source 'exports' (plugin 'csv'), stream 's': open() failed (ZRA_ERROR_SETTINGS): stream setting 'encoding' "
            "must be \"utf-8\" (convert the file with iconv first), found \"latin1\"");
  EXPECT_EQ(error_of({{"name", "s"}, {"path", "ok.csv"}, {"delimiter", "\""}}),
            "source 'exports' (plugin 'csv'), stream 's': open() failed (ZRA_ERROR_SETTINGS): stream settings "
            "'delimiter' and 'quote' must differ");
  EXPECT_EQ(error_of({{"name", "s"}}),
            dir_ + "/sync.yaml: sources[0].streams[0]: missing required setting 'path' for plugin 'csv' (source "
                   "'exports', stream 's') (the CSV file, relative to the config file naming it)");
  EXPECT_EQ(error_of({{"name", "s"}, {"path", "ok.csv"}, {"sep", ";"}}),
            dir_ + "/sync.yaml: sources[0].streams[0].sep: unknown setting 'sep' for plugin 'csv' (source 'exports', "
                   "stream 's') (declared: path, delimiter, header, quote, encoding)");
}

TEST_F(CsvPluginTest, PassesTheConformanceSuite) {
  std::string path = write("c.csv", "Id,Name\n1,a\n2,\"b\nc\"\n3\n4,d\n");
  conformance::Options o;
  o.limits.memory_cycles = 8;
  auto findings = conformance::run(std::string(ZRA_PLUGIN_DIR) + "/libcsv.so", "{}",
                                   nlohmann::json({{"path", path}, {"batch_rows", 2}}).dump(), o);
  EXPECT_EQ(conformance::errors(findings), "");
  EXPECT_EQ(findings.size(), 1u) << "only the note that csv has no check()";
}

size_t heap_in_use() {
  struct mallinfo2 m = ::mallinfo2();
  return m.uordblks + m.hblkhd;
}

TEST_F(CsvPluginTest, StreamsALargeFileWithMemoryBoundedByOneBatch) {
  const char* env = std::getenv("ZRA_CSV_STREAM_ROWS");  // e.g. 1000000 to measure throughput
  const size_t n = env != nullptr ? std::stoul(env) : 300000;
  {
    std::ofstream out(dir_ + "/big.csv", std::ios::binary);
    out << "Id,Name,Email,Amount,Note\n";
    for (size_t i = 1; i <= n; ++i) {
      out << i << ",Name " << i << ",user" << i << "@example.com," << i * 7 % 100000 << ".50,\"note, " << i << "\"\n";
    }
  }
  const auto file_size = fs::file_size(dir_ + "/big.csv");
  auto s = source();
  auto reader = s->open(stream({{"name", "big"}, {"path", "big.csv"}}), std::nullopt, 1000);
  const size_t baseline = heap_in_use();
  size_t peak = baseline, total = 0, batches = 0;
  std::vector<SourceRow> batch;
  const auto start = std::chrono::steady_clock::now();
  while (reader->next(batch)) {
    ASSERT_LE(batch.size(), 1000u);
    total += batch.size();
    ++batches;
    peak = std::max(peak, heap_in_use());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(total, n);
  EXPECT_EQ(batches, (n + 999) / 1000);
  // One batch of 1000 rows, copied as SourceRows, is well under 2 MB; the file is far bigger.
  EXPECT_LT(peak - baseline, 2u << 20) << "heap grew by " << (peak - baseline) << " bytes for a " << file_size << "-byte file";
  std::printf("csv: %zu rows (%llu bytes) in %.3f s through the host, heap peak +%zu bytes\n", total,
              static_cast<unsigned long long>(file_size), seconds, peak - baseline);
}

}  // namespace
}  // namespace zra
