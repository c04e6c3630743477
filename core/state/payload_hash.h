#pragma once
// The fingerprint change detection compares: equal canonical payloads give equal hashes.
#include <string>
#include <string_view>

namespace zra {

// SHA-256 of `canonical_json`, as lowercase hex of its first 16 bytes (32 characters). 128 bits keep
// the chance of any collision among 10^9 records below 10^-20. Throws std::runtime_error only if
// OpenSSL itself fails. Thread-safe.
std::string payload_hash(std::string_view canonical_json);
// The same, written into `out` (its capacity reused).
void payload_hash(std::string_view canonical_json, std::string& out);

}  // namespace zra
