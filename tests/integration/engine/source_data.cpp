#include "tests/integration/engine/source_data.h"

#include <random>
#include <stdexcept>
#include <vector>

namespace zra::testing {
namespace {

using nlohmann::json;

std::string two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

// Ids of `n` rows with `bad` of them chosen (seeded) to be invalid.
std::vector<bool> pick_invalid(int n, int bad, std::mt19937_64& rng) {
  if (bad > n) throw std::invalid_argument("invalid_per_type exceeds a type's row count");
  std::vector<bool> invalid(static_cast<size_t>(n), false);
  for (int chosen = 0; chosen < bad;) {
    size_t i = std::uniform_int_distribution<size_t>(0, static_cast<size_t>(n) - 1)(rng);
    if (!invalid[i]) invalid[i] = true, ++chosen;
  }
  return invalid;
}

std::string stream_line(const char* name, const char* object, const char* file) {
  return std::string("      - { name: ") + name + ", object: " + object + ", path: data/" + file +
         ", mapping: mappings/" + name + ".yaml }\n";
}

}  // namespace

size_t SourceData::valid_total() const {
  size_t n = 0;
  for (const auto& [type, records] : expected) n += records.size();
  return n;
}

size_t SourceData::invalid_total() const {
  size_t n = 0;
  for (const auto& [type, ids] : invalid) n += ids.size();
  return n;
}

SourceData make_source_data(const SourceCounts& counts, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  const std::string tag = "s" + std::to_string(seed % 1000);  // values differ between seeds
  SourceData d;
  d.sources_yaml = "  - name: exports\n    plugin: csv\n    streams:\n";
  std::vector<std::string> valid_accounts, valid_contacts;

  if (counts.accounts > 0) {
    auto bad = pick_invalid(counts.accounts, counts.invalid_per_type, rng);
    std::string csv = "Id,Name,OwnerEmail,Revenue,Employees,Modified\n";
    json& exp = d.expected["account"] = json::object();
    for (int i = 0; i < counts.accounts; ++i) {
      const std::string id = "A" + std::to_string(i);
      const int minute = pick(60), revenue = 1000 + pick(1000000), employees = 1 + pick(5000);
      const std::string owner = bad[static_cast<size_t>(i)] ? "not-an-email" : "Owner" + std::to_string(pick(50)) + "@Acme.example";
      csv += id + ",Account " + std::to_string(i) + " " + tag + "," + owner + "," + std::to_string(revenue) + "," +
             std::to_string(employees) + ",11/20/2025 07:" + two(minute) + "\n";
      if (bad[static_cast<size_t>(i)]) {
        d.invalid["account"].insert(id);
        continue;
      }
      std::string lower = owner;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      exp[id] = {{"crm_account_id", id}, {"account_name", "Account " + std::to_string(i) + " " + tag},
                 {"owner_email", lower}, {"annual_revenue", revenue}, {"employees", employees},
                 {"modify_time", "2025-11-20T12:" + two(minute) + ":00Z"}};
      valid_accounts.push_back(id);
    }
    d.files["data/accounts.csv"] = csv;
    d.sources_yaml += stream_line("accounts", "account", "accounts.csv");
  }

  if (counts.contacts > 0) {
    if (valid_accounts.empty()) throw std::invalid_argument("contacts need at least one valid account");
    auto bad = pick_invalid(counts.contacts, counts.invalid_per_type, rng);
    std::string csv = "Id,AccountId,First,Last,Email,Modified\n";
    json& exp = d.expected["contact"] = json::object();
    for (int i = 0; i < counts.contacts; ++i) {
      const std::string id = "C" + std::to_string(i);
      const std::string account = valid_accounts[static_cast<size_t>(pick(static_cast<int>(valid_accounts.size())))];
      const std::string modified = "2025-11-20T13:" + two(pick(60)) + ":00Z";
      const std::string email = bad[static_cast<size_t>(i)] ? "broken-email" : "c" + std::to_string(i) + "@contact.example";
      csv += id + "," + account + ",First" + std::to_string(i) + ",Last" + tag + "," + email + "," + modified + "\n";
      if (bad[static_cast<size_t>(i)]) {
        d.invalid["contact"].insert(id);
        continue;
      }
      exp[id] = {{"crm_contact_id", id}, {"crm_account_id", account},
                 {"contact_name", "First" + std::to_string(i) + " Last" + tag}, {"contact_email", email},
                 {"modify_time", modified}};
      valid_contacts.push_back(id);
    }
    d.files["data/contacts.csv"] = csv;
    d.sources_yaml += stream_line("contacts", "contact", "contacts.csv");
  }

  if (counts.deals > 0) {
    if (valid_accounts.empty() || valid_contacts.empty()) {
      throw std::invalid_argument("deals need at least one valid account and one valid contact");
    }
    auto bad = pick_invalid(counts.deals, counts.invalid_per_type, rng);
    std::string csv = "Id,AccountId,Name,Owner,Stage,Amount,CloseDate,ContactIds,Modified\n";
    json& exp = d.expected["deal"] = json::object();
    for (int i = 0; i < counts.deals; ++i) {
      const std::string id = "D" + std::to_string(i);
      const std::string account = valid_accounts[static_cast<size_t>(pick(static_cast<int>(valid_accounts.size())))];
      const bool won = pick(2) == 0;
      const int amount = 1 + pick(100000), day = 1 + pick(28), month = 1 + pick(12);
      const int n_contacts = 1 + pick(2);
      std::string contact_ids;
      json contacts = json::array();
      for (int c = 0; c < n_contacts; ++c) {
        const std::string cid = valid_contacts[static_cast<size_t>(pick(static_cast<int>(valid_contacts.size())))];
        if (c > 0 && contacts[0]["crm_contact_id"] == cid) continue;
        contact_ids += (c > 0 ? ";" : "") + cid;
        contacts.push_back({{"crm_contact_id", cid}});
      }
      const std::string owner = bad[static_cast<size_t>(i)] ? "nobody-at-all" : "owner" + std::to_string(pick(50)) + "@acme.example";
      const std::string modified = "2025-11-20T14:" + two(pick(60)) + ":00Z";
      csv += id + "," + account + ",Deal " + std::to_string(i) + " " + tag + "," + owner + "," +
             (won ? "Closed - Won" : "Prospecting") + "," + std::to_string(amount) + "," + two(day) + "." + two(month) +
             ".2026," + contact_ids + "," + modified + "\n";
      if (bad[static_cast<size_t>(i)]) {
        d.invalid["deal"].insert(id);
        continue;
      }
      exp[id] = {{"crm_deal_id", id}, {"crm_account_id", account}, {"deal_name", "Deal " + std::to_string(i) + " " + tag},
                 {"owner_email", owner}, {"stage", won ? "Closed Won" : "Prospecting"}, {"amount", amount},
                 {"close_date", "2026-" + two(month) + "-" + two(day)}, {"contacts", contacts},
                 {"modify_time", modified}};
    }
    d.files["data/deals.csv"] = csv;
    d.sources_yaml += stream_line("deals", "deal", "deals.csv");
  }

  if (counts.leads > 0) {
    auto bad = pick_invalid(counts.leads, counts.invalid_per_type, rng);
    std::string csv = "Id,Name,Email,Company,Modified\n";
    json& exp = d.expected["lead"] = json::object();
    for (int i = 0; i < counts.leads; ++i) {
      const std::string id = "L" + std::to_string(i);
      const std::string email = bad[static_cast<size_t>(i)] ? "lead-without-at" : "l" + std::to_string(i) + "@lead.example";
      const std::string modified = "2025-11-20T15:" + two(pick(60)) + ":00Z";
      const std::string company = "Company " + std::to_string(pick(500));
      csv += id + ",Lead " + std::to_string(i) + " " + tag + "," + email + "," + company + "," + modified + "\n";
      if (bad[static_cast<size_t>(i)]) {
        d.invalid["lead"].insert(id);
        continue;
      }
      exp[id] = {{"crm_lead_id", id}, {"lead_name", "Lead " + std::to_string(i) + " " + tag}, {"lead_email", email},
                 {"company", company}, {"modify_time", modified}};
    }
    d.files["data/leads.csv"] = csv;
    d.sources_yaml += stream_line("leads", "lead", "leads.csv");
  }
  return d;
}

}  // namespace zra::testing
