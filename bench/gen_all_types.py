#!/usr/bin/env python3
"""Writes accounts, contacts, deals and leads for the rate-limit simulation (python3 standard library).

TOTAL records split evenly over the four types (accounts first get any remainder). Contacts name
existing accounts; deals name an existing account, one to three existing contacts and a stage from
bench/configs/ratelimit.yaml's registration, so every record is importable and the only cost is the
API's. Seeded and streamed (flat memory). Accounts reuse gen_accounts.py's rows with no bad rows.

Usage: gen_all_types.py TOTAL OUT_DIR [--seed S]            accounts.csv contacts.csv deals.csv leads.csv
       gen_all_types.py TOTAL OUT.db --sqlite [--seed S]    tables accounts, contacts, deals, leads
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_accounts  # noqa: E402  (the sibling script: account rows and the writers)

CONTACT_COLUMNS = ["Id", "AccountId", "FirstName", "LastName", "Email", "Title", "Phone", "LastModified"]
DEAL_COLUMNS = ["Id", "AccountId", "Name", "Owner", "Stage", "Amount", "CloseDate", "ContactIds",
                "LastModified"]
LEAD_COLUMNS = ["Id", "FirstName", "LastName", "Company", "Email", "Phone", "LastModified"]
# Source stage names; the mapping maps the "Closed - ..." ones to the registered names.
DEAL_STAGES = ["Prospecting", "Negotiation", "Closed - Won", "Closed - Lost"]
TITLES = ["CEO", "CTO", "VP Sales", "Buyer", "Engineer", "Head of IT", ""]


def person(rnd):
    return rnd.choice(gen_accounts.FIRST).title(), rnd.choice(gen_accounts.LAST).title()


def contact_rows(n, accounts, seed):
    rnd = random.Random(seed)
    for i in range(1, n + 1):
        first, last = person(rnd)
        yield ["C%08d" % i, "A%08d" % rnd.randint(1, accounts), first, last,
               "%s.%s%d@%s" % (first, last, i, rnd.choice(gen_accounts.DOMAINS)), rnd.choice(TITLES),
               "+1 555 %04d" % rnd.randint(0, 9999), gen_accounts.month_day_year_time(rnd)]


def deal_rows(n, accounts, contacts, seed):
    rnd = random.Random(seed)
    for i in range(1, n + 1):
        first, last = person(rnd)
        ids = ";".join("C%08d" % rnd.randint(1, contacts) for _ in range(rnd.randint(1, 3))) if contacts else ""
        yield ["D%08d" % i, "A%08d" % rnd.randint(1, accounts), "Deal %d, %s" % (i, rnd.choice(gen_accounts.NAME_WORDS)),
               "%s.%s@acme.example" % (first, last), rnd.choice(DEAL_STAGES), gen_accounts.revenue(rnd),
               "%02d/%02d/%04d" % (rnd.randint(1, 12), rnd.randint(1, 28), rnd.randint(2024, 2026)), ids,
               gen_accounts.month_day_year_time(rnd)]


def lead_rows(n, seed):
    rnd = random.Random(seed)
    for i in range(1, n + 1):
        first, last = person(rnd)
        yield ["L%08d" % i, first, last, "%s %s" % (rnd.choice(gen_accounts.NAME_WORDS), rnd.choice(gen_accounts.NAME_SUFFIXES)),
               "%s.%s%d@lead.example" % (first, last, i), "+1 555 %04d" % rnd.randint(0, 9999),
               gen_accounts.month_day_year_time(rnd)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("total", type=int)
    ap.add_argument("out", help="a directory for the four CSV files (with --sqlite: the database file)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--sqlite", action="store_true")
    args = ap.parse_args()
    if args.total < 4:
        sys.exit("gen_all_types.py: TOTAL must be at least 4, got %d" % args.total)
    quarter = args.total // 4
    n_accounts = args.total - 3 * quarter
    tables = [
        ("accounts", gen_accounts.COLUMNS, gen_accounts.account_rows(n_accounts, args.seed, bad_rate=0.0)),
        ("contacts", CONTACT_COLUMNS, contact_rows(quarter, n_accounts, args.seed + 1)),
        ("deals", DEAL_COLUMNS, deal_rows(quarter, n_accounts, quarter, args.seed + 2)),
        ("leads", LEAD_COLUMNS, lead_rows(quarter, args.seed + 3)),
    ]
    if not args.sqlite:
        os.makedirs(args.out, exist_ok=True)
    for table, columns, rows in tables:
        if args.sqlite:
            gen_accounts.write_sqlite(args.out, table, columns, rows)
        else:
            gen_accounts.write_csv(os.path.join(args.out, table + ".csv"), columns, rows)
    print("%s: %d accounts, %d contacts, %d deals, %d leads" % (args.out, n_accounts, quarter, quarter, quarter),
          file=sys.stderr)


if __name__ == "__main__":
    main()
