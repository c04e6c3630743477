#pragma once
// The fingerprint change detection compares: equal canonical payloads give equal hashes.
#include <optional>
#include <string>
#include <string_view>

namespace zra {

// How a state file's payload hashes are computed. A state file keeps the scheme it was created with
// (StateStore::hash_scheme()): hashes of two schemes never compare equal, so switching would resend
// every record once.
//  Xxh3:   XXH3-128 (xxHash), for state files created since the scheme is recorded (schema 2) and dry
//          runs without a state file. About 30 ns for a 300-byte body against 250 ns for SHA-256. Change detection
//          needs no resistance to deliberate collisions: whoever could craft one controls the CRM data.
//  Sha256: the first 16 bytes of SHA-256, for state files that held records before (schema 1).
enum class HashScheme { Sha256, Xxh3 };

// The scheme of a state file created now.
inline constexpr HashScheme kNewStateHashScheme = HashScheme::Xxh3;

// "sha256-128" or "xxh3-128": how the state file's meta table names the scheme.
std::string_view to_string(HashScheme scheme);
// The scheme `name` names, or nothing for a name this build does not know.
std::optional<HashScheme> parse_hash_scheme(std::string_view name);

// The hash of `canonical_json` under `scheme` as 32 lowercase hex characters (128 bits, which keep the
// chance of any collision among 10^9 records below 10^-20). Throws std::runtime_error only if OpenSSL
// itself fails (Sha256). Thread-safe.
std::string payload_hash(std::string_view canonical_json, HashScheme scheme);
// The same, written into `out` (its capacity reused).
void payload_hash(std::string_view canonical_json, HashScheme scheme, std::string& out);

}  // namespace zra
