#include "sandbox/state_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/common/errors.h"

namespace zra::sandbox {

std::optional<nlohmann::json> load_state_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::nullopt;
    throw Error("sandbox: cannot read state file '" + path + "': " + std::strerror(errno), kExitUsage);
  }
  std::stringstream buf;
  buf << in.rdbuf();
  try {
    return nlohmann::json::parse(buf.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw Error("sandbox: state file '" + path + "' is not valid JSON: " + e.what(), kExitUsage);
  }
}

void save_state_file(const std::string& path, const nlohmann::json& body) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error("sandbox: cannot write state file '" + tmp + "': " + std::strerror(errno));
    out << body.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    out.flush();
    if (!out) throw Error("sandbox: error writing state file '" + tmp + "'");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw Error("sandbox: cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno));
  }
}

}  // namespace zra::sandbox
