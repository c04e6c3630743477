#pragma once
// The engine tests' source data: every record type, some valid, some planted failures of each phase.
namespace zra::testing {

inline constexpr const char* kAccountsCsv =
    "Id,Name,OwnerEmail,Revenue,Employees,Modified\n"
    "A1,Acme Corp,Jane@Acme.example,\"1,250,000.50\",120,11/20/2025 07:00\n"
    "A2,Globex,bob@globex.example,300000,45,11/21/2025 09:30\n"
    "A3,Bad Email Co,not-an-email,1000,5,11/21/2025 09:30\n"
    "A4,Bad Date Inc,x@bad.example,1000,5,31/31/2025 99:99\n";

inline constexpr const char* kContactsCsv =
    "Id,AccountId,First,Last,Email,Modified\n"
    "C1,A1,Jill,Chill,jill@acme.example,2025-11-20T12:00:00Z\n"
    "C2,A2,,Dubois,dubois@globex.example,2025-11-20T12:00:00Z\n"
    "C3,A3,Sam,Bad,sam@bad.example,2025-11-20T12:00:00Z\n"
    "C4,A99,Nobody,Home,n@x.example,2025-11-20T12:00:00Z\n";

inline constexpr const char* kDealsCsv =
    "Id,AccountId,Name,Owner,Stage,Amount,CloseDate,ContactIds,Modified\n"
    "D1,A1,Big deal,jane@acme.example,Closed - Won,50000,31.12.2025,C1;C2,2025-11-20T12:00:00Z\n"
    "D2,A2,Small deal,bob@globex.example,Prospecting,100,01.02.2026,,2025-11-20T12:00:00Z\n"
    "D3,A1,Weird stage,jane@acme.example,Lost in space,1,01.02.2026,,2025-11-20T12:00:00Z\n"
    "D4,A4,Orphan,jane@acme.example,Prospecting,1,01.02.2026,,2025-11-20T12:00:00Z\n"
    "D5,A1,Dangling contact,jane@acme.example,Prospecting,1,01.02.2026,C4,2025-11-20T12:00:00Z\n";

inline constexpr const char* kLeadsCsv =
    "Id,Name,Email,Company,Modified\n"
    "L1,Lee Lead,lee@lead.example,Leads Inc,2025-11-20T12:00:00Z\n"
    "L2,\"Quoted, Name\",q@lead.example,\"Comma, Inc\",2025-11-20T12:00:00Z\n"
    "L3,Too,Many,Columns,Here,Extra\n";

inline constexpr const char* kAllSources =
    "  - name: exports\n"
    "    plugin: csv\n"
    "    streams:\n"
    "      - { name: accounts, object: account, path: data/accounts.csv, mapping: mappings/accounts.yaml }\n"
    "      - { name: contacts, object: contact, path: data/contacts.csv, mapping: mappings/contacts.yaml }\n"
    "      - { name: deals, object: deal, path: data/deals.csv, mapping: mappings/deals.yaml }\n"
    "      - { name: leads, object: lead, path: data/leads.csv, mapping: mappings/leads.yaml }\n";

}  // namespace zra::testing
