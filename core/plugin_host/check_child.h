#pragma once
// Private to the plugin checker: one probe, run inside the forked child. It reports to the parent over a
// pipe, one line per event: "C <function>" before each plugin call (so a crash is attributed to it),
// "F <E|W|I> <message>" for a finding, "V <key> <value>" for a value (counts, the plugin's info as JSON).
#include <cstdint>
#include <string>

namespace zra::plugin_check_detail {

enum class Probe { Load, EmptySettings, BadSetting, BadStream, Read, Memory };

struct ProbeSpec {
  Probe probe = Probe::Load;
  std::string label;          // shown in findings: "create() with setting 'rows' of the wrong type"
  std::string settings_json;  // what create() receives
  std::string stream_json;    // what open() receives
  uint64_t max_rows = 0;
  int memory_cycles = 0;
};

// Runs the probe and returns; the caller _exit()s. Never throws.
void run_probe(const std::string& path, const ProbeSpec& spec, int fd);

// Escapes a message for the one-line protocol, and back.
std::string escape_line(const std::string& s);
std::string unescape_line(const std::string& s);

}  // namespace zra::plugin_check_detail
