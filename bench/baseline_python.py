#!/usr/bin/env python3
"""The Python standard-library baseline of the local-pipeline benchmark (issue 7, target 3).

Does what `zra-sync run --dry-run` does with bench/configs/accounts_mapping.yaml, the way a careful
Python script would: reads the CSV with the csv module, maps every field with the same rules (text
trimmed and empty means absent; "1,250,000.50" numbers with thousands grouping checked; integers with
a default; "MM/DD/YYYY HH:MM" local times in America/New_York converted to UTC with zoneinfo, the earlier
instant when a DST change repeats the time and an error when it skips it; emails trimmed, lower-cased
and validated; the status column lower-cased and mapped), checks the required fields, and serializes
each valid record with json.dumps (compact, keys sorted like the engine's bodies).
It does less than the engine (no payload hash, no state, no duplicate check), so the ratio is, if
anything, flattering to Python.

Usage: baseline_python.py ACCOUNTS.csv     prints "rows=N valid=N invalid=N json_bytes=N" on stdout
"""
import csv
import json
import math
import re
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("America/New_York")
UTC = timezone.utc
LOCAL_FORMAT = "%m/%d/%Y %H:%M"
STATUS_MAP = {"customer - active": "Customer", "customer - churned": "Former Customer",
              "prospect - cold": "Prospect", "prospect - warm": "Prospect", "partner": "Partner",
              "n/a": None}
# docs/mapping.md, `number`: optional sign, integer part grouped by threes with ',', ' ' or U+00A0 (one
# separator kind per value) or ungrouped, optional fraction and exponent.
NUMBER_RE = re.compile(r"[+-]?(?:\d{1,3}(?:(?P<sep>[, \u00a0])\d{3})(?:(?P=sep)\d{3})*|\d+)(?:\.\d*)?"
                       r"(?:[eE][+-]?\d+)?\Z|[+-]?\.\d+(?:[eE][+-]?\d+)?\Z")
# core/schema/record_validator.cpp is_valid_email, as a regular expression.
EMAIL_LOCAL_BAD = re.compile(r'[\x00-\x20\x7f(),:;<>\[\]\\"@]')
EMAIL_DOMAIN_RE = re.compile(r"[A-Za-z0-9\-.\u0080-\U0010ffff]+\Z")


class MappingIssue(Exception):
    pass


def text(value):
    """Trimmed text, or None when empty (empty means absent)."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def parse_number(raw):
    if not NUMBER_RE.match(raw):
        raise MappingIssue("cannot parse '%s' as a number" % raw)
    value = float(re.sub(r"[, \u00a0]", "", raw))
    if math.isinf(value) or math.isnan(value):
        raise MappingIssue("'%s' is out of range" % raw)
    return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value


def parse_integer(raw):
    value = parse_number(raw)
    if not isinstance(value, int):
        raise MappingIssue("'%s' is not a whole number" % raw)
    if not -2 ** 63 <= value < 2 ** 63:
        raise MappingIssue("'%s' is out of range" % raw)
    return value


def parse_local_datetime(raw):
    try:
        local = datetime.strptime(raw, LOCAL_FORMAT)
    except ValueError:
        raise MappingIssue("cannot parse '%s' as a date-time with format '%s'" % (raw, LOCAL_FORMAT))
    aware = local.replace(tzinfo=ZONE, fold=0)  # fold=0: the earlier of two repeated instants
    utc = aware.astimezone(UTC)
    if utc.astimezone(ZONE).replace(tzinfo=None) != local:  # the wall time does not exist: a DST gap
        raise MappingIssue("'%s' does not exist in America/New_York (DST gap)" % local.isoformat(" "))
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def is_valid_email(s):
    if len(s) > 254 or s.count("@") != 1:
        return False
    local, domain = s.split("@")
    if not local or len(local) > 64 or local[0] == "." or local[-1] == "." or EMAIL_LOCAL_BAD.search(local):
        return False
    if "." not in domain or domain[0] == "." or domain[-1] == "." or ".." in domain:
        return False
    return bool(EMAIL_DOMAIN_RE.match(domain))


def map_row(row, col):
    """The record for one CSV row, or raises MappingIssue (the first problem is enough here)."""
    record = {}

    def put(field, value):
        if value is not None:
            record[field] = value

    put("crm_account_id", text(row[col["Id"]]))
    put("account_name", text(row[col["Name"]]))
    email = text(row[col["OwnerEmail"]])
    if email is not None:
        email = email.lower()
        if not is_valid_email(email):
            raise MappingIssue("'%s' is not a valid email address" % email)
        record["owner_email"] = email
    revenue = text(row[col["AnnualRevenue"]])
    put("annual_revenue", None if revenue is None else parse_number(revenue))
    employees = text(row[col["Employees"]])
    record["employees"] = 0 if employees is None else parse_integer(employees)
    modified = text(row[col["LastModified"]])
    put("modify_time", None if modified is None else parse_local_datetime(modified))
    created = text(row[col["Created"]])
    put("create_time", None if created is None else parse_local_datetime(created))
    put("industry", text(row[col["Industry"]]))
    put("phone", text(row[col["Phone"]]))
    put("domain", text(row[col["Website"]]))
    status = text(row[col["Status"]])
    if status is not None:
        status = status.lower()
        put("type", STATUS_MAP.get(status, status))
    for required in ("crm_account_id", "account_name", "modify_time"):
        if required not in record:
            raise MappingIssue("missing required field '%s'" % required)
    return record


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    rows = valid = invalid = json_bytes = 0
    with open(sys.argv[1], newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        col = {name: i for i, name in enumerate(header)}
        dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode
        for row in reader:
            rows += 1
            try:
                record = map_row(row, col)
            except MappingIssue:
                invalid += 1
                continue
            json_bytes += len(dumps(record))
            valid += 1
    print("rows=%d valid=%d invalid=%d json_bytes=%d" % (rows, valid, invalid, json_bytes))


if __name__ == "__main__":
    main()
