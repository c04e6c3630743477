// check_plugin() against every fixture: each broken plugin yields the exact finding, and the good one passes.
#include "core/plugin_host/plugin_checker.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace zra {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string fixture(const std::string& variant) {
  return std::filesystem::canonical(std::string(ZRA_FIXTURE_PLUGIN_DIR) + "/libfixture_" + variant + ".so").string();
}

std::vector<std::string> errors_of(const PluginCheckReport& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) {
    if (f.severity == CheckSeverity::Error) out.push_back(f.message);
  }
  return out;
}

const std::string kStream = R"({"name":"s","label":"L","size":7})";

CheckLimits fast_limits() {
  CheckLimits l;
  l.probe_timeout = std::chrono::milliseconds(5000);
  l.memory_cycles = 8;
  return l;
}

TEST(PluginCheck, GoodPluginPasses) {
  auto r = check_plugin(fixture("good"), "{}", kStream, fast_limits());
  EXPECT_TRUE(r.passed()) << format_report(r);
  EXPECT_EQ(r.rows, 7u);
  EXPECT_EQ(r.row_errors, 1u);
  EXPECT_EQ(r.batches, 1u);
  ASSERT_TRUE(r.info.has_value());
  EXPECT_EQ(r.info->name, "fixture_good");
  EXPECT_EQ(format_report(r), "Plugin check: " + fixture("good") +
                                  "\n  plugin:  fixture_good 0.0.1 (ABI 1.0) - test fixture\n"
                                  "  read:    7 rows (1 with row errors) in 1 batches\nPASSED (0 errors, 0 warnings)\n");
}

TEST(PluginCheck, LoadProblemsInWordsAnAuthorUnderstands) {
  EXPECT_THAT(errors_of(check_plugin(fixture("newer_abi"), "", kStream, fast_limits())),
              ElementsAre("plugin built for a newer ABI: 'zra_sync_source_plugin' reports ABI 1.99, this zra-sync "
                          "supports ABI up to 1.0; upgrade zra-sync or rebuild the plugin against SDK 1.0"));
  EXPECT_THAT(errors_of(check_plugin(fixture("other_major"), "", kStream, fast_limits())),
              ElementsAre(HasSubstr("reports ABI 2.0, this zra-sync expects ABI 1.x")));
  EXPECT_THAT(errors_of(check_plugin(fixture("no_entry"), "", kStream, fast_limits())),
              ElementsAre("no entry point 'zra_sync_source_plugin' in " + fixture("no_entry") +
                          " (a plugin defines it with ZRA_SOURCE_PLUGIN_ENTRY)"));
  EXPECT_THAT(errors_of(check_plugin(fixture("null_callback"), "", kStream, fast_limits())),
              ElementsAre("plugin bug: required callback 'next_batch' is NULL"));
  std::string text = std::string(ZRA_BINARY_DIR) + "/test-plugins/libnot_elf.txt";
  std::ofstream(text) << "hello\n";
  EXPECT_THAT(errors_of(check_plugin(text, "", kStream, fast_limits())), ElementsAre("not a shared library (no ELF header)"));
}

TEST(PluginCheck, CrashesAreReportedWithSignalAndCallback) {
  EXPECT_THAT(errors_of(check_plugin(fixture("crash_next"), "", kStream, fast_limits())),
              ElementsAre("crashed with SIGSEGV (Segmentation fault) in next_batch() (reading the stream); often a "
                          "NULL or dangling pointer, e.g. settings the code did not expect"));
  EXPECT_THAT(errors_of(check_plugin(fixture("crash_bad_settings"), "", kStream, fast_limits())),
              ElementsAre("crashed with SIGSEGV (Segmentation fault) in create() (create() with setting 'rows' of the "
                          "wrong type); often a NULL or dangling pointer, e.g. settings the code did not expect"));
  EXPECT_THAT(errors_of(check_plugin(fixture("throws_noexcept"), "", kStream, fast_limits())),
              ElementsAre(HasSubstr("crashed with SIGABRT (Aborted) in next_batch() (reading the stream); an abort is "
                                    "often a C++ exception reaching std::terminate")));
}

TEST(PluginCheck, ContractBreachesWhileReading) {
  EXPECT_THAT(errors_of(check_plugin(fixture("error_no_message"), "", kStream, fast_limits())),
              ElementsAre("next_batch() returned ZRA_ERROR_IO without an error message (reading the stream): call "
                          "zra_set_error() before returning an error"));
  EXPECT_THAT(errors_of(check_plugin(fixture("throws"), "", kStream, fast_limits())),
              ElementsAre("a C++ exception escaped next_batch() (reading the stream): boom from next_batch -- exceptions "
                          "must not cross the C ABI; catch them (zra_sync::guarded in plugin.hpp)"));
  EXPECT_THAT(errors_of(check_plugin(fixture("no_locator"), "", kStream, fast_limits())),
              ElementsAre("row 1 has no locator: every row must say where it is in the source (e.g. \"accounts.csv:42\"), "
                          "users find bad rows by it"));
  EXPECT_THAT(errors_of(check_plugin(fixture("bad_batch_size"), "", kStream, fast_limits())),
              ElementsAre("next_batch() returned a batch with struct_size 8; set it to sizeof(zra_batch) (32 in ABI 1.0)"));
  EXPECT_THAT(errors_of(check_plugin(fixture("done_misbehaves"), "", kStream, fast_limits())),
              ElementsAre("next_batch() called again after it returned ZRA_DONE returned ZRA_OK with 7 rows; a finished "
                          "stream must keep returning ZRA_DONE"));
}

TEST(PluginCheck, LeaksAreFound) {
  EXPECT_THAT(errors_of(check_plugin(fixture("leaks"), "", kStream, fast_limits())),
              ElementsAre(HasSubstr("memory not released: the heap grew by ")));
}

TEST(PluginCheck, HangsAreKilledAfterTheTimeout) {
  CheckLimits l = fast_limits();
  l.probe_timeout = std::chrono::milliseconds(300);
  EXPECT_THAT(errors_of(check_plugin(fixture("hangs"), "", kStream, l)),
              ElementsAre("hung in next_batch() (reading the stream): no answer within 300 ms, killed"));
}

TEST(PluginCheck, SettingsGivenToTheCheckAreValidatedLikeAConfig) {
  EXPECT_THAT(errors_of(check_plugin(fixture("good"), R"({"nope":1})", kStream, fast_limits())),
              ElementsAre("the settings given to the check are not valid for this plugin: --settings: nope: unknown "
                          "setting 'nope' for plugin 'fixture_good' (declared: token, rows, fail_create)"));
  EXPECT_THAT(errors_of(check_plugin(fixture("good"), "{}", R"({"name":"s","label":"L","fail_open":true})", fast_limits())),
              ElementsAre("open() failed with the given stream: ZRA_ERROR_IO: cannot open stream 's'"));
}

}  // namespace
}  // namespace zra
