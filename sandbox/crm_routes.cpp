#include "sandbox/crm_routes.h"

#include "sandbox/json_body.h"
#include "sandbox/registration.h"

namespace zra::sandbox {

namespace {
constexpr std::string_view kCrmPrefix = "/v2/zra/crm/";
constexpr std::string_view kTasksPrefix = "tasks/";

SandboxResponse not_connected() { return SandboxResponse::error(409, 409, "Not connected to CRM API."); }

std::vector<std::string> split_ids(const std::string& s) {
  std::vector<std::string> ids;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    std::string id = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = id.find_first_not_of(' ');
    size_t e = id.find_last_not_of(' ');
    if (b != std::string::npos) ids.push_back(id.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return ids;
}

SandboxResponse settings_get(SandboxContext& ctx) {
  auto reg = ctx.store.registration();
  if (!reg) return SandboxResponse::error(404, 404, "Not connected to a CRM API.");
  return SandboxResponse::json(200, *reg);
}

SandboxResponse settings_post(const SandboxRequest& req, SandboxContext& ctx) {
  JsonBody body = read_json_body(req);
  if (!body.value) return body.error;
  RegistrationCheck check = check_registration(*body.value);
  if (!check.errors.empty()) return SandboxResponse::validation("Bad CRM registration information.", check.errors);
  auto stored = ctx.store.register_crm(std::move(check.normalized), format_utc(ctx.time.wall_now()));
  if (!stored) return SandboxResponse::error(409, 409, "Already connected to a CRM or CRM API.");
  ctx.state_changed();
  return SandboxResponse::json(201, *stored);
}

SandboxResponse settings_delete(const SandboxRequest& req, SandboxContext& ctx) {
  bool remove_all = false;
  auto it = req.query.find("remove_all");
  if (it != req.query.end()) {
    if (it->second == "true") {
      remove_all = true;
    } else if (it->second != "false") {
      return SandboxResponse::validation("Invalid field.", nlohmann::json::array({{{"field", "remove_all"},
                                                                {"message", "remove_all must be true or false, got '" + it->second.substr(0, 40) + "'"}}}));
    }
  }
  if (!ctx.store.unregister(remove_all)) return SandboxResponse::error(404, 404, "Not connected to a CRM API.");
  ctx.state_changed();
  SandboxResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

SandboxResponse import(const CrmRoute& route, const SandboxRequest& req, SandboxContext& ctx, RequestEntry& entry) {
  if (!ctx.store.is_registered()) return not_connected();
  JsonBody body = read_json_body(req);
  if (!body.value) return body.error;
  nlohmann::json& value = *body.value;
  auto data = value.is_object() ? value.find("data") : value.end();
  if (!value.is_object() || data == value.end() || !data->is_array()) {
    return SandboxResponse::validation(
        "Invalid request body: a JSON object with a 'data' array is required.",
        nlohmann::json::array({{{"field", "data"}, {"message", "data is required and must be an array of " +
                                                                   std::string(object_spec(route.type).plural)}}}));
  }
  entry.items = data->size();
  if (data->size() > ctx.options.max_items) {
    return SandboxResponse::error(413, 413, "Too many import items: " + std::to_string(data->size()) +
                                                " items, at most " + std::to_string(ctx.options.max_items) +
                                                " per request.");
  }
  bool fail = ctx.faults.next_task_fails();
  std::string id = ctx.tasks.submit(route.type, std::move(*data), fail);
  entry.task_id = id;
  return SandboxResponse::json(202, {{"task_id", id}});
}

SandboxResponse get_by_ids(const CrmRoute& route, const SandboxRequest& req, SandboxContext& ctx) {
  if (!ctx.store.is_registered()) return not_connected();
  const ObjectTypeSpec& spec = object_spec(route.type);
  std::string param(spec.ids_param);
  auto it = req.query.find(param);
  std::vector<std::string> ids = it == req.query.end() ? std::vector<std::string>() : split_ids(it->second);
  if (ids.empty()) {
    return SandboxResponse::validation("Invalid field.", nlohmann::json::array({{{"field", param},
                                                             {"message", param + " is required: comma-separated CRM ids"}}}));
  }
  if (ids.size() > ctx.options.max_ids) {
    return SandboxResponse::validation(
        "Too many IDs to query.",
        nlohmann::json::array({{{"field", param}, {"message", std::to_string(ids.size()) + " ids, at most " +
                                                                  std::to_string(ctx.options.max_ids)}}}));
  }
  return SandboxResponse::json(200, {{"data", ctx.store.find(route.type, ids)}});
}

SandboxResponse task_get(const CrmRoute& route, SandboxContext& ctx) {
  auto body = ctx.tasks.status(route.task_id);
  if (!body) return SandboxResponse::error(404, 404, "Async task not found or expired.");
  return SandboxResponse::json(200, *body);
}
}  // namespace

CrmRouteMatch match_crm_route(const std::string& method, const std::string& path) {
  CrmRouteMatch m;
  if (path.compare(0, kCrmPrefix.size(), kCrmPrefix) != 0) return m;
  std::string rest = path.substr(kCrmPrefix.size());
  auto make = [&](CrmRouteKind kind, RateLabel label, std::string endpoint_path) {
    CrmRoute r{kind, label, method + " " + endpoint_path, ObjectType::Account, {}};
    return r;
  };
  if (rest == "settings") {
    m.path_known = true;
    m.allow = "GET, POST, DELETE";
    if (method == "GET") m.route = make(CrmRouteKind::SettingsGet, RateLabel::Light, path);
    if (method == "POST") m.route = make(CrmRouteKind::SettingsPost, RateLabel::Heavy, path);
    if (method == "DELETE") m.route = make(CrmRouteKind::SettingsDelete, RateLabel::Heavy, path);
    return m;
  }
  if (rest.compare(0, kTasksPrefix.size(), kTasksPrefix) == 0) {
    std::string id = rest.substr(kTasksPrefix.size());
    if (id.empty() || id.find('/') != std::string::npos) return m;
    m.path_known = true;
    m.allow = "GET";
    if (method == "GET") {
      m.route = make(CrmRouteKind::TaskGet, RateLabel::Light, std::string(kCrmPrefix) + "tasks/{taskId}");
      m.route->task_id = id;
    }
    return m;
  }
  for (ObjectType t : kAllObjectTypes) {
    if (rest != object_spec(t).plural) continue;
    m.path_known = true;
    m.allow = "GET, POST";
    if (method == "GET") m.route = make(CrmRouteKind::GetByIds, RateLabel::Medium, path);
    if (method == "POST") m.route = make(CrmRouteKind::Import, RateLabel::ResourceIntensive, path);
    if (m.route) m.route->type = t;
    return m;
  }
  return m;
}

SandboxResponse handle_crm_route(const CrmRoute& route, const SandboxRequest& req, SandboxContext& ctx,
                                 RequestEntry& entry) {
  switch (route.kind) {
    case CrmRouteKind::SettingsGet: return settings_get(ctx);
    case CrmRouteKind::SettingsPost: return settings_post(req, ctx);
    case CrmRouteKind::SettingsDelete: return settings_delete(req, ctx);
    case CrmRouteKind::Import: return import(route, req, ctx, entry);
    case CrmRouteKind::GetByIds: return get_by_ids(route, req, ctx);
    case CrmRouteKind::TaskGet: return task_get(route, ctx);
  }
  return SandboxResponse::error(500, 500, "unhandled route");
}

}  // namespace zra::sandbox
