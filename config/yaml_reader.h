#pragma once
// Reads a YAML or JSON configuration file into a ConfigNode tree in which every node knows its file,
// 1-based line and key path, and every scalar has had ${VAR} / ${VAR:-default} expanded.
#include <string>

#include "config/config_node.h"
#include "config/env_expansion.h"

namespace zra {

// Reads `path` (YAML, or JSON when the name ends in ".json" or the text starts with '{'; a UTF-8 BOM is
// skipped). The nodes' file is the absolute, lexically normalised path; key paths start at
// `root_key_path` (e.g. "sources[0].streams[1].mapping" for a mapping file, "" for the main file).
// Scalars keep whether they were quoted; an unquoted ${VAR} expands to an unquoted scalar. Map values
// carry the line of their key. Keys are not expanded. YAML merge keys (`<<: *anchor`) are applied.
// An empty document gives a Null root.
// Throws ConfigError: file missing or unreadable (naming the path and the OS reason, line 0), text that
// is not UTF-8 (file, line and column of the first bad byte), syntax error (file and line), duplicate key, non-text key, more than one document, an unset variable
// (see expand_env), or more than 200,000 values once aliases are expanded. JSON files are also held to
// strict JSON (no trailing commas or bare words, which YAML would forgive).
ConfigNode read_config_file(const std::string& path, const EnvLookup& env = process_env(),
                            const std::string& root_key_path = "");

// The same from text already in memory; `file` is used as given for positions and base_dir().
// `json` selects the "invalid JSON" wording of syntax errors (the parser is the same).
ConfigNode parse_config_text(const std::string& text, const std::string& file, const EnvLookup& env,
                             const std::string& root_key_path = "", bool json = false);

}  // namespace zra
