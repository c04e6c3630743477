#include "bench/micro/sample_accounts.h"

#include <cstdio>
#include <random>
#include <stdexcept>

#include "config/yaml_reader.h"
#include "plugins/csv/csv_parser.h"

namespace zra::bench {
namespace {

const char* const kWords[] = {"Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Tyrell",
                              "Hooli", "Vandelay", "Cyberdyne", "Aperture", "Oceanic", "Monarch", "Summit"};
const char* const kSuffixes[] = {"Inc.", "LLC", "Ltd.", "Corp.", "GmbH", "Group", ""};
const char* const kFirst[] = {"ann", "bob", "carla", "dmitri", "eve", "farid", "grace", "hiro", "ines", "jon"};
const char* const kLast[] = {"lee", "smith", "dubois", "okafor", "garcia", "tanaka", "muller", "rossi"};
const char* const kIndustries[] = {"Software", "Manufacturing", "Retail", "Healthcare", "Finance", ""};
const char* const kStatuses[] = {"Customer - Active", "CUSTOMER - ACTIVE", "customer - churned",
                                 "Prospect - Cold", "Prospect - Warm", "Partner", "n/a", ""};
const char* const kNotes[] = {"", "", "\"Renewal due, call \"\"Ann\"\" first\"", "\"Line one\nline two\"",
                              "\"Met at expo; follow up, soon\""};

template <size_t N>
const char* pick(std::mt19937& rnd, const char* const (&items)[N]) {
  return items[rnd() % N];
}

std::string with_commas(unsigned long long v) {
  std::string digits = std::to_string(v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string local_time(std::mt19937& rnd) {
  unsigned month = 1 + rnd() % 12, day = 1 + rnd() % 28, year = 2019 + rnd() % 7, hour = rnd() % 24;
  if (month == 3 && day >= 8 && day <= 14 && hour == 2) hour = 3;  // never in a DST gap
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04u %02u:%02u", month, day, year, hour, unsigned(rnd() % 60));
  return buf;
}

}  // namespace

std::string make_accounts_csv(size_t rows, unsigned seed) {
  std::mt19937 rnd(seed);
  std::string out = "Id,Name,OwnerEmail,AnnualRevenue,Employees,LastModified,Created,Industry,Phone,Website,"
                    "Status,Notes\n";
  char buf[64];
  for (size_t i = 1; i <= rows; ++i) {
    std::snprintf(buf, sizeof buf, "A%08zu", i);
    out += (rnd() % 20 == 0) ? std::string(" ") + buf + " " : std::string(buf);
    out += ",\"";
    out += std::string(pick(rnd, kWords)) + " " + pick(rnd, kWords);
    if (const char* s = pick(rnd, kSuffixes); *s) out += std::string(", ") + s;
    out += "\",";
    std::string email = std::string(pick(rnd, kFirst)) + "." + pick(rnd, kLast) + "@Acme.Example";
    out += (rnd() % 3 == 0) ? "  " + email + " " : email;
    out += ',';
    unsigned kind = rnd() % 10;
    unsigned long long revenue = 10000 + rnd() % 900000000;
    if (kind < 5) {
      std::snprintf(buf, sizeof buf, ".%02u", unsigned(rnd() % 100));
      out += "\"" + with_commas(revenue) + buf + "\"";
    } else if (kind < 9) {
      out += std::to_string(revenue);
    }
    out += ',';
    unsigned employees = 1 + rnd() % 250000;
    if (kind % 3 == 0) out += "\"" + with_commas(employees) + "\"";
    else if (kind % 3 == 1) out += std::to_string(employees);
    out += ',' + local_time(rnd) + ',' + ((rnd() % 5) ? local_time(rnd) : std::string()) + ',';
    out += pick(rnd, kIndustries);
    std::snprintf(buf, sizeof buf, ",+1 (%03u) %03u-%04u,www.site%zu.example,", unsigned(200 + rnd() % 800),
                  unsigned(200 + rnd() % 800), unsigned(rnd() % 10000), i % 1000);
    out += buf;
    out += pick(rnd, kStatuses);
    out += ',';
    out += pick(rnd, kNotes);
    out += '\n';
  }
  return out;
}

std::vector<SourceRow> parse_accounts(const std::string& csv) {
  csv::StringByteSource source(csv);
  csv::CsvParser parser(source, csv::CsvOptions{});
  csv::CsvRecord record;
  if (!parser.next(record)) throw std::runtime_error("parse_accounts: no header line");
  auto columns = std::make_shared<std::vector<std::string>>();
  for (size_t i = 0; i < record.fields.size(); ++i) columns->emplace_back(record.field(i));
  std::vector<SourceRow> rows;
  while (parser.next(record)) {
    if (record.issue != csv::CsvIssue::None) {
      throw std::runtime_error("parse_accounts: bad record on line " + std::to_string(record.line));
    }
    SourceRow row;
    row.columns = columns;
    for (size_t i = 0; i < record.fields.size(); ++i) {
      const csv::CsvField& f = record.fields[i];
      if (f.begin == f.end && !f.quoted) row.values.emplace_back(std::nullopt);
      else row.values.emplace_back(std::string(record.field(i)));
    }
    row.locator = "accounts.csv:" + std::to_string(record.line);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::shared_ptr<const Mapping> load_accounts_mapping() {
  ConfigNode root = read_config_file(ZRA_BENCH_DIR "/configs/accounts_mapping.yaml", process_env(), "mapping");
  return Mapping::compile(ObjectType::Account, root);
}

std::shared_ptr<const Mapping> compile_account_mapping(const std::string& yaml) {
  ConfigNode root = parse_config_text(yaml, "bench-inline.yaml", process_env(), "mapping");
  return Mapping::compile(ObjectType::Account, root);
}

std::vector<nlohmann::json> map_clean(const Mapping& mapping, const std::vector<SourceRow>& rows) {
  std::vector<nlohmann::json> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    MappedRow m = mapping.apply(row);
    if (m.ok()) out.push_back(std::move(m.record));
  }
  return out;
}

}  // namespace zra::bench
