#!/usr/bin/env python3
"""Reads callgrind_annotate output on stdin and prints the top functions as "  12.3%  name".

Names are shortened for a table: the source file prefix is dropped, and long template arguments are
cut, so "???:nlohmann::json_abi_v3_11_2::basic_json<std::map, ...>::dump(...) [/usr/bin/x]" reads
"nlohmann::basic_json<...>::dump(...)". The exact names stay in the callgrind file for kcachegrind.

Usage: callgrind_annotate [--inclusive=yes] FILE | profile_top.py [--top N] [--max-pct P]
"""
import argparse
import re
import sys

LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.+?)\s*$")


def shorten(name, width=100):
    obj = re.search(r"\[([^\]]*)\]$", name)
    name = re.sub(r"\s+\[[^\]]*\]$", "", name)   # the object file
    if re.search(r":0x[0-9a-f]+$", name) and obj:  # a stripped symbol: say whose it is
        return "%s in %s" % (name.split(":")[-1], obj.group(1).rsplit("/", 1)[-1])
    name = re.sub(r"^[^:\s]*:(?!:)", "", name, count=1)  # "file.cpp:" or "???:"
    name = name.replace("json_abi_v3_11_2::", "").replace("std::__cxx11::", "std::")
    # Collapse nested template arguments: a<b<c>> -> a<...>
    out, depth = [], 0
    for ch in name:
        if ch == "<":
            if depth == 0:
                out.append("<...>")
            depth += 1
        elif ch == ">" and depth > 0:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    name = "".join(out)
    return name if len(name) <= width else name[: width - 3] + "..."


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--max-pct", type=float, default=101.0,
                    help="skip entries above this share (the call chain main -> ... in inclusive mode)")
    args = ap.parse_args()
    total_seen = False
    shown = 0
    for line in sys.stdin:
        if "PROGRAM TOTALS" in line:
            total_seen = True
            m = re.match(r"^\s*([\d,]+)", line)
            if m:
                print("  total: %s instructions" % m.group(1))
            continue
        if not total_seen:
            continue
        m = LINE.match(line)
        if not m:
            continue
        if float(m.group(2)) > args.max_pct:
            continue
        print("  %5.1f%%  %s" % (float(m.group(2)), shorten(m.group(3))))
        shown += 1
        if shown >= args.top:
            break
    if shown == 0:
        print("  (no functions found in the callgrind_annotate output)")


if __name__ == "__main__":
    main()
