#!/usr/bin/env python3
"""Generates the demo's CSV exports and README.md (with the file:line of every planted bad row).

Deterministic: a fixed seed and no clock, so running it again reproduces the committed files byte for
byte (a CTest test checks that). Usage:  python3 generate.py [--out DIR]   (default: this directory)

The data imitates what real CRM exports look like: a BOM, CRLF line ends in one file, a ';'-delimited
file, thousands separators, local New York times as "MM/DD/YYYY HH:MM", mixed-case emails, stage labels
that need a `map`, ';'-separated lists, and quoted fields holding commas and line breaks.
"""
import argparse
import csv
import io
import os
import random

SEED = 20251120
EMAIL_DOMAIN = "acme-demo.example"
REPS = ["Dana Whitfield", "Marcus Ortega", "Priya Raman", "Tom Becker", "Aiko Tanaka", "Grace Mensah"]

ADJECTIVES = ["Blue", "North", "Summit", "Granite", "Harbor", "Cedar", "Silver", "Pioneer", "Evergreen",
              "Bright", "Iron", "Maple", "Crescent", "Atlas", "Redwood", "Lakeside"]
NOUNS = ["Logistics", "Dental Group", "Analytics", "Foods", "Manufacturing", "Health", "Capital",
         "Software", "Energy", "Retail", "Labs", "Construction"]
INDUSTRY = {"Logistics": "Transportation", "Dental Group": "Healthcare", "Analytics": "Technology",
            "Foods": "Food & Beverage", "Manufacturing": "Manufacturing", "Health": "Healthcare",
            "Capital": "Financial Services", "Software": "Technology", "Energy": "Energy",
            "Retail": "Retail", "Labs": "Biotechnology", "Construction": "Construction"}
FIRST = ["Maria", "James", "Li", "Fatima", "Oliver", "Sofia", "Noah", "Amara", "Lucas", "Hannah", "Mateo",
         "Chloe", "Ravi", "Elena", "Kwame", "Ingrid", "Diego", "Yuki", "Samuel", "Leila", "Owen", "Nadia",
         "Felix", "Zara", "Hugo", "Maya", "Tariq", "Freya", "Andre", "Mei"]
LAST = ["Anders", "O'Brien", "Chen", "Haddad", "Schmidt", "Rossi", "Kowalski", "Okafor", "Dubois",
        "Larsen", "García", "Nguyen", "Patel", "Ivanova", "Mensah", "Johansson", "Silva", "Sato",
        "Müller", "Karimi", "Walsh", "Novak", "Moreau", "Cohen", "Fischer", "Lopez", "Byrne", "Singh"]
TITLES = ["CEO", "CFO", "VP, Sales", "VP, Operations", "Head of IT", "Procurement Manager",
          "Director, Finance", "Office Manager", "CTO", "Operations Lead", "Buyer", "COO"]
DEPARTMENTS = ["Executive", "Finance", "Sales", "Operations", "IT", "Procurement"]
STAGES = [("prospecting", 10), ("Qualification", 25), ("Proposal/Price Quote", 50),
          ("Closed - Won", 100), ("Closed - Lost", 0)]
NEXT_STEPS = ["Send proposal", "Schedule demo", "Security review", "Call with CFO", "Contract redlines", ""]
EVENTS = ["SaaStr 2025", "Boston Tech Week", "Webinar: Forecasting 101", "RevOps Summit"]

# Ids of the planted bad rows (see README.md, which this script writes).
BAD_DATE_ACCOUNT = "ACC-0037"        # LastModified cannot be parsed -> mapping error
DEPENDENT_DEAL = "DEAL-0042"         # its account is ACC-0037 -> dependency
BAD_STAGE_DEAL = "DEAL-0077"         # stage "Negotiation" is not registered -> validation
BAD_EMAIL_CONTACT = "CON-0058"       # invalid email -> validation
ORPHAN_CONTACT = "CON-0193"          # account ACC-0999 does not exist -> rejected by ZRA
WRONG_COLUMNS_CONTACT = "CON-0217"   # one field too many -> source error
DUPLICATE_LEAD = "LEAD-0012"         # repeated in leads_events.csv with an older LastModified
NAMELESS_LEAD = "LEAD-0066"          # no first or last name -> lead_name missing -> validation


def rep_email(rng, name):
    email = name.lower().replace(" ", ".") + "@" + EMAIL_DOMAIN
    style = rng.random()
    if style < 0.3:  # exports keep whatever case someone typed
        return name.replace(" ", ".") + "@" + EMAIL_DOMAIN.capitalize()
    if style < 0.4:
        return email.upper()
    return email


def local_time(rng, year_from=2023):
    """A local New York time as the CRM exports it, between 07:00 and 19:59 (never in a DST gap)."""
    year = rng.randint(year_from, 2025)
    month = rng.randint(1, 10 if year == 2025 else 12)
    day = rng.randint(1, 28)
    return (year, month, day, rng.randint(7, 19), rng.randint(0, 59))


def fmt_time(t):
    return "%02d/%02d/%04d %02d:%02d" % (t[1], t[2], t[0], t[3], t[4])


def later(rng, t):
    """A time after t, no later than November 2025."""
    for _ in range(100):
        u = local_time(rng, t[0])
        if u > t:
            return u
    return (2025, 11, 19, 16, 45)


def money(rng, low, high, cents=True):
    value = rng.randint(low, high)
    if cents and rng.random() < 0.5:
        return "{:,.2f}".format(value + rng.randint(0, 99) / 100)
    return "{:,}".format(value)


def phone(rng, region):
    if region == "NA":
        forms = ["+1 {a} 555 {b:04d}", "({a}) 555-{b:04d}", "{a}.555.{b:04d}"]
        return rng.choice(forms).format(a=rng.choice([212, 617, 415, 312, 646, 857]), b=rng.randint(100, 9999))
    return rng.choice(["+44 20 7946 {b:04d}", "+49 30 901820{c:02d}", "+33 1 70 18 {c:02d} {d:02d}"]).format(
        b=rng.randint(0, 9999), c=rng.randint(0, 99), d=rng.randint(0, 99))


class CsvFile:
    """Writes one CSV and remembers the 1-based line on which each row starts."""

    def __init__(self, name, header, delimiter=",", crlf=False, bom=False):
        self.name, self.header, self.delimiter = name, header, delimiter
        self.newline = "\r\n" if crlf else "\n"
        self.bom = bom
        self.buf = io.StringIO()
        self.line = 1
        self.lines = {}
        self._write(header)

    def _write(self, fields):
        row = io.StringIO()
        csv.writer(row, delimiter=self.delimiter, lineterminator=self.newline).writerow(fields)
        text = row.getvalue()
        start = self.line
        self.buf.write(text)
        self.line += text.count("\n")
        return start

    def add(self, record, key):
        """record: dict by column; key: the row's id, for line lookups."""
        self.lines.setdefault(key, []).append(self._write([record.get(c, "") for c in self.header]))

    def add_raw(self, fields, key):
        self.lines.setdefault(key, []).append(self._write(fields))

    def rows(self):
        return sum(len(v) for v in self.lines.values())

    def save(self, directory):
        with open(os.path.join(directory, self.name), "w", encoding="utf-8", newline="") as f:
            if self.bom:
                f.write("\ufeff")
            f.write(self.buf.getvalue())


def make_accounts(rng):
    names = [a + " " + n for a in ADJECTIVES for n in NOUNS]
    rng.shuffle(names)
    accounts = []
    for i in range(1, 121):
        base = names[i - 1]
        noun = next(n for n in NOUNS if base.endswith(n))
        suffix = rng.choice(["", "", "", ", Inc.", " LLC", " & Co.", ", Ltd."])
        created = local_time(rng)
        acc = {
            "Id": "ACC-%04d" % i,
            "Name": base + suffix,
            "Domain": base.lower().replace(" ", "-") + ".example",
            "Industry": INDUSTRY[noun],
            "Type": rng.choice(["Customer", "Customer", "Prospect", "Partner"]),
            "Employees": str(rng.choice([rng.randint(5, 90), rng.randint(100, 900), rng.randint(1000, 12000)]))
            if rng.random() < 0.9 else "",
            "AnnualRevenue": money(rng, 250_000, 95_000_000) if rng.random() < 0.85 else "",
            "Region": "NA" if rng.random() < 0.55 else "EMEA",
            "OwnerEmail": rep_email(rng, rng.choice(REPS)),
            "CreatedDate": fmt_time(created),
            "LastModified": fmt_time(later(rng, created)),
        }
        acc["Phone"] = phone(rng, acc["Region"]) if rng.random() < 0.8 else ""
        if i == 5:
            acc["Name"] = "  " + acc["Name"] + " "  # stray spaces: trimmed by default
        accounts.append(acc)
    bad = next(a for a in accounts if a["Id"] == BAD_DATE_ACCOUNT)
    bad["LastModified"] = "13/45/2025 10:00"
    return accounts


def make_contacts(rng, accounts):
    contacts = []
    good_accounts = [a for a in accounts if a["Id"] != BAD_DATE_ACCOUNT]
    owners = [a for a in good_accounts for _ in range(2)] + rng.sample(good_accounts, 12)
    for i in range(1, 251):
        acc = owners[i - 1]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        local = (first[0] + "." + last if rng.random() < 0.4 else first + "." + last).replace("'", "")
        email = local + "@" + acc["Domain"]
        email = email if rng.random() < 0.5 else email.lower()
        contact = {
            "ContactId": "CON-%04d" % i,
            "AccountId": acc["Id"],
            "FirstName": first if rng.random() > 0.05 else "",
            "LastName": last,
            "Email": email,
            "Title": rng.choice(TITLES),
            "Department": rng.choice(DEPARTMENTS),
            "Phone": phone(rng, acc["Region"]) if rng.random() < 0.7 else "",
            "Mobile": phone(rng, acc["Region"]) if rng.random() < 0.4 else "",
            "OwnerEmail": acc["OwnerEmail"],
            "LastModified": fmt_time(later(rng, (2024, 1, 1, 7, 0))),
            "Region": acc["Region"],
        }
        contacts.append(contact)
    by_id = {c["ContactId"]: c for c in contacts}
    by_id[BAD_EMAIL_CONTACT]["Email"] = "jordan.blake@@" + by_id[BAD_EMAIL_CONTACT]["Email"].split("@")[1]
    by_id[ORPHAN_CONTACT]["AccountId"] = "ACC-0999"
    by_id[ORPHAN_CONTACT]["Region"] = "EMEA"
    by_id[WRONG_COLUMNS_CONTACT]["Region"] = "EMEA"
    # A time in the hour that the end of DST repeats: the earlier instant (EDT) is meant.
    by_id["CON-0007"]["LastModified"] = "11/02/2025 01:30"
    return contacts


def make_deals(rng, accounts, contacts):
    bad_contacts = {BAD_EMAIL_CONTACT, ORPHAN_CONTACT, WRONG_COLUMNS_CONTACT}
    by_account = {}
    for c in contacts:
        if c["ContactId"] not in bad_contacts:
            by_account.setdefault(c["AccountId"], []).append(c["ContactId"])
    good_accounts = [a for a in accounts if a["Id"] != BAD_DATE_ACCOUNT and a["Id"] in by_account]
    deals = []
    for i in range(1, 121):
        acc = rng.choice(good_accounts)
        if "DEAL-%04d" % i == DEPENDENT_DEAL:
            acc = next(a for a in accounts if a["Id"] == BAD_DATE_ACCOUNT)
        stage, probability = rng.choice(STAGES)
        created = local_time(rng, 2024)
        close = later(rng, created)
        team = rng.sample(REPS, rng.randint(0, 3))
        ids = by_account.get(acc["Id"], [])
        deal = {
            "DealId": "DEAL-%04d" % i,
            "AccountId": acc["Id"],
            "DealName": acc["Name"].strip() + " - " + rng.choice(["Renewal", "Expansion", "New Business",
                                                                     "Pilot", "Upsell", "Platform Migration"]),
            "Stage": stage,
            "Amount": money(rng, 5_000, 750_000),
            "Probability": str(probability),
            "CloseDate": "%02d/%02d/%04d" % (close[1], close[2], close[0]),
            "Owner": rep_email(rng, rng.choice(REPS)),
            "Team": ";".join(rep_email(rng, r) for r in team),
            "ContactIds": ";".join(rng.sample(ids, min(len(ids), rng.randint(1, 3)))),
            "NextStep": rng.choice(NEXT_STEPS) if not stage.startswith("Closed") else "",
            "Description": "",
            "CreatedDate": fmt_time(created),
            "LastModified": fmt_time(later(rng, created)),
        }
        if rng.random() < 0.2:
            deal["Description"] = ("Budget approved, pending legal review.\nDecision maker: " +
                                   rng.choice(FIRST) + ", " + rng.choice(TITLES) + ".")
        deals.append(deal)
    next(d for d in deals if d["DealId"] == BAD_STAGE_DEAL)["Stage"] = "Negotiation"
    return deals


def make_leads(rng):
    leads = []
    for i in range(1, 81):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = rng.choice(ADJECTIVES) + " " + rng.choice(["Studio", "Partners", "Robotics", "Clinic", "Outfitters",
                                                              "Consulting", "Brewing", "Media"])
        lead = {
            "LeadId": "LEAD-%04d" % i,
            "FirstName": first,
            "LastName": last,
            "Company": company,
            "Email": (first + "." + last).replace("'", "") + "@" + company.lower().replace(" ", "") + ".example",
            "Title": rng.choice(TITLES),
            "Phone": phone(rng, "NA") if rng.random() < 0.6 else "",
            "Owner": rep_email(rng, rng.choice(REPS)),
            "Event": rng.choice(EVENTS),
            "LastModified": fmt_time(later(rng, (2025, 1, 1, 7, 0))),
            "File": "web" if i <= 50 else "events",
        }
        leads.append(lead)
    nameless = next(l for l in leads if l["LeadId"] == NAMELESS_LEAD)
    nameless["FirstName"] = nameless["LastName"] = ""
    dup = dict(next(l for l in leads if l["LeadId"] == DUPLICATE_LEAD))
    dup["LastModified"] = "11/18/2025 09:10"
    original = next(l for l in leads if l["LeadId"] == DUPLICATE_LEAD)
    original["LastModified"] = "10/02/2025 16:20"  # older: reported as the duplicate
    dup["Phone"] = "(646) 555-0142"
    dup["File"] = "events"
    return leads, dup


README_HEAD = """# The zra-sync demo

`zra-sync demo` (and `make demo`) runs this configuration against the embedded sandbox: `sync.yaml`
(`zra.target: sandbox`, no credentials), the mappings in `mappings/`, and the CSV exports in `data/`.
State goes to `.zra-sync/` and reports to `reports/`, both beside `sync.yaml` (the demo command may
point them elsewhere).

The data is generated by `generate.py` (fixed seed; this README is generated too, so the line numbers
below always match). To change the data, edit the script and run `python3 generate.py`; a test checks
that the committed files are what the script produces.

## Files

| file | rows | what is messy about it |
| --- | --- | --- |
"""

README_TAIL = """
Also planted, and valid: stray spaces around a name (`ACC-0005`, trimmed), contacts without a first name
(the `{FirstName} {LastName}` template gives just the last name), and `CON-0007` modified at
`11/02/2025 01:30`, a New York time that the end of daylight saving time repeats: the earlier instant
(`2025-11-02T05:30:00Z`) is meant.

## Expected outcome

| type | rows read | confirmed | failed |
| --- | --- | --- | --- |
{outcome}
The run exits with code 1 (finished, some records failed) and the report's `errors.csv` lists exactly
the rows above. Deal stages are registered as Prospecting, Qualification, Proposal (OPEN), Closed Won
(CLOSED_WON) and Closed Lost (CLOSED_LOST); the export's labels `prospecting`, `Proposal/Price Quote`,
`Closed - Won` and `Closed - Lost` are translated by the `map` in `mappings/deals.yaml`.
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    out = parser.parse_args().out
    os.makedirs(os.path.join(out, "data"), exist_ok=True)

    rng = random.Random(SEED)
    accounts = make_accounts(rng)
    contacts = make_contacts(rng, accounts)
    deals = make_deals(rng, accounts, contacts)
    leads, duplicate = make_leads(rng)

    f_acc = CsvFile("accounts.csv", ["Id", "Name", "Domain", "Industry", "Type", "Employees", "AnnualRevenue",
                                     "Phone", "OwnerEmail", "CreatedDate", "LastModified"], bom=True)
    for a in accounts:
        f_acc.add(a, a["Id"])
    contact_cols = ["ContactId", "AccountId", "FirstName", "LastName", "Email", "Title", "Department",
                    "Phone", "Mobile", "OwnerEmail", "LastModified"]
    f_na = CsvFile("contacts_na.csv", contact_cols)
    # The EMEA export comes from another report: same columns, another order.
    f_emea = CsvFile("contacts_emea.csv", ["ContactId", "LastName", "FirstName", "Email", "AccountId", "Title",
                                           "Department", "Mobile", "Phone", "OwnerEmail", "LastModified"])
    for c in contacts:
        f = f_na if c["Region"] == "NA" else f_emea
        if c["ContactId"] == WRONG_COLUMNS_CONTACT:
            fields = [c.get(col, "") for col in f.header]
            fields.insert(5, "Senior")  # an unquoted comma in the title split it into two fields
            f.add_raw(fields, c["ContactId"])
        else:
            f.add(c, c["ContactId"])
    f_deals = CsvFile("deals.csv", ["DealId", "AccountId", "DealName", "Stage", "Amount", "Probability",
                                    "CloseDate", "Owner", "Team", "ContactIds", "NextStep", "Description",
                                    "CreatedDate", "LastModified"], crlf=True)
    for d in deals:
        f_deals.add(d, d["DealId"])
    lead_cols = ["LeadId", "FirstName", "LastName", "Company", "Email", "Title", "Phone", "Owner", "LastModified"]
    f_web = CsvFile("leads_web.csv", lead_cols)
    f_events = CsvFile("leads_events.csv", lead_cols[:-1] + ["Event", "LastModified"], delimiter=";")
    for lead in leads:
        (f_web if lead["File"] == "web" else f_events).add(lead, lead["LeadId"])
    f_events.add(duplicate, duplicate["LeadId"] + "#dup")

    files = [f_acc, f_na, f_emea, f_deals, f_web, f_events]
    for f in files:
        f.save(os.path.join(out, "data"))

    def where(key):
        f = next(f for f in files if key in f.lines)
        return "`data/%s:%d`" % (f.name, f.lines[key][0])

    bad_rows = [
        (where(BAD_DATE_ACCOUNT), "account", BAD_DATE_ACCOUNT, "mapping", "modify_time",
         "LastModified `13/45/2025 10:00` does not parse with `%m/%d/%Y %H:%M`"),
        (where(DEPENDENT_DEAL), "deal", DEPENDENT_DEAL, "dependency", "crm_account_id",
         "not sent: its account `%s` failed in this run (mapping)" % BAD_DATE_ACCOUNT),
        (where(BAD_STAGE_DEAL), "deal", BAD_STAGE_DEAL, "validation", "stage",
         "`Negotiation` is not one of the registered deal stages (and not in the `map`)"),
        (where(BAD_EMAIL_CONTACT), "contact", BAD_EMAIL_CONTACT,
         "mapping", "contact_email", "`%s` is not a valid email address"
         % next(c["Email"] for c in contacts if c["ContactId"] == BAD_EMAIL_CONTACT)),
        (where(ORPHAN_CONTACT), "contact", ORPHAN_CONTACT, "remote", "crm_account_id",
         "ZRA rejects it when the task runs: account `ACC-0999` does not exist"),
        (where(WRONG_COLUMNS_CONTACT), "contact", "- (%s in the row)" % WRONG_COLUMNS_CONTACT, "source", "",
         "12 fields where the header has 11 (an unquoted comma in the title); the file goes on"),
        (where(NAMELESS_LEAD), "lead", NAMELESS_LEAD, "validation", "lead_name",
         "required field missing: no first or last name, so the template gives nothing"),
        (where(DUPLICATE_LEAD), "lead", DUPLICATE_LEAD, "validation", "crm_lead_id",
         "duplicate crm_lead_id: superseded by %s, whose LastModified (11/18/2025) is newer than this "
         "row's (10/02/2025)" % where(DUPLICATE_LEAD + "#dup")),
    ]

    messy = {
        "accounts.csv": "UTF-8 BOM; quoted names with commas; revenue with thousands separators; mixed-case owner emails",
        "contacts_na.csv": "mixed-case emails; titles with commas (quoted); names with accents and apostrophes",
        "contacts_emea.csv": "same columns as contacts_na.csv in another order; one row with a column too many",
        "deals.csv": "CRLF line ends; stage labels needing a `map`; `;`-separated team emails and contact ids; "
                     "quoted multi-line descriptions",
        "leads_web.csv": "plain",
        "leads_events.csv": "`;` as the delimiter; an extra column (Event) the mapping ignores",
    }
    lines = [README_HEAD]
    for f in files:
        lines.append("| `data/%s` | %d | %s |\n" % (f.name, f.rows(), messy[f.name]))
    lines.append("\n## The planted bad rows\n\n")
    lines.append("Line numbers count physical lines from 1 (the header), as the CSV plugin's locators do.\n\n")
    lines.append("| where | type | crm id | phase | field | expected error |\n| --- | --- | --- | --- | --- | --- |\n")
    for row in bad_rows:
        lines.append("| %s | %s | %s | %s | %s | %s |\n" % tuple(x if x else "-" for x in row))

    failed = {"account": 1, "contact": 3, "deal": 2, "lead": 2}
    read = {"account": f_acc.rows(), "contact": f_na.rows() + f_emea.rows(), "deal": f_deals.rows(),
            "lead": f_web.rows() + f_events.rows()}
    outcome = "".join("| %s | %d | %d | %d |\n" % (t, read[t], read[t] - failed[t], failed[t])
                      for t in ["account", "contact", "deal", "lead"])
    lines.append(README_TAIL.replace("{outcome}", outcome))
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(lines))


if __name__ == "__main__":
    main()
