#include "sandbox/licensed_users.h"

#include <cctype>
#include <fstream>

#include "core/common/errors.h"
#include "core/schema/record_validator.h"

namespace zra::sandbox {

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}
}  // namespace

LicensedUsers LicensedUsers::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("sandbox: cannot read the licensed users file '" + path + "'", kExitUsage);
  LicensedUsers out;
  out.users_.emplace();
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string_view email = trim(line);
    if (email.empty() || email.front() == '#') continue;
    if (!is_valid_email(email)) {
      throw Error("sandbox: " + path + ":" + std::to_string(number) + ": not an email address: '" +
                      std::string(email.substr(0, 100)) + "'",
                  kExitUsage);
    }
    out.users_->insert(lower(email));
  }
  if (in.bad()) throw Error("sandbox: error reading the licensed users file '" + path + "'", kExitUsage);
  return out;
}

bool LicensedUsers::is_licensed(std::string_view email) const {
  return !users_ || users_->count(lower(email)) > 0;
}

}  // namespace zra::sandbox
