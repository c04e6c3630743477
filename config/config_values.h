#pragma once
// Typed reads of configuration values with range and choice checks. Every failure is a ConfigError at
// the node (file, line, key path) that says what was expected and what was found.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "config/config_node.h"

namespace zra {

// An integer within [min, max].
int int_in_range(const ConfigNode& node, int64_t min, int64_t max);
// A finite number within [min, max].
double number_in_range(const ConfigNode& node, double min, double max);
// A text value that is one of `allowed` (case-sensitive).
std::string one_of(const ConfigNode& node, std::initializer_list<std::string_view> allowed);
// A text value that is not empty.
std::string non_empty_string(const ConfigNode& node);
// A non-empty path; a relative one is resolved against the directory of the node's file. Returns an
// absolute, lexically normalised path (the file need not exist).
std::string resolve_path(const ConfigNode& node);
// A duration: seconds as a plain number ("3600", 3600), or a number with s, m, h or d ("90m", "24h").
// Returns seconds (>= 0).
double parse_duration_seconds(const ConfigNode& node);

}  // namespace zra
