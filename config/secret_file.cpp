#include "config/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "config/config_node.h"
#include "core/common/log.h"

namespace zra {
namespace {

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Closes the descriptor on every path out.
struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string read_secret_file(const std::string& path_text, const ConfigNode& where) {
  if (path_text.empty()) where.fail("${file:} needs a path: ${file:/run/secrets/name}");
  std::filesystem::path p(path_text);
  if (p.is_relative()) p = std::filesystem::path(where.base_dir()) / p;
  const std::string path = p.lexically_normal().string();
  const std::string named = "secret file '" + path + "'";

  // O_NONBLOCK: opening a FIFO must not hang; it is refused below as not a regular file.
  FileDescriptor f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (f.fd < 0) where.fail("cannot read " + named + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) where.fail("cannot read " + named + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) where.fail(named + " is not a regular file");
  if ((st.st_mode & 077) != 0) {
    where.fail(named + " has mode " + octal_mode(st.st_mode) +
               ": group or others may access it, and a secret must be readable by its owner only (run: chmod 600 " +
               path + ")");
  }
  std::string value;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      where.fail("cannot read " + named + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    value.append(buf, static_cast<size_t>(n));
    if (value.size() > kMaxSecretFileBytes) {
      where.fail(named + " is larger than " + std::to_string(kMaxSecretFileBytes) +
                 " bytes; a secret file holds one value");
    }
  }
  if (!value.empty() && value.back() == '\n') {
    value.pop_back();
    if (!value.empty() && value.back() == '\r') value.pop_back();
  }
  if (value.empty()) where.fail(named + " is empty");
  add_secret(value);
  return value;
}

}  // namespace zra
