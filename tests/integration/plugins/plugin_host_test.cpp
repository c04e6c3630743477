// The plugin host against real fixture plugins: loading, refusals with exact messages, settings
// validation, reading, and every way a plugin can fail while being read.
#include "core/plugin_host/plugin_host.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/common/errors.h"
#include "core/common/log.h"
#include "core/plugin_host/setting_validator.h"

namespace zra {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string fixture(const std::string& variant) {
  return fs::canonical(std::string(ZRA_FIXTURE_PLUGIN_DIR) + "/libfixture_" + variant + ".so").string();
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "zra-plugin-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, ec);
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A config map as the loader would build it: one key per line of `file`, starting at line 10.
ConfigNode map_node(const std::vector<std::pair<std::string, std::string>>& entries,
                    const std::string& file = "/etc/zra/sync.yaml", const std::string& path = "sources[0].streams[0]") {
  ConfigNode m = ConfigNode::map(file, 9, path);
  int line = 10;
  for (const auto& [k, v] : entries) m.set(k, ConfigNode::scalar(v, false, file, line++, path + "." + k));
  return m;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no exception>";
}

std::vector<SourceRow> read_all(StreamReader& reader, std::vector<size_t>* batch_sizes = nullptr) {
  std::vector<SourceRow> all, batch;
  while (reader.next(batch)) {
    if (batch_sizes) batch_sizes->push_back(batch.size());
    all.insert(all.end(), batch.begin(), batch.end());
  }
  return all;
}

TEST(PluginHost, LoadsAPluginAndCopiesItsDescription) {
  PluginHost host({ZRA_FIXTURE_PLUGIN_DIR});
  auto plugin = host.load("fixture_good");
  const PluginInfo& i = info(*plugin);
  EXPECT_EQ(i.path, fixture("good"));
  EXPECT_EQ(i.name, "fixture_good");
  EXPECT_EQ(i.version, "0.0.1");
  EXPECT_EQ(i.description, "test fixture");
  EXPECT_EQ(i.abi_major, 1u);
  EXPECT_EQ(i.abi_minor, 0u);
  ASSERT_EQ(i.settings.size(), 3u);
  EXPECT_EQ(i.settings[0].name, "token");
  EXPECT_EQ(i.settings[0].type, "secret");
  EXPECT_EQ(i.settings[1].default_json, "5");
  ASSERT_EQ(i.stream_settings.size(), 7u);
  EXPECT_EQ(i.stream_settings[0].name, "label");
  EXPECT_TRUE(i.stream_settings[0].required);
  EXPECT_EQ(i.stream_settings[3].type, "char");
  EXPECT_EQ(i.stream_settings[3].default_json, "\",\"");
  EXPECT_EQ(host.load("fixture_good").get(), plugin.get()) << "one file is loaded once per host";
}

TEST(PluginHost, ReadsAStreamInBatchesAndCopiesRowsOutOfPluginMemory) {
  PluginHost host({ZRA_FIXTURE_PLUGIN_DIR});
  auto source = SourceInstance::create(host.load("fixture_good"), "src", ConfigNode());
  auto reader = source->open(map_node({{"name", "accounts"}, {"object", "account"}, {"label", "L"}, {"size", "5"},
                                       {"mapping", "m.yaml"}, {"mode", "mirror"}}),
                             std::nullopt, 2);
  std::vector<size_t> sizes;
  auto rows = read_all(*reader, &sizes);
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 2, 1}));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(*rows[0].columns, (std::vector<std::string>{"id", "label"}));
  EXPECT_EQ(rows[0].columns.get(), rows[4].columns.get()) << "unchanged column names are shared";
  EXPECT_EQ(rows[0].locator, "fixture:1");
  EXPECT_EQ(rows[0].values[0], std::optional<std::string>("id1"));
  EXPECT_EQ(rows[0].values[1], std::nullopt);
  EXPECT_EQ(rows[1].values[1], std::optional<std::string>("L"));
  EXPECT_EQ(rows[2].locator, "fixture:3");
  EXPECT_EQ(rows[2].error, std::optional<std::string>("row 3 is unreadable"));
  EXPECT_TRUE(rows[2].values.empty());
  EXPECT_EQ(rows[4].values[0], std::optional<std::string>("id5"));
  std::vector<SourceRow> more;
  EXPECT_FALSE(reader->next(more));
  EXPECT_FALSE(reader->next(more));
}

TEST(PluginHost, SecondStreamOnlyAfterTheFirstIsClosed) {
  PluginHost host({ZRA_FIXTURE_PLUGIN_DIR});
  auto source = SourceInstance::create(host.load("fixture_good"), "src", ConfigNode());
  auto stream = map_node({{"name", "a"}, {"label", "x"}});
  auto first = source->open(stream, std::nullopt);
  EXPECT_EQ(error_of([&] { source->open(stream, std::nullopt); }),
            "source 'src' (plugin 'fixture_good'), stream 'a': another stream of this source is still open "
            "(one stream at a time per instance)");
  first.reset();
  auto second = source->open(stream, std::nullopt);
  EXPECT_EQ(read_all(*second).size(), 5u);
}

TEST(PluginHost, StreamOutlivingItsSourceInstanceStaysValid) {
  PluginHost host({ZRA_FIXTURE_PLUGIN_DIR});
  auto source = SourceInstance::create(host.load("fixture_good"), "src", ConfigNode());
  auto reader = source->open(map_node({{"name", "a"}, {"label", "x"}}), std::string("2025-01-01T00:00:00Z"));
  source.reset();  // destroy() waits for the cursor
  EXPECT_EQ(read_all(*reader).size(), 5u);
}

TEST(PluginHost, RefusesPluginsOfAnotherAbiWithFileSymbolAndVersions) {
  PluginHost host({});
  EXPECT_EQ(error_of([&] { host.load_file(fixture("newer_abi")); }),
            fixture("newer_abi") + ": plugin built for a newer ABI: 'zra_sync_source_plugin' reports ABI 1.99, this "
                                   "zra-sync supports ABI up to 1.0; upgrade zra-sync or rebuild the plugin against SDK 1.0");
  EXPECT_EQ(error_of([&] { host.load_file(fixture("other_major")); }),
            fixture("other_major") + ": incompatible plugin ABI: 'zra_sync_source_plugin' reports ABI 2.0, this "
                                     "zra-sync expects ABI 1.x; rebuild the plugin against this zra-sync's SDK");
}

TEST(PluginHost, RefusesBrokenLibraries) {
  PluginHost host({});
  EXPECT_EQ(error_of([&] { host.load_file(fixture("no_entry")); }),
            fixture("no_entry") + ": no entry point 'zra_sync_source_plugin' in " + fixture("no_entry") +
                " (a plugin defines it with ZRA_SOURCE_PLUGIN_ENTRY)");
  EXPECT_EQ(error_of([&] { host.load_file(fixture("null_callback")); }),
            fixture("null_callback") + ": plugin bug: required callback 'next_batch' is NULL");
  TempDir dir;
  std::string text = dir.path() + "/libtext.so";
  std::ofstream(text) << "not a library\n";
  EXPECT_EQ(error_of([&] { host.load_file(text); }), text + ": not a shared library (no ELF header)");
  EXPECT_EQ(error_of([&] { host.load_file(dir.path() + "/libabsent.so"); }), dir.path() + "/libabsent.so: no such file");
}

TEST(PluginHost, RefusesWorldWritableFilesAndDirectories) {
  TempDir dir;
  std::string copy = dir.path() + "/libfixture_good.so";
  fs::copy_file(fixture("good"), copy);
  fs::permissions(copy, fs::perms::others_write, fs::perm_options::add);
  PluginHost host({});
  EXPECT_EQ(error_of([&] { host.load_file(copy); }),
            copy + ": refusing to load a world-writable plugin file (run: chmod o-w " + copy + ")");
  fs::permissions(copy, fs::perms::others_write, fs::perm_options::remove);
  fs::permissions(dir.path(), fs::perms::others_all, fs::perm_options::add);
  EXPECT_EQ(error_of([&] { host.load_file(copy); }),
            copy + ": refusing to load a plugin from the world-writable directory " + dir.path() +
                " (anyone could replace it)");
}

TEST(PluginHost, NotFoundNamesEveryPlaceLookedIn) {
  setenv("ZRA_SYNC_PLUGIN_DIR", "/nonexistent/builtin", 1);
  PluginHost host({ZRA_FIXTURE_PLUGIN_DIR});
  unsetenv("ZRA_SYNC_PLUGIN_DIR");
  EXPECT_EQ(error_of([&] { host.load("nope"); }),
            std::string("libnope.so: plugin 'nope' not found; looked in:\n  ") + ZRA_FIXTURE_PLUGIN_DIR +
                "\n  /nonexistent/builtin (no such directory)");
  EXPECT_EQ(error_of([&] { host.load("../etc/x"); }),
            "../etc/x: invalid plugin name (letters, digits, '_', '-' and '.' only, not a path)");
}

TEST(PluginHost, NameInTheFileMustMatchTheRequestedName) {
  TempDir dir;
  fs::copy_file(fixture("good"), dir.path() + "/libother.so");
  PluginHost host({dir.path()});
  EXPECT_EQ(error_of([&] { host.load("other"); }),
            dir.path() + "/libother.so: declares plugin name 'fixture_good', but was loaded as 'other'");
}

TEST(PluginHost, BuiltinDirIsBesideTheExecutableUnlessOverridden) {
  unsetenv("ZRA_SYNC_PLUGIN_DIR");
  EXPECT_EQ(PluginHost::builtin_plugin_dir(),
            (fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "lib/zra-sync/plugins").string());
  setenv("ZRA_SYNC_PLUGIN_DIR", "/opt/p", 1);
  EXPECT_EQ(PluginHost::builtin_plugin_dir(), "/opt/p");
  unsetenv("ZRA_SYNC_PLUGIN_DIR");
}

TEST(PluginHost, ListShowsGoodAndBrokenPlugins) {
  TempDir dir;
  fs::copy_file(fixture("good"), dir.path() + "/libfixture_good.so");
  fs::copy_file(fixture("other_major"), dir.path() + "/libfixture_other_major.so");
  std::ofstream(dir.path() + "/README") << "ignored\n";
  setenv("ZRA_SYNC_PLUGIN_DIR", dir.path().c_str(), 1);
  PluginHost host({dir.path()});
  unsetenv("ZRA_SYNC_PLUGIN_DIR");
  auto list = host.list();
  ASSERT_EQ(list.size(), 4u);  // the same directory twice: the second listing is shadowed
  EXPECT_EQ(list[0].first.name, "fixture_good");
  EXPECT_EQ(list[0].second, "");
  EXPECT_EQ(list[1].first.path, dir.path() + "/libfixture_other_major.so");
  EXPECT_THAT(list[1].second, HasSubstr("reports ABI 2.0"));
  EXPECT_EQ(list[2].second, "shadowed by " + dir.path() + "/libfixture_good.so");
}

TEST(PluginHost, PluginLogLinesGoThroughTheHostLoggerTaggedWithPluginAndSource) {
  std::ostringstream captured;
  configure_logging(LogOptions{LogFormat::Json, LogLevel::Info}, &captured);
  PluginHost host({ZRA_FIXTURE_PLUGIN_DIR});
  auto source = SourceInstance::create(host.load("fixture_good"), "crm", ConfigNode());
  configure_logging(LogOptions{}, &std::cerr);
  nlohmann::json line = nlohmann::json::parse(captured.str());
  EXPECT_EQ(line["event"], "plugin.log");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["message"], "fixture instance created");
  EXPECT_EQ(line["plugin"], "fixture_good");
  EXPECT_EQ(line["source"], "crm");
}

// ---- settings ----

TEST(PluginSettings, UnknownKeyIsAConfigErrorAtItsLineListingDeclaredKeys) {
  PluginHost host({ZRA_FIXTURE_PLUGIN_DIR});
  auto plugin = host.load("fixture_good");
  try {
    SourceInstance::create(plugin, "src", map_node({{"rows", "3"}, {"tokn", "x"}}, "/etc/zra/sync.yaml", "sources[0].settings"));
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), "/etc/zra/sync.yaml");
    EXPECT_EQ(e.line(), 11);
    EXPECT_EQ(e.key_path(), "sources[0].settings.tokn");
    EXPECT_EQ(e.detail(), "unknown setting 'tokn' for plugin 'fixture_good' (source 'src') "
                          "(declared: token, rows, fail_create)");
  }
}

TEST(PluginSettings, StreamKeysAreCheckedTypedAndDefaulted) {
  PluginHost host({ZRA_FIXTURE_PLUGIN_DIR});
  auto source = SourceInstance::create(host.load("fixture_good"), "src", ConfigNode());
  EXPECT_EQ(error_of([&] { source->open(map_node({{"name", "a"}}), std::nullopt); }),
            "/etc/zra/sync.yaml:9: sources[0].streams[0]: missing required setting 'label' for plugin 'fixture_good' "
            "(source 'src', stream 'a') (text of the label column)");
  EXPECT_EQ(error_of([&] { source->open(map_node({{"name", "a"}, {"label", "x"}, {"size", "many"}}), std::nullopt); }),
            "/etc/zra/sync.yaml:12: sources[0].streams[0].size: expected an integer, found 'many'");
  EXPECT_EQ(error_of([&] { source->open(map_node({{"name", "a"}, {"label", "x"}, {"sep", ";;"}}), std::nullopt); }),
            "/etc/zra/sync.yaml:12: sources[0].streams[0].sep: setting 'sep' of plugin 'fixture_good' (source 'src', "
            "stream 'a') must be exactly one character, found ';;'");
  EXPECT_EQ(error_of([&] { source->open(map_node({{"name", "a"}, {"label", "x"}, {"extra", "1"}}), std::nullopt); }),
            "/etc/zra/sync.yaml:12: sources[0].streams[0].extra: setting 'extra' of plugin 'fixture_good' (source "
            "'src', stream 'a') must be a mapping or a list");
  EXPECT_EQ(error_of([&] { source->open(map_node({{"label", "x"}}), std::nullopt); }),
            "/etc/zra/sync.yaml:9: sources[0].streams[0]: missing required key 'name'");
}

TEST(PluginSettings, ValidatorBuildsTheJsonThePluginSees) {
  PluginHost host({ZRA_FIXTURE_PLUGIN_DIR});
  const auto& declared = info(*host.load("fixture_good")).stream_settings;
  ConfigNode node = map_node({{"name", "a"}, {"object", "lead"}, {"label", "x"}, {"path", "data/in.csv"}, {"sep", ";"}},
                             "/etc/zra/sync.yaml");
  ConfigNode extra = ConfigNode::map("/etc/zra/sync.yaml", 20, "sources[0].streams[0].extra");
  extra.set("k", ConfigNode::scalar("7", false, "/etc/zra/sync.yaml", 21, "sources[0].streams[0].extra.k"));
  node.set("extra", extra);
  nlohmann::json j = validate_settings(declared, node, "plugin 'fixture_good'", kHostStreamKeys);
  EXPECT_EQ(j.dump(), R"({"extra":{"k":7},"fail_at_row":-1,"fail_open":false,"label":"x","path":"/etc/zra/data/in.csv","sep":";","size":5})");
}

TEST(PluginSettings, SecretsNeverAppearInCreateErrors) {
  PluginHost host({ZRA_FIXTURE_PLUGIN_DIR});
  auto settings = map_node({{"token", "s3cr3t-value"}, {"fail_create", "true"}}, "/etc/zra/sync.yaml", "sources[0].settings");
  try {
    SourceInstance::create(host.load("fixture_good"), "src", settings);
    FAIL() << "no error";
  } catch (const SourceError& e) {
    EXPECT_EQ(std::string(e.what()),
              "source 'src' (plugin 'fixture_good'): create() failed (ZRA_ERROR_SETTINGS): cannot log in with token ***");
    EXPECT_EQ(e.exit_code(), kExitUsage);
  }
}

// ---- failures while reading ----

TEST(PluginFailures, OpenAndNextBatchErrorsCarryThePluginsMessage) {
  PluginHost host({ZRA_FIXTURE_PLUGIN_DIR});
  auto source = SourceInstance::create(host.load("fixture_good"), "src", ConfigNode());
  EXPECT_EQ(error_of([&] { source->open(map_node({{"name", "a"}, {"label", "x"}, {"fail_open", "true"}}), std::nullopt); }),
            "source 'src' (plugin 'fixture_good'), stream 'a': open() failed (ZRA_ERROR_IO): cannot open stream 'a'");
  auto reader = source->open(map_node({{"name", "a"}, {"label", "x"}, {"fail_at_row", "2"}}), std::nullopt, 2);
  std::vector<SourceRow> rows;
  EXPECT_TRUE(reader->next(rows));
  try {
    reader->next(rows);
    FAIL() << "no error";
  } catch (const SourceError& e) {
    EXPECT_EQ(std::string(e.what()),
              "source 'src' (plugin 'fixture_good'), stream 'a': next_batch() failed (ZRA_ERROR_IO): connection lost at row 3");
    EXPECT_EQ(e.stream(), "a");
    EXPECT_EQ(e.exit_code(), kExitFatal);
  }
  EXPECT_TRUE(rows.empty());
  EXPECT_EQ(error_of([&] { reader->next(rows); }),
            "source 'src' (plugin 'fixture_good'), stream 'a': read again after the stream failed");
}

std::string read_error(const std::string& variant) {
  PluginHost host({ZRA_FIXTURE_PLUGIN_DIR});
  auto source = SourceInstance::create(host.load("fixture_" + variant), "src", ConfigNode());
  auto reader = source->open(map_node({{"name", "a"}, {"label", "x"}}), std::nullopt);
  return error_of([&] { read_all(*reader); });
}

TEST(PluginFailures, ContractBreachesAreReportedAsPluginBugs) {
  EXPECT_EQ(read_error("error_no_message"),
            "source 'src' (plugin 'fixture_error_no_message'), stream 'a': plugin bug: next_batch() failed with "
            "ZRA_ERROR_IO but gave no error message (it must call zra_set_error)");
  EXPECT_EQ(read_error("no_locator"),
            "source 'src' (plugin 'fixture_no_locator'), stream 'a': plugin bug: row 1 of a batch has no locator "
            "(every row must say where it is in the source)");
  EXPECT_EQ(read_error("bad_batch_size"),
            "source 'src' (plugin 'fixture_bad_batch_size'), stream 'a': plugin bug: next_batch() returned a batch "
            "with struct_size 8, smaller than the ABI 1.0 size 32");
  EXPECT_EQ(read_error("throws"),
            "source 'src' (plugin 'fixture_throws'), stream 'a': plugin bug: a C++ exception escaped next_batch() "
            "(exceptions must not cross the ABI): boom from next_batch");
}

TEST(PluginFailures, CheckCallsTheOptionalCallback) {
  PluginHost host({ZRA_FIXTURE_PLUGIN_DIR});
  auto ok = SourceInstance::create(host.load("fixture_good"), "src", ConfigNode());
  EXPECT_NO_THROW(ok->check());
  auto bad = SourceInstance::create(host.load("fixture_good"), "src", map_node({{"token", "unreachable"}}, "f.yaml", "s"));
  EXPECT_EQ(error_of([&] { bad->check(); }),
            "source 'src' (plugin 'fixture_good'): check() failed (ZRA_ERROR_IO): host not reachable");
}

}  // namespace
}  // namespace zra
