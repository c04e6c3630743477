#pragma once
// The plugin conformance suite: the contract `zra-sync plugin check` applies, plus in-process checks through
// the real PluginHost, as plain functions any plugin's test can call (no GoogleTest dependency).
//
// Use, in a plugin's test:
//
//   #include "tests/support/plugin_conformance.h"
//
//   TEST(OdbcPlugin, Conformance) {
//     auto findings = zra::conformance::run(ZRA_PLUGIN_DIR "/libodbc.so",
//                                           R"({"connection_string":"Driver=SQLite3;Database=/tmp/x.db"})",
//                                           R"({"name":"accounts","query":"SELECT * FROM accounts"})");
//     EXPECT_EQ(zra::conformance::errors(findings), "");
//   }
//
// CMake (the library is defined in tests/integration/plugins/CMakeLists.txt):
//   zra_add_test(my_test SOURCES my_test.cpp LIBS zra_plugin_conformance LABELS integration)
//
// settings_json / stream_json are what a config's `settings:` and stream entry would hold, as JSON
// (validated and defaulted like a config; the stream's "name" defaults to "conformance", "object" to
// "account"). The stream must be readable and small-ish (it is read a few times; at most max_rows rows).
#include <string>
#include <vector>

#include "core/plugin_host/plugin_checker.h"

namespace zra::conformance {

struct Options {
  CheckLimits limits;  // for the forked probes of check_plugin()
};

// Runs check_plugin() (crash/hang-safe probes in child processes), then, if that found no error, loads the
// plugin with PluginHost and reads the stream twice through SourceInstance/StreamReader in this process:
//  - Error: the stream cannot be read through the host (the SourceError's message);
//  - Error: the two reads differ (row count, a locator, a value or a row error): reads must be repeatable;
//  - Warning: two rows of one read share a locator (users could not tell them apart);
//  - Error: the rows differ from what the checker counted.
std::vector<CheckFinding> run(const std::string& plugin_path, const std::string& settings_json,
                              const std::string& stream_json, const Options& options = {});

// The Error findings, one per line; "" when the plugin conforms. Handy for EXPECT_EQ(errors(f), "").
std::string errors(const std::vector<CheckFinding>& findings);

}  // namespace zra::conformance
