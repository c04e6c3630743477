#pragma once
// The --state-file: the sandbox's data kept across restarts, written atomically (temp file + rename).
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace zra::sandbox {

// nullopt when the file does not exist; throws zra::Error naming the file when it cannot be read or is
// not JSON.
std::optional<nlohmann::json> load_state_file(const std::string& path);
// Writes `body` to "<path>.tmp" and renames it over `path`, so a reader never sees half a file.
// Throws zra::Error naming the file on failure.
void save_state_file(const std::string& path, const nlohmann::json& body);

}  // namespace zra::sandbox
