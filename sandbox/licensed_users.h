#pragma once
// The ZRA-licensed users a deal's owner_email must be one of.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace zra::sandbox {

class LicensedUsers {
 public:
  // Everyone is licensed.
  LicensedUsers() = default;
  // One email per line; blank lines and lines starting with '#' are skipped; compared case-insensitively.
  // Throws zra::Error naming the file (and line) when it cannot be read or a line is not an email.
  static LicensedUsers load(const std::string& path);

  bool restricted() const { return users_.has_value(); }
  bool is_licensed(std::string_view email) const;
  size_t size() const { return users_ ? users_->size() : 0; }

 private:
  std::optional<std::unordered_set<std::string>> users_;
};

}  // namespace zra::sandbox
