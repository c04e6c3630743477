#!/usr/bin/env python3
"""The figures of the rate-limit simulation (bench/ratelimit_sim.sh), one tab-separated line each:
figure, value, baseline, ratio, target, met?  docs/performance.md defines every figure and the bound.

The time bound is an ideal schedule of the same calls (simulate_bound): no local work, no HTTP time,
every task final exactly `task_delay` after it was sent and seen final at that instant, each import
sent the moment the client's limiter (20 per sliding 60 s at Business) and `max_in_flight` allow, a
type started the moment every task of the types it depends on is final (contacts after accounts,
deals after both), leads (no dependency) filling any slot the chain cannot use. It ends when the last
task is final. For 300 calls that leads can fill, that is 14 minutes plus one task delay.
"""
import argparse
import csv
import datetime
import json
import math
import os
import re
import sys

TYPES = ("account", "contact", "deal", "lead")
PLURAL = {"account": "accounts", "contact": "contacts", "deal": "deals", "lead": "leads"}
DEPENDS_ON = {"account": (), "contact": ("account",), "deal": ("account", "contact"), "lead": ()}


def simulate_bound(calls, capacity, window_s, max_in_flight, task_s):
    """Seconds from the first import call to the last task final, in the ideal schedule above."""
    remaining = dict(calls)
    running = []          # (final_at, type)
    sent = []             # call instants, for the sliding window
    t, last_final = 0.0, 0.0
    eps = 1e-9
    while any(remaining.values()) or running:
        for f, ty in [r for r in running if r[0] <= t + eps]:
            running.remove((f, ty))
            last_final = max(last_final, f)
        busy = {ty for _, ty in running}
        ready = [ty for ty in TYPES if remaining.get(ty)
                 and all(not remaining.get(d) and d not in busy for d in DEPENDS_ON[ty])]
        window_free = len(sent) < capacity or sent[-capacity] + window_s <= t + eps
        if ready and len(running) < max_in_flight and window_free:
            ty = ready[0]     # the chain first, leads fill: the scheduler's order
            remaining[ty] -= 1
            sent.append(t)
            running.append((t + task_s, ty))
            continue
        events = [f for f, _ in running]
        if ready and len(running) < max_in_flight and not window_free:
            events.append(sent[-capacity] + window_s)
        if not events:
            if not any(remaining.values()):
                break
            raise RuntimeError("bound simulation stuck (a type depends on one that is not sent)")
        t = max(t, min(events))
    return last_final


def parse_time(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()


def read_log(path):
    """(submits [(t, type, task_id)], finals {task_id: t}) from the run's JSON log."""
    submits, finals = [], {}
    with open(path, errors="replace") as f:
        for line in f:
            if not line.startswith("{"):
                continue
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("event") == "import.submitted":
                submits.append((parse_time(e["time"]), e.get("type"), e.get("task_id")))
            elif e.get("event") == "task.final":
                finals[e.get("task_id")] = parse_time(e["time"])
    submits.sort()
    return submits, finals


def attribute_slack(submits, finals, capacity, window_real, max_in_flight):
    """Real seconds by which imports went later than the limiter allowed, by cause."""
    out = {"dependencies": 0.0, "in-flight cap": 0.0, "other": 0.0}
    last_final_of = {}
    for t, ty, task in submits:
        last_final_of[ty] = max(last_final_of.get(ty, 0.0), finals.get(task, t))
    first_of = {}
    for t, ty, _ in submits:
        first_of.setdefault(ty, t)
    for k, (t, ty, _) in enumerate(submits):
        if k == 0:
            continue
        allowed = submits[k - capacity][0] + window_real if k >= capacity else submits[0][0]
        ready = max(allowed, submits[k - 1][0])
        slack = t - ready
        if slack <= 0:
            continue
        dep_done = max([last_final_of.get(d, 0.0) for d in DEPENDS_ON[ty]] or [0.0])
        if first_of[ty] == t and dep_done > ready:
            part = min(t, dep_done) - ready
            out["dependencies"] += part
            ready += part
            slack -= part
        in_flight = sorted(finals.get(task, 1e18) for (s, _, task) in submits[:k] if finals.get(task, 1e18) > ready)
        if len(in_flight) >= max_in_flight and slack > 0:
            part = min(slack, in_flight[len(in_flight) - max_in_flight] - ready)
            out["in-flight cap"] += max(0.0, part)
            slack -= max(0.0, part)
        out["other"] += max(0.0, slack)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--summary", required=True)
    p.add_argument("--data-dir", required=True)
    p.add_argument("--run-log", required=True)
    p.add_argument("--run-time", required=True, help="/usr/bin/time -v output of the sync")
    p.add_argument("--scale", type=float, required=True)
    p.add_argument("--batch", type=int, default=2000)
    p.add_argument("--per-min", type=int, default=20)
    p.add_argument("--max-in-flight", type=int, default=4)
    p.add_argument("--task-delay", type=float, default=0.5, help="sandbox task delay, server seconds")
    p.add_argument("--dry-state-cpu", type=float, required=True)
    p.add_argument("--dry-nostate-cpu", type=float, required=True)
    p.add_argument("--unchanged-calls", required=True)
    p.add_argument("--sandbox-state", help="the embedded sandbox's state file (sizes reported)")
    a = p.parse_args()

    s = json.load(open(a.summary))
    api = s.get("api_calls", {})
    calls = api.get("import_calls")
    per_type, records = {}, 0
    for t in TYPES:
        with open("%s/%s.csv" % (a.data_dir, PLURAL[t]), newline="") as f:
            rows = sum(1 for _ in csv.reader(f)) - 1
        per_type[t] = math.ceil(rows / a.batch)
        records += rows
    bound_calls = sum(per_type.values())
    bound_s = simulate_bound(per_type, a.per_min, 60.0, a.max_in_flight, a.task_delay)
    bound_min = bound_s / 60

    def row(*cells):
        print("\t".join(str(c) for c in cells))

    def vs_bound(name, minutes):
        ratio = minutes / bound_min if bound_min else 0
        row(name, "%.2f" % minutes, "bound %.2f" % bound_min, "%.3f" % ratio, "<=1.05", "yes" if ratio <= 1.05 else "NO")

    row("ratelimit: import calls", calls if calls is not None else "?", "bound %d" % bound_calls, "-", "= bound",
        "yes" if calls == bound_calls else "NO")
    real_s = float(s.get("duration_s", 0))
    vs_bound("ratelimit: simulated wall, min (whole run x%g)" % a.scale, real_s * a.scale / 60)
    submits, finals = read_log(a.run_log)
    if submits and finals:
        first, end = submits[0][0], max(finals.values())
        vs_bound("ratelimit: API phase, min (1st import..last final, x%g)" % a.scale, (end - first) * a.scale / 60)
        run_start = min(submits[0][0], end - real_s)
        local_s = max(0.0, first - run_start)
        # What the user waits: local work at its real speed, then the API phase at the limits' pace.
        vs_bound("ratelimit: wall, local work unscaled, min", (local_s + (end - first) * a.scale) / 60)
        row("ratelimit: local work before the 1st import, s", "%.1f" % local_s, "-", "-", "(info)", "-")
        slack = attribute_slack(submits, finals, a.per_min, 60.0 / a.scale, a.max_in_flight)
        row("ratelimit: import delays beyond the limiter, min", "%.2f" % (sum(slack.values()) * a.scale / 60),
            ", ".join("%s %.2f" % (k, v * a.scale / 60) for k, v in slack.items()), "-", "(info)", "-")
    else:
        row("ratelimit: API phase", "no import.submitted/task.final events in %s" % a.run_log, "-", "-", "-", "NO")
    light = api.get("by_label", {}).get("light", 0)
    row("ratelimit: LIGHT calls per import call", "%.2f" % (light / calls if calls else 0),
        "%d LIGHT / %d imports" % (light, calls or 0), "-", "<=2 (info)", "yes" if calls and light <= 2 * calls else "NO")
    row("ratelimit: 429 answers", api.get("rate_limited", "?"), "bound 0", "-", "= 0",
        "yes" if api.get("rate_limited") == 0 else "NO")
    row("ratelimit: import calls, rerun with nothing changed", a.unchanged_calls, "bound 0", "-", "= 0",
        "yes" if a.unchanged_calls == "0" else "NO")
    state_s = (a.dry_state_cpu - a.dry_nostate_cpu) * 1e6 / records
    row("state: unchanged-vs-changed, s per 1M (from %dk)" % (records // 1000), "%.2f" % state_s,
        "dry run %.1f / %.1f s" % (a.dry_state_cpu, a.dry_nostate_cpu), "-", "<1 s", "yes" if state_s < 1 else "NO")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(a.run_time).read())
    if rss:
        # The embedded sandbox keeps every imported record in the same process: not zra-sync's own memory.
        row("ratelimit: peak RSS MB, sync + embedded sandbox", "%.1f" % (int(rss.group(1)) / 1024), "-", "-",
            "(info)", "-")
    if a.sandbox_state:
        sizes = []
        for suffix in ("", ".journal"):
            try:
                sizes.append(os.path.getsize(a.sandbox_state + suffix) / 1e6)
            except OSError:
                sizes.append(0.0)
        row("ratelimit: sandbox state file MB (snapshot + journal)", "%.1f + %.1f" % tuple(sizes),
            "one rewrite per task before", "-", "(info)", "-")


if __name__ == "__main__":
    sys.exit(main())
