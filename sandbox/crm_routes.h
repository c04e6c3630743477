#pragma once
// The /v2/zra/crm/... routes: registration, imports, GET by id, tasks. Authentication, faults and rate
// limits are applied before these by SandboxRouter.
#include <optional>
#include <string>

#include "core/schema/object_types.h"
#include "sandbox/http_message.h"
#include "sandbox/rate_limits.h"
#include "sandbox/request_log.h"
#include "sandbox/sandbox_context.h"

namespace zra::sandbox {

enum class CrmRouteKind { SettingsGet, SettingsPost, SettingsDelete, Import, GetByIds, TaskGet };

struct CrmRoute {
  CrmRouteKind kind;
  RateLabel label;
  std::string endpoint;  // "POST /v2/zra/crm/accounts", "GET /v2/zra/crm/tasks/{taskId}"
  ObjectType type = ObjectType::Account;  // Import, GetByIds
  std::string task_id;                    // TaskGet
};

struct CrmRouteMatch {
  bool path_known = false;          // false: 404
  std::optional<CrmRoute> route;    // unset with path_known: 405
  std::string allow;                // the methods the path accepts, for 405's Allow header
};

CrmRouteMatch match_crm_route(const std::string& method, const std::string& path);

// Handles a matched route. Fills `entry.items` and `entry.task_id` for imports.
SandboxResponse handle_crm_route(const CrmRoute& route, const SandboxRequest& req, SandboxContext& ctx,
                                 RequestEntry& entry);

}  // namespace zra::sandbox
