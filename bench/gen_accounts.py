#!/usr/bin/env python3
"""Writes a messy accounts CSV of N rows for the benchmarks (python3 standard library only).

Seeded, so the same N and seed give the same bytes; rows are streamed, so memory stays flat whatever N.
The messiness is what a real CRM export has:
  - ids with stray spaces, names with commas (so quoted) and now and then a doubled quote,
  - owner emails in mixed case with spaces around them,
  - revenues like "1,250,000.50" (thousands separators), plain "98000" or empty,
  - employees like "1,200", "35" or empty (the mapping defaults it to 0),
  - "MM/DD/YYYY HH:MM" local times in America/New_York over 2019-2025 (about 60% fall in DST),
  - a stage-like "Status" column in varying case that the mapping maps to the account type,
  - a free-text Notes column (unmapped) with commas, quotes and embedded newlines,
  - about 0.1% bad rows, one fault each: a number that does not parse, an invalid email, a local time
    that a DST change skips, an impossible date, or a missing account name.

Usage: gen_accounts.py ROWS OUT.csv [--seed S] [--bad-rate R]
       gen_accounts.py ROWS OUT.db --sqlite          (table `accounts`, empty text as NULL)
"""
import argparse
import csv
import os
import random
import sqlite3
import sys

COLUMNS = ["Id", "Name", "OwnerEmail", "AnnualRevenue", "Employees", "LastModified", "Created",
           "Industry", "Phone", "Website", "Status", "Notes"]

NAME_WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Tyrell", "Soylent",
              "Hooli", "Vandelay", "Cyberdyne", "Aperture", "Gringotts", "Oceanic", "Duff", "Monarch",
              "Nakatomi", "Massive", "Dynamic", "Blue", "North", "Pacific", "Summit", "Vertex"]
NAME_SUFFIXES = ["Inc.", "LLC", "Ltd.", "Corp.", "GmbH", "S.A.", "Group", "Holdings", "Partners", ""]
FIRST = ["ann", "bob", "carla", "dmitri", "eve", "farid", "grace", "hiro", "ines", "jon", "kemal",
         "lena", "marie", "nils", "olu", "priya", "quinn", "rosa", "sven", "tara"]
LAST = ["lee", "smith", "dubois", "okafor", "garcia", "tanaka", "muller", "rossi", "nguyen", "kowalski"]
INDUSTRIES = ["Software", "Manufacturing", "Retail", "Healthcare", "Finance", "Education", "Energy",
              "Logistics", "Media", ""]
# Stage-like source values (varying case on purpose); the mapping lower-cases then maps them.
STATUSES = ["Customer - Active", "CUSTOMER - ACTIVE", "customer - churned", "Prospect - Cold",
            "Prospect - Warm", "prospect - warm", "Partner", "n/a", ""]
NOTES = ["", "", "", "Renewal due, call \"Ann\" first", "Line one\nline two", "Prefers email, not phone",
         "Met at expo; follow up", "Budget: 10,000 USD"]
DOMAINS = ["example.com", "acme.example", "corp.example", "mail.example.org"]


def month_day_year_time(rnd):
    """A local wall time in America/New_York as "MM/DD/YYYY HH:MM", avoiding the DST gap hour."""
    year = rnd.randint(2019, 2025)
    month = rnd.randint(1, 12)
    day = rnd.randint(1, 28)
    hour = rnd.randint(0, 23)
    if month == 3 and 8 <= day <= 14 and hour == 2:  # the second Sunday of March may skip 02:xx
        hour = 3
    return "%02d/%02d/%04d %02d:%02d" % (month, day, year, hour, rnd.randint(0, 59))


def revenue(rnd):
    kind = rnd.random()
    if kind < 0.1:
        return ""
    value = rnd.randint(10_000, 900_000_000)
    if kind < 0.6:
        return "{:,}.{:02d}".format(value, rnd.randint(0, 99))
    if kind < 0.8:
        return "{:,}".format(value)
    return str(value)


def employees(rnd):
    kind = rnd.random()
    if kind < 0.15:
        return ""
    value = rnd.randint(1, 250_000)
    return "{:,}".format(value) if kind < 0.5 else str(value)


def good_row(rnd, i):
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    email = "%s.%s@%s" % (first, last, rnd.choice(DOMAINS))
    if rnd.random() < 0.5:
        email = email.title()  # Ann.Lee@Acme.Example
    if rnd.random() < 0.3:
        email = "  " + email + " "
    name = "%s %s" % (rnd.choice(NAME_WORDS), rnd.choice(NAME_WORDS))
    suffix = rnd.choice(NAME_SUFFIXES)
    if suffix:
        name += ", " + suffix  # a comma: the CSV writer quotes the field
    if rnd.random() < 0.02:
        name += ' "The Best"'  # a doubled quote inside a quoted field
    ident = "A%08d" % i
    if rnd.random() < 0.05:
        ident = " " + ident + " "
    created = month_day_year_time(rnd) if rnd.random() < 0.8 else ""
    phone = "+1 (%03d) %03d-%04d" % (rnd.randint(200, 999), rnd.randint(200, 999), rnd.randint(0, 9999))
    website = "www.%s%d.example" % (rnd.choice(NAME_WORDS).lower(), i % 1000)
    return [ident, name, email, revenue(rnd), employees(rnd), month_day_year_time(rnd), created,
            rnd.choice(INDUSTRIES), phone, website, rnd.choice(STATUSES), rnd.choice(NOTES)]


def spoil(rnd, row):
    """Gives a row exactly one fault the mapping or validation must report."""
    fault = rnd.randrange(5)
    if fault == 0:
        row[3] = "12abc"                  # annual_revenue: not a number
    elif fault == 1:
        row[2] = "jo@"                    # owner_email: invalid
    elif fault == 2:
        row[5] = "03/09/2025 02:30"       # modify_time: skipped by the DST change
    elif fault == 3:
        row[5] = "13/45/2024 10:00"       # modify_time: no such date
    else:
        row[1] = "   "                    # account_name: required, empty
    return row


def account_rows(rows, seed=42, bad_rate=0.001, start=1, stats=None):
    """Yields `rows` account rows (lists of text, in COLUMNS order); counts bad ones in stats["bad"]."""
    rnd = random.Random(seed)
    for i in range(start, start + rows):
        row = good_row(rnd, i)
        if rnd.random() < bad_rate:
            row = spoil(rnd, row)
            if stats is not None:
                stats["bad"] = stats.get("bad", 0) + 1
        yield row


def write_csv(path, columns, rows):
    """Streams `rows` to `path` as CSV; the file appears under its name only once complete."""
    tmp = path + ".part"  # a half-written file must never look like a cached one
    with open(tmp, "w", newline="", encoding="utf-8", buffering=1 << 20) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    os.replace(tmp, path)


def write_sqlite(path, table, columns, rows):
    """Streams `rows` into table `table` of the SQLite database `path` (replacing the table); empty
    text becomes NULL, as a database export would have it. All columns are TEXT, as the CSV is."""
    con = sqlite3.connect(path)
    try:
        con.execute('DROP TABLE IF EXISTS "%s"' % table)
        con.execute('CREATE TABLE "%s" (%s)' % (table, ", ".join('"%s" TEXT' % c for c in columns)))
        insert = 'INSERT INTO "%s" VALUES (%s)' % (table, ", ".join("?" * len(columns)))
        con.executemany(insert, ([v if v != "" else None for v in row] for row in rows))
        con.commit()
    finally:
        con.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rows", type=int)
    ap.add_argument("out", help="the CSV file to write (with --sqlite: the SQLite database)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--bad-rate", type=float, default=0.001)
    ap.add_argument("--sqlite", action="store_true", help="write table `accounts` of a SQLite database")
    args = ap.parse_args()
    if args.rows < 0:
        sys.exit("gen_accounts.py: ROWS must be >= 0, got %d" % args.rows)
    stats = {"bad": 0}
    rows = account_rows(args.rows, args.seed, args.bad_rate, stats=stats)
    if args.sqlite:
        write_sqlite(args.out, "accounts", COLUMNS, rows)
    else:
        write_csv(args.out, COLUMNS, rows)
    print("%s: %d rows (%d bad)" % (args.out, args.rows, stats["bad"]), file=sys.stderr)


if __name__ == "__main__":
    main()
