#pragma once
// Replaces known secrets (passwords, the connection string) in text bound for messages or logs.
#include <string>
#include <vector>

namespace zra::odbc {

class SecretRedactor {
 public:
  // Empty secrets are ignored. Longer secrets are replaced first, so one containing another is fully hidden.
  void add(const std::string& secret);
  // `text` with every occurrence of every secret replaced by "***".
  std::string redact(std::string text) const;

 private:
  std::vector<std::string> secrets_;
};

}  // namespace zra::odbc
