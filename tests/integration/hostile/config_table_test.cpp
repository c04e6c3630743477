// Hostile configuration: every bad config, mapping, secret file or plugin is refused before anything is
// sent, with the exit code and a message naming the file, the line and the key path (or the file and the
// reason). Tests run as root, which ignores file permissions: "unreadable" is a missing path or a
// directory where a file is expected, never a chmod 000 file.
#include <sys/stat.h>

#include <filesystem>

#include "tests/integration/hostile/hostile_fixture.h"

namespace zra::testing {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kRun = {"run", "-c", "CONFIG", "--no-progress"};

// A config whose only problem is the zra line(s) `extra`; `marker` finds the line the error must name.
HostileRow zra_extra_row(std::string name, std::string extra, std::string marker, std::string key_path,
                         std::string detail) {
  return {name,
          [=](HostileFixture& f) {
            f.write_config("", extra);
            f.expect_text(f.at(marker) + key_path + ": " + detail);
            return kRun;
          },
          2, {}, nullptr};
}

std::string plugin_dir() { return std::string(ZRA_BINARY_DIR) + "/test-plugins"; }

// A source using plugin `plugin` from `dir`.
std::vector<std::string> plugin_config(HostileFixture& f, const std::string& plugin, const std::string& dir) {
  f.write_config("  - name: src\n    plugin: " + plugin + "\n    streams:\n"
                 "      - { name: s, object: lead, mapping: { fields: { crm_lead_id: id, lead_name: label } } }\n",
                 "", "plugin_paths: [ " + dir + " ]\n");
  return kRun;
}

void write_secret(HostileFixture& f, const std::string& relative, const std::string& value, mode_t mode) {
  fs::path p = f.write_file(relative, value);
  ASSERT_EQ(::chmod(p.c_str(), mode), 0);
}

}  // namespace

std::vector<HostileRow> config_rows() {
  std::vector<HostileRow> rows;
  // --- syntax ---
  rows.push_back({"yaml_unclosed_flow_list",
                  [](HostileFixture& f) {
                    f.write_config("", "  batch_size: [1, 2\n");
                    // yaml-cpp notices the list is not closed on the next line.
                    f.expect_text(f.dir().string() + "/sync.yaml:" + std::to_string(f.line_of("batch_size") + 1) +
                                  ": invalid YAML: end of sequence flow not found");
                    return kRun;
                  },
                  2, {}, nullptr});
  rows.push_back({"yaml_duplicate_key",
                  [](HostileFixture& f) {
                    f.write_config("", "  batch_size: 5\n  batch_size: 6\n");
                    int first = f.line_of("batch_size: 5");
                    f.expect_text(f.at("batch_size: 6") + "zra.batch_size: duplicate key 'batch_size' (first given at line " +
                                  std::to_string(first) + ")");
                    return kRun;
                  },
                  2, {}, nullptr});
  rows.push_back({"yaml_tab_indentation",
                  [](HostileFixture& f) {
                    f.write_config("", "\tbatch_size: 5\n");
                    f.expect_text(f.at("batch_size") +
                                  "invalid YAML: end of map not found (a tab in the indentation: YAML indents with "
                                  "spaces only)");
                    return kRun;
                  },
                  2, {}, nullptr});
  rows.push_back({"json_trailing_comma",
                  [](HostileFixture& f) {
                    f.write_file("sync.json", "{\n  \"version\": 1,\n  \"zra\": { \"target\": \"sandbox\", },\n}\n");
                    return std::vector<std::string>{"run", "-c", (f.dir() / "sync.json").string()};
                  },
                  2, {"DIR/sync.json:3: invalid JSON: "}, nullptr});
  rows.push_back({"json_unknown_key",
                  [](HostileFixture& f) {
                    f.write_file("sync.json", "{\n  \"version\": 1,\n  \"verison\": 2\n}\n");
                    return std::vector<std::string>{"run", "-c", (f.dir() / "sync.json").string()};
                  },
                  2, {"DIR/sync.json:3: verison: unknown key 'verison' (allowed here: "}, nullptr});
  rows.push_back({"json_wrong_type",
                  [](HostileFixture& f) {
                    f.write_file("sync.json", "{\n  \"version\": \"one\"\n}\n");
                    return std::vector<std::string>{"run", "-c", (f.dir() / "sync.json").string()};
                  },
                  2, {"DIR/sync.json:2: version: expected an integer, found 'one'"}, nullptr});
  // --- keys, types, ranges ---
  rows.push_back(zra_extra_row("unknown_key", "  batch_sise: 10\n", "batch_sise", "zra.batch_sise",
                               "unknown key 'batch_sise' (allowed here: "));
  rows.push_back(zra_extra_row("wrong_type_text_for_integer", "  batch_size: lots\n", "batch_size", "zra.batch_size",
                               "expected an integer, found 'lots'"));
  rows.push_back(zra_extra_row("wrong_type_mapping_for_integer", "  max_in_flight_tasks: { a: 1 }\n",
                               "max_in_flight_tasks", "zra.max_in_flight_tasks", "expected a value, found a mapping"));
  rows.push_back(zra_extra_row("integer_out_of_range", "  batch_size: 5000\n", "batch_size", "zra.batch_size",
                               "must be between 1 and 2000, found 5000"));
  rows.push_back(zra_extra_row("integer_overflow", "  batch_size: 99999999999999999999\n", "batch_size",
                               "zra.batch_size", "expected an integer, found '99999999999999999999'"));
  rows.push_back(zra_extra_row("number_1e400", "  sandbox: { time_scale: 1e400 }\n", "time_scale",
                               "zra.sandbox.time_scale", "expected a number, found '1e400'"));
  // --- environment and secret files ---
  rows.push_back({"env_var_missing",
                  [](HostileFixture& f) {
                    f.write_config("");
                    f.edit_file("sync.yaml", "${TEST_CLIENT_SECRET:-sandbox-secret}", "${HOSTILE_UNSET_VARIABLE}");
                    f.expect_text(f.at("client_secret") +
                                  "zra.auth.client_secret: environment variable 'HOSTILE_UNSET_VARIABLE' is not set");
                    return kRun;
                  },
                  2, {}, nullptr});
  rows.push_back({"secret_file_group_readable",
                  [](HostileFixture& f) {
                    write_secret(f, "secrets/zoom", "sandbox-secret\n", 0640);
                    f.write_config("");
                    f.edit_file("sync.yaml", "${TEST_CLIENT_SECRET:-sandbox-secret}", "${file:secrets/zoom}");
                    f.expect_text(f.at("client_secret") + "zra.auth.client_secret: secret file '" +
                                  (f.dir() / "secrets/zoom").string() + "' has mode 0640");
                    f.expect_text("(run: chmod 600 " + (f.dir() / "secrets/zoom").string() + ")");
                    return kRun;
                  },
                  2, {}, nullptr});
  rows.push_back({"secret_file_missing",
                  [](HostileFixture& f) {
                    f.write_config("");
                    f.edit_file("sync.yaml", "${TEST_CLIENT_SECRET:-sandbox-secret}", "${file:/nonexistent/zoom}");
                    f.expect_text(f.at("client_secret") +
                                  "zra.auth.client_secret: cannot read secret file '/nonexistent/zoom': No such file or directory");
                    return kRun;
                  },
                  2, {}, nullptr});
  // --- unreadable files (root ignores chmod 000: a missing path or a directory instead) ---
  rows.push_back({"config_missing",
                  [](HostileFixture& f) {
                    return std::vector<std::string>{"run", "-c", (f.dir() / "absent.yaml").string()};
                  },
                  2, {"DIR/absent.yaml: cannot read file: No such file or directory"}, nullptr});
  rows.push_back({"config_is_a_directory",
                  [](HostileFixture& f) {
                    fs::create_directories(f.dir() / "conf.yaml");
                    return std::vector<std::string>{"run", "-c", (f.dir() / "conf.yaml").string()};
                  },
                  2, {"DIR/conf.yaml: cannot read file: Is a directory"}, nullptr});
  rows.push_back({"mapping_missing",
                  [](HostileFixture& f) {
                    f.write_config(csv_source("lead", "data/leads.csv", "mappings/absent.yaml"));
                    f.expect_text(f.at("absent.yaml") + "sources[0].streams[0].mapping: cannot read mapping file '" +
                                  (f.dir() / "mappings/absent.yaml").string() + "': No such file or directory");
                    return kRun;
                  },
                  2, {}, nullptr});
  rows.push_back({"mapping_is_a_directory",
                  [](HostileFixture& f) {
                    fs::create_directories(f.dir() / "mappings/leads.yaml");
                    f.write_config(csv_source("lead", "data/leads.csv", "mappings/leads.yaml"));
                    f.expect_text(f.at("mappings/leads.yaml") + "sources[0].streams[0].mapping: cannot read mapping file '" +
                                  (f.dir() / "mappings/leads.yaml").string() + "': Is a directory");
                    return kRun;
                  },
                  2, {}, nullptr});
  rows.push_back({"mapping_malformed_yaml",
                  [](HostileFixture& f) {
                    f.write_file("mappings/leads.yaml", "fields:\n  crm_lead_id: Id\n  lead_name: [Name\n");
                    f.write_config(csv_source("lead", "data/leads.csv", "mappings/leads.yaml"));
                    return kRun;
                  },
                  2, {"DIR/mappings/leads.yaml:4: invalid YAML: end of sequence flow not found"}, nullptr});
  rows.push_back({"mapping_unknown_target_field",
                  [](HostileFixture& f) {
                    f.write_file("mappings/leads.yaml", "fields:\n  crm_lead_id: Id\n  lead_nmae: Name\n");
                    f.write_config(csv_source("lead", "data/leads.csv", "mappings/leads.yaml"));
                    f.expect_text(f.at("lead_nmae", "mappings/leads.yaml") +
                                  "sources[0].streams[0].mapping.fields.lead_nmae: unknown field 'lead_nmae' of lead");
                    return kRun;
                  },
                  2, {}, nullptr});
  // --- encodings ---
  rows.push_back({"config_not_utf8",
                  [](HostileFixture& f) {
                    f.write_config("");
                    f.edit_file("sync.yaml", "crm_name: Acme CRM", "crm_name: Caf\xE9 CRM");
                    f.expect_text(f.at("crm_name") + "invalid UTF-8 (byte 0xE9 at column 16)");
                    return kRun;
                  },
                  2, {"the file must be UTF-8"}, nullptr});
  rows.push_back({"config_overlong_utf8",
                  [](HostileFixture& f) {
                    f.write_config("");
                    f.edit_file("sync.yaml", "crm_name: Acme CRM", "crm_name: Acme \xC0\xAF");
                    f.expect_text(f.at("crm_name") + "invalid UTF-8 (byte 0xC0 at column 18)");
                    return kRun;
                  },
                  2, {}, nullptr});
  rows.push_back({"mapping_not_utf8",
                  [](HostileFixture& f) {
                    f.write_file("mappings/leads.yaml",
                                 "fields:\n  crm_lead_id: Id\n  lead_name: { from: Name, map: { \"M\xFCller\": Mueller } }\n");
                    f.write_config(csv_source("lead", "data/leads.csv", "mappings/leads.yaml"));
                    f.expect_text(f.at("lead_name", "mappings/leads.yaml") + "invalid UTF-8 (byte 0xFC at column 37)");
                    return kRun;
                  },
                  2, {}, nullptr});
  rows.push_back({"mapping_nul_byte",  // yaml-cpp read NUL + 'N' as U+0085 (fuzz finding 18)
                  [](HostileFixture& f) {
                    f.write_file("mappings/leads.yaml", std::string("fields:\n  crm_lead_id: Id\n  lead_name: { value: A") +
                                                            '\0' + "N }\n");
                    f.write_config(csv_source("lead", "data/leads.csv", "mappings/leads.yaml"));
                    f.expect_text(f.at("lead_name", "mappings/leads.yaml") + "control character 0x00 at column 24");
                    return kRun;
                  },
                  2, {"tabs, line breaks and printable characters only"}, nullptr});
  // --- plugins ---
  rows.push_back({"plugin_not_a_shared_library",
                  [](HostileFixture& f) {
                    f.write_file("plugins/libtext.so", "this is a text file\n");
                    return plugin_config(f, "text", (f.dir() / "plugins").string());
                  },
                  2, {"DIR/plugins/libtext.so: not a shared library (no ELF header)"}, nullptr});
  rows.push_back({"plugin_other_abi_major",
                  [](HostileFixture& f) { return plugin_config(f, "fixture_other_major", plugin_dir()); },
                  2,
                  {"libfixture_other_major.so: incompatible plugin ABI: 'zra_sync_source_plugin' reports ABI 2.0, "
                   "this zra-sync expects ABI 1.x"},
                  nullptr});
  rows.push_back({"plugin_newer_abi_minor",
                  [](HostileFixture& f) { return plugin_config(f, "fixture_newer_abi", plugin_dir()); },
                  2, {"libfixture_newer_abi.so: plugin built for a newer ABI: 'zra_sync_source_plugin' reports ABI 1.99"},
                  nullptr});
  rows.push_back({"plugin_without_entry_point",
                  [](HostileFixture& f) { return plugin_config(f, "fixture_no_entry", plugin_dir()); },
                  2, {"libfixture_no_entry.so: no entry point 'zra_sync_source_plugin' in "}, nullptr});
  rows.push_back({"plugin_world_writable",
                  [](HostileFixture& f) {
                    fs::create_directories(f.dir() / "plugins");
                    fs::path copy = f.dir() / "plugins/libfixture_good.so";
                    fs::copy_file(plugin_dir() + "/libfixture_good.so", copy);
                    ::chmod(copy.c_str(), 0666);
                    return plugin_config(f, "fixture_good", (f.dir() / "plugins").string());
                  },
                  2,
                  {"DIR/plugins/libfixture_good.so: refusing to load a world-writable plugin file (run: chmod o-w "
                   "DIR/plugins/libfixture_good.so)"},
                  nullptr});
  rows.push_back({"plugin_unknown",
                  [](HostileFixture& f) { return plugin_config(f, "nosuchplugin", (f.dir() / "plugins").string()); },
                  2, {"libnosuchplugin.so: plugin 'nosuchplugin' not found; looked in:\n  DIR/plugins (no such directory)\n"},
                  nullptr});
  // --- security ---
  rows.push_back({"plain_http_to_a_remote_host",
                  [](HostileFixture& f) {
                    f.write_config("");
                    f.edit_file("sync.yaml", f.sandbox_->base_url(), "http://zoom.example/v2");
                    return kRun;
                  },
                  3, {"http://zoom.example/v2' uses plain http://, which is accepted only for loopback addresses"},
                  nullptr});
  return rows;
}

namespace {

class ConfigTable : public HostileFixture, public ::testing::WithParamInterface<HostileRow> {};

TEST_P(ConfigTable, RefusedBeforeAnythingIsSent) {
  run_row(GetParam(), "config");
  EXPECT_EQ(import_calls(), 0);
}

INSTANTIATE_TEST_SUITE_P(Hostile, ConfigTable, ::testing::ValuesIn(config_rows()), row_name);

}  // namespace
}  // namespace zra::testing
