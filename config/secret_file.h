#pragma once
// Secrets kept in files (`${file:/run/secrets/zoom_client_secret}` in a configuration value): Docker and
// Kubernetes secrets, systemd credentials. The file must be private to its owner, like ssh's keys.
#include <cstddef>
#include <string>

namespace zra {

class ConfigNode;

// The largest secret file read; a secret is one value, and a bound keeps `${file:/dev/...}` harmless.
constexpr size_t kMaxSecretFileBytes = 64 * 1024;

// Reads the secret in the file named by `path_text`: absolute, or relative to the directory of the file
// that `where` came from. One trailing line end ("\n" or "\r\n") is removed; nothing else is trimmed.
// The value is registered with add_secret() before it is returned.
// Throws ConfigError at `where` (file, line, key path), naming the secret file, when: the path is empty;
// the file is missing or unreadable (with the OS reason); it is not a regular file (symbolic links are
// followed, as Kubernetes mounts secrets through them); group or others have any permission on it
// (mode & 077, the message gives the mode and the fix `chmod 600 <path>`); it is larger than
// kMaxSecretFileBytes; or it holds nothing once the line end is removed. Thread-safe.
std::string read_secret_file(const std::string& path_text, const ConfigNode& where);

}  // namespace zra
