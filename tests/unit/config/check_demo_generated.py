#!/usr/bin/env python3
"""Checks that the committed demo data is what generate.py produces (same bytes).

Usage: check_demo_generated.py DEMO_DIR
"""
import filecmp
import os
import subprocess
import sys
import tempfile


def main():
    demo = sys.argv[1]
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, os.path.join(demo, "generate.py"), "--out", out], check=True)
        generated = sorted(os.path.relpath(os.path.join(d, f), out) for d, _, fs in os.walk(out) for f in fs)
        committed = sorted(["README.md"] + [os.path.join("data", f) for f in os.listdir(os.path.join(demo, "data"))])
        problems = []
        if generated != committed:
            problems.append("files differ: generated %s, committed %s" % (generated, committed))
        for rel in generated:
            if rel in committed and not filecmp.cmp(os.path.join(out, rel), os.path.join(demo, rel), shallow=False):
                problems.append("%s differs from what generate.py writes (run: python3 %s)"
                                % (rel, os.path.join(demo, "generate.py")))
    for p in problems:
        print(p)
    print("%d generated files compared, %d problems" % (len(generated), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
