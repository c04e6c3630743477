#include "sandbox/crm_store.h"

#include <ostream>

#include "core/common/errors.h"
#include "core/schema/record_validator.h"
#include "sandbox/record_checks.h"

namespace zra::sandbox {

namespace {
constexpr int kStateVersion = 1;

uint64_t fnv1a(const std::string& s, uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string base62(uint64_t v, size_t width) {
  static constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;
  for (size_t i = 0; i < width; ++i) {
    out.push_back(kDigits[v % 62]);
    v /= 62;
  }
  return out;
}

std::string record_id_of(ObjectType type, const nlohmann::json& record) {
  if (!record.is_object()) return "";
  auto it = record.find(object_spec(type).id_field);
  if (it == record.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}
}  // namespace

CrmStore::CrmStore(const std::string& account_id)
    : zra_prefix_("OPENAPI" + base62(fnv1a(account_id, 14695981039346656037ULL), 11) +
                  base62(fnv1a(account_id, 1099511628211ULL), 11)) {}

std::string CrmStore::zra_id(const std::string& crm_id) const { return zra_prefix_ + crm_id; }

std::optional<nlohmann::json> CrmStore::registration() const {
  std::lock_guard<std::mutex> lock(mu_);
  return registration_;
}

bool CrmStore::is_registered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return registration_.has_value();
}

std::optional<nlohmann::json> CrmStore::register_crm(nlohmann::json normalized, const std::string& now_iso) {
  std::lock_guard<std::mutex> lock(mu_);
  if (registration_) return std::nullopt;
  normalized["create_time"] = now_iso;
  normalized["modify_time"] = now_iso;
  registration_ = std::move(normalized);
  ++version_;
  if (listener_) listener_({{"op", "register"}, {"registration", *registration_}});
  return registration_;
}

bool CrmStore::unregister(bool remove_all) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!registration_) return false;
  registration_.reset();
  if (remove_all) {
    for (auto& t : records_) t.clear();
  }
  ++version_;
  if (listener_) listener_({{"op", "unregister"}, {"remove_all", remove_all}});
  return true;
}

ImportOutcome CrmStore::import(ObjectType type, const nlohmann::json& data, const LicensedUsers& licensed) {
  const ObjectTypeSpec& spec = object_spec(type);
  std::lock_guard<std::mutex> lock(mu_);
  ImportOutcome out;
  out.total = data.size();
  if (!registration_) return out;
  out.ran = true;
  RecordContext ctx{*registration_,
                    [this](ObjectType t, const std::string& id) {
                      return records_[static_cast<size_t>(t)].count(id) > 0;
                    },
                    licensed};
  Table& table = records_[static_cast<size_t>(type)];
  std::vector<std::string> problems;
  // What the journal keeps: the effect, in order (a later record of the same id wins on replay too).
  nlohmann::json applied = nlohmann::json::array();
  for (size_t i = 0; i < data.size(); ++i) {
    const nlohmann::json& record = data[i];
    problems.clear();
    for (auto& issue : validate_record(type, record)) problems.push_back(std::move(issue.detail));
    check_record_context(type, record, ctx, problems);
    if (!problems.empty()) {
      out.errors.push_back({i, record_id_of(type, record), join(problems)});
      continue;
    }
    std::string id = record.at(spec.id_field).get<std::string>();
    auto del = record.find("deletion");
    if (del != record.end() && del->is_boolean() && del->get<bool>()) {
      table.erase(id);
      if (listener_) applied.push_back({id, nullptr});
    } else {
      nlohmann::json stored = record;
      stored.erase("deletion");
      stored[std::string(spec.zra_id_field)] = zra_id(id);
      if (listener_) applied.push_back({id, stored});
      table[id] = std::move(stored);
    }
    ++out.success;
  }
  out.failed = out.errors.size();
  if (out.success > 0) {
    ++version_;
    if (listener_) listener_({{"op", "import"}, {"type", std::string(spec.name)}, {"apply", std::move(applied)}});
  }
  return out;
}

nlohmann::json CrmStore::find(ObjectType type, const std::vector<std::string>& ids) const {
  std::lock_guard<std::mutex> lock(mu_);
  const Table& table = records_[static_cast<size_t>(type)];
  nlohmann::json data = nlohmann::json::array();
  std::vector<const std::string*> seen;
  for (const auto& id : ids) {
    bool dup = false;
    for (const auto* s : seen) dup = dup || *s == id;
    if (dup) continue;
    seen.push_back(&id);
    auto it = table.find(id);
    if (it != table.end()) data.push_back(it->second);
  }
  return data;
}

nlohmann::json CrmStore::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json records = nlohmann::json::object();
  nlohmann::json counts = nlohmann::json::object();
  for (ObjectType t : kAllObjectTypes) {
    std::string name(object_spec(t).name);
    nlohmann::json table = nlohmann::json::object();
    for (const auto& [id, rec] : records_[static_cast<size_t>(t)]) table[id] = rec;
    counts[name] = table.size();
    records[name] = std::move(table);
  }
  return {{"registration", registration_ ? *registration_ : nlohmann::json(nullptr)},
          {"records", std::move(records)},
          {"counts", std::move(counts)}};
}

nlohmann::json CrmStore::persisted() const {
  nlohmann::json body = state();
  body.erase("counts");
  body["sandbox_state_version"] = kStateVersion;
  return body;
}

void CrmStore::restore(const nlohmann::json& body, const std::string& source) {
  auto bad = [&](const std::string& what) {
    return Error("sandbox: state file '" + source + "' is not a sandbox state: " + what, kExitUsage);
  };
  if (!body.is_object()) throw bad("not a JSON object");
  if (body.value("sandbox_state_version", 0) != kStateVersion) {
    throw bad("sandbox_state_version must be " + std::to_string(kStateVersion));
  }
  std::optional<nlohmann::json> reg;
  auto r = body.find("registration");
  if (r != body.end() && !r->is_null()) {
    if (!r->is_object()) throw bad("registration must be an object or null");
    reg = *r;
  }
  std::array<Table, 4> records;
  auto recs = body.find("records");
  if (recs != body.end()) {
    if (!recs->is_object()) throw bad("records must be an object");
    for (ObjectType t : kAllObjectTypes) {
      auto table = recs->find(object_spec(t).name);
      if (table == recs->end()) continue;
      if (!table->is_object()) throw bad("records." + std::string(object_spec(t).name) + " must be an object");
      for (auto it = table->begin(); it != table->end(); ++it) {
        if (!it->is_object()) throw bad("records." + std::string(object_spec(t).name) + "." + it.key() + " must be an object");
        records[static_cast<size_t>(t)][it.key()] = *it;
      }
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  registration_ = std::move(reg);
  records_ = std::move(records);
  ++version_;
}

void CrmStore::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  registration_.reset();
  for (auto& t : records_) t.clear();
  ++version_;
  if (listener_) listener_({{"op", "clear"}});
}

uint64_t CrmStore::version() const {
  std::lock_guard<std::mutex> lock(mu_);
  return version_;
}

size_t CrmStore::record_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& t : records_) n += t.size();
  return n;
}

void CrmStore::set_change_listener(ChangeListener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  listener_ = std::move(listener);
}

void CrmStore::write_persisted(std::ostream& out, const nlohmann::json& extra) const {
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  constexpr size_t kChunk = 1000;  // records per lock hold: changes wait for one chunk, not the whole store
  std::string buf = "{\"sandbox_state_version\": " + std::to_string(kStateVersion);
  for (auto it = extra.begin(); it != extra.end(); ++it) {
    buf += ", " + nlohmann::json(it.key()).dump() + ": " + it->dump(-1, ' ', false, kReplace);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    buf += ",\n\"registration\": " + (registration_ ? registration_->dump(-1, ' ', false, kReplace) : "null");
  }
  buf += ",\n\"records\": {";
  for (ObjectType t : kAllObjectTypes) {
    buf += (t == kAllObjectTypes.front() ? "\n" : ",\n") + nlohmann::json(std::string(object_spec(t).name)).dump() + ": {";
    bool first = true;
    std::optional<std::string> last;  // resume after this id: the table may change between chunks
    for (bool more = true; more;) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        const Table& table = records_[static_cast<size_t>(t)];
        auto it = last ? table.upper_bound(*last) : table.begin();
        for (size_t n = 0; it != table.end() && n < kChunk; ++it, ++n) {
          buf += first ? "\n" : ",\n";
          buf += nlohmann::json(it->first).dump(-1, ' ', false, kReplace);
          buf += ": ";
          buf += it->second.dump(-1, ' ', false, kReplace);
          first = false;
          last = it->first;
        }
        more = it != table.end();
      }
      out << buf;
      buf.clear();
    }
    buf += "}";
  }
  buf += "}}\n";
  out << buf;
}

void CrmStore::replay(const nlohmann::json& change, const std::string& source) {
  auto bad = [&](const std::string& what) {
    return Error("sandbox: " + source + ": not a sandbox change: " + what, kExitUsage);
  };
  if (!change.is_object() || !change.contains("op") || !change["op"].is_string()) throw bad("no \"op\"");
  const std::string op = change["op"].get<std::string>();
  std::lock_guard<std::mutex> lock(mu_);
  if (op == "register") {
    auto r = change.find("registration");
    if (r == change.end() || !r->is_object()) throw bad("register needs a registration object");
    registration_ = *r;
  } else if (op == "unregister") {
    registration_.reset();
    if (change.value("remove_all", false)) {
      for (auto& t : records_) t.clear();
    }
  } else if (op == "clear") {
    registration_.reset();
    for (auto& t : records_) t.clear();
  } else if (op == "import") {
    auto type = change.find("type");
    std::optional<ObjectType> parsed;
    if (type != change.end() && type->is_string()) parsed = parse_object_type(type->get<std::string>());
    if (!parsed) throw bad("import needs a \"type\" of account, contact, deal or lead");
    auto apply = change.find("apply");
    if (apply == change.end() || !apply->is_array()) throw bad("import needs an \"apply\" array");
    for (const auto& step : *apply) {  // all checked before any is applied
      if (!step.is_array() || step.size() != 2 || !step[0].is_string() || !(step[1].is_null() || step[1].is_object())) {
        throw bad("each \"apply\" entry must be [crm_id, record or null]");
      }
    }
    Table& table = records_[static_cast<size_t>(*parsed)];
    for (const auto& step : *apply) {
      if (step[1].is_null()) {
        table.erase(step[0].get<std::string>());
      } else {
        table[step[0].get<std::string>()] = step[1];
      }
    }
  } else {
    throw bad("unknown op '" + op + "'");
  }
  ++version_;
}

}  // namespace zra::sandbox
