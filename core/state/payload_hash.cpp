#include "core/state/payload_hash.h"

#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <xxhash.h>

namespace zra {
namespace {

struct DigestContextFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// SHA-256 fetched once per process: EVP_sha256() in EVP_DigestInit_ex makes OpenSSL 3 fetch the
// implementation again on every call (about a fifth of the hash's cost for a 200-byte record).
const EVP_MD* sha256() {
  static const EVP_MD* md = [] {
    const EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();  // the process keeps it to the end
  }();
  return md;
}

// One context per thread, reused: hashing runs once per record, so per-call allocation would show.
EVP_MD_CTX* thread_context() {
  thread_local std::unique_ptr<EVP_MD_CTX, DigestContextFree> ctx(EVP_MD_CTX_new());
  if (!ctx) throw std::runtime_error("payload_hash: OpenSSL could not allocate a digest context");
  return ctx.get();
}

void write_hex(const unsigned char* bytes, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.resize(32);
  for (int i = 0; i < 16; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0x0f];
  }
}

}  // namespace

std::string_view to_string(HashScheme scheme) { return scheme == HashScheme::Sha256 ? "sha256-128" : "xxh3-128"; }

std::optional<HashScheme> parse_hash_scheme(std::string_view name) {
  for (HashScheme s : {HashScheme::Sha256, HashScheme::Xxh3}) {
    if (name == to_string(s)) return s;
  }
  return std::nullopt;
}

std::string payload_hash(std::string_view canonical_json, HashScheme scheme) {
  std::string out;
  payload_hash(canonical_json, scheme, out);
  return out;
}

void payload_hash(std::string_view canonical_json, HashScheme scheme, std::string& out) {
  if (scheme == HashScheme::Xxh3) {
    // The canonical (big-endian) form: what `xxhsum -H2` prints.
    XXH128_canonical_t canonical;
    XXH128_canonicalFromHash(&canonical, XXH3_128bits(canonical_json.data(), canonical_json.size()));
    write_hex(canonical.digest, out);
    return;
  }
  EVP_MD_CTX* ctx = thread_context();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestInit_ex2(ctx, sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, canonical_json.data(), canonical_json.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, digest, &length) != 1 || length < 16) {
    throw std::runtime_error("payload_hash: OpenSSL SHA-256 failed");
  }
  write_hex(digest, out);
}

}  // namespace zra
