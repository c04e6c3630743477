#pragma once
// The connection a command uses to reach ZRA: the real API (`zra.target: zoom`) or an embedded sandbox
// started in this process (`zra.target: sandbox`), behind the same ZraClient.
#include <memory>

#include "config/sync_config.h"
#include "core/client/zra_client.h"
#include "core/common/clock.h"

namespace zra {
namespace sandbox {
class SandboxServer;
}
class HttpTransport;

class ZraConnection {
 public:
  // Starts the embedded sandbox when the config targets it. Throws FatalError when the URLs are not
  // https:// (or loopback http://), Error when the sandbox cannot start.
  ZraConnection(const SyncConfig& config, Clock& clock);
  ~ZraConnection();
  ZraClient& client() { return *client_; }
  // The embedded sandbox, or nullptr for target zoom.
  sandbox::SandboxServer* sandbox() { return sandbox_.get(); }

 private:
  std::unique_ptr<sandbox::SandboxServer> sandbox_;
  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<RandomSource> random_;
  std::unique_ptr<ZraClient> client_;
};

// The registration body of POST /zra/crm/settings, from the config's `crm` section.
nlohmann::json registration_body(const CrmConfig& crm);

}  // namespace zra
