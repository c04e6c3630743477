#include "sandbox/record_checks.h"

#include "core/schema/record_validator.h"

namespace zra::sandbox {

namespace {
std::string quoted(const std::string& s) { return "'" + (s.size() > 80 ? s.substr(0, 77) + "..." : s) + "'"; }

void check_reference(const FieldSpec& spec, const std::string& path, const nlohmann::json& value,
                     const RecordContext& ctx, std::vector<std::string>& problems) {
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) return;
  ObjectType target = spec.reference == Reference::Account ? ObjectType::Account : ObjectType::Contact;
  const std::string& id = value.get_ref<const std::string&>();
  if (!ctx.exists(target, id)) {
    problems.push_back(path + " " + quoted(id) + " does not reference an imported " +
                       std::string(object_spec(target).name) + " (import " +
                       std::string(object_spec(target).plural) + " first)");
  }
}
}  // namespace

void check_record_context(ObjectType type, const nlohmann::json& record, const RecordContext& ctx,
                          std::vector<std::string>& problems) {
  if (!record.is_object()) return;
  auto del = record.find("deletion");
  if (del != record.end() && del->is_boolean() && del->get<bool>()) return;

  for (const FieldSpec& spec : object_spec(type).fields) {
    auto it = record.find(spec.name);
    if (it == record.end() || it->is_null()) continue;
    std::string name(spec.name);
    if (spec.reference != Reference::None) check_reference(spec, name, *it, ctx, problems);
    if (spec.type == FieldType::ObjectArray && it->is_array()) {
      for (size_t i = 0; i < it->size(); ++i) {
        const auto& item = (*it)[i];
        if (!item.is_object()) continue;
        for (const FieldSpec& sub : spec.items) {
          auto v = item.find(sub.name);
          if (sub.reference == Reference::None || v == item.end()) continue;
          check_reference(sub, name + "[" + std::to_string(i) + "]." + std::string(sub.name), *v, ctx, problems);
        }
      }
    }
  }

  if (type != ObjectType::Deal) return;
  auto stage = record.find("stage");
  if (stage != record.end() && stage->is_string() && !stage->get_ref<const std::string&>().empty()) {
    bool known = false;
    auto stages = ctx.registration.find("deal_stages");
    if (stages != ctx.registration.end()) {
      for (const auto& s : *stages) known = known || s.value("stage_name", "") == stage->get_ref<const std::string&>();
    }
    if (!known) {
      problems.push_back("stage " + quoted(stage->get<std::string>()) +
                         " is not one of the registered deal stages");
    }
  }
  auto owner = record.find("owner_email");
  if (owner != record.end() && owner->is_string() && is_valid_email(owner->get_ref<const std::string&>()) &&
      !ctx.licensed.is_licensed(owner->get_ref<const std::string&>())) {
    problems.push_back("owner_email " + quoted(owner->get<std::string>()) + " is not a ZRA-licensed user");
  }
}

}  // namespace zra::sandbox
