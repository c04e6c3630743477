#include "tests/integration/odbc/postgres_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace zra::testing {
namespace {

namespace fs = std::filesystem;

int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string PostgresServer::find_bin_dir() {
  std::vector<fs::path> candidates = {"/usr/lib/postgresql/15/bin"};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) candidates.push_back(entry.path() / "bin");
  for (const auto& dir : candidates) {
    if (fs::exists(dir / "initdb") && fs::exists(dir / "pg_ctl") && fs::exists(dir / "postgres")) return dir.string();
  }
  return "";
}

std::string PostgresServer::run_as_owner(const std::string& command) const {
  // As root the server must run as `postgres`; otherwise as ourselves.
  if (geteuid() == 0) return "runuser -u postgres -- " + command;
  return command;
}

PostgresServer::PostgresServer() {
  bin_ = find_bin_dir();
  if (bin_.empty()) {
    throw std::runtime_error(
        "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install postgresql-15 "
        "(`make test` installs it) to run the ODBC PostgreSQL tests");
  }
  char pattern[] = "/tmp/zra-odbc-pg-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("cannot create a temporary directory for PostgreSQL");
  dir_ = pattern;
  if (geteuid() == 0) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr) throw std::runtime_error("running as root but there is no `postgres` system user to run the server");
    if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("cannot chown " + dir_ + " to postgres");
  }
  const std::string log = dir_ + "/server.log";
  const std::string template_data = cluster_template();
  std::string cmd = "cp -a " + template_data + " " + dir_ + "/data";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("cannot copy the PostgreSQL cluster template " + template_data);
  for (int attempt = 0; attempt < 3 && !started_; ++attempt) {
    port_ = free_loopback_port();
    cmd = run_as_owner(bin_ + "/pg_ctl -D " + dir_ + "/data -l " + log + " -w -t 30 -o \"-p " + std::to_string(port_) +
                       " -k " + dir_ + " -c listen_addresses=127.0.0.1 -c fsync=off -c TimeZone=UTC\" start") +
          " > /dev/null 2>&1";
    started_ = std::system(cmd.c_str()) == 0;
  }
  if (!started_) throw std::runtime_error("PostgreSQL did not start: " + read_file(log));
}

std::string PostgresServer::cluster_template() const {
  // initdb is most of a server's start-up time: one cluster per user and PostgreSQL version is kept in
  // /tmp and copied for each server. Made under a lock in a staging directory, then renamed into place,
  // so concurrent test processes never see half of one.
  const std::string version = fs::path(bin_).parent_path().filename().string();
  const std::string root = "/tmp/zra-odbc-pg-template-" + std::to_string(geteuid()) + "-" + version;
  const std::string data = root + "/data";
  const int lock = open((root + ".lock").c_str(), O_CREAT | O_RDWR, 0600);
  if (lock < 0 || flock(lock, LOCK_EX) != 0) throw std::runtime_error("cannot lock " + root + ".lock");
  std::string error;
  if (!fs::exists(data + "/PG_VERSION")) {
    const std::string staging = dir_ + "/template";
    std::string cmd = "mkdir " + staging + (geteuid() == 0 ? " && chown postgres " + staging : "");
    cmd += " && " + run_as_owner(bin_ + "/initdb -D " + staging + "/data -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync") +
           " > " + dir_ + "/initdb.log 2>&1";
    std::error_code ec;
    fs::remove_all(root, ec);
    if (std::system(cmd.c_str()) != 0) {
      error = "initdb failed: " + read_file(dir_ + "/initdb.log");
    } else {
      fs::rename(staging, root, ec);
      if (ec) error = "cannot move the PostgreSQL cluster template to " + root + ": " + ec.message();
    }
  }
  flock(lock, LOCK_UN);
  close(lock);
  if (!error.empty()) throw std::runtime_error(error);
  return data;
}

PostgresServer::~PostgresServer() {
  if (started_) {
    const std::string cmd = run_as_owner(bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop") + " > /dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "warning: pg_ctl stop failed for %s\n", dir_.c_str());
  }
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::string PostgresServer::connection_string() const {
  const char* so = "/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so";
  const std::string driver = fs::exists(so) ? so : "{PostgreSQL Unicode}";
  return "Driver=" + driver + ";Server=127.0.0.1;Port=" + std::to_string(port_) +
         ";Database=postgres;Uid=postgres";
}

}  // namespace zra::testing
