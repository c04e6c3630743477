#!/usr/bin/env python3
"""`make demo` and `zra-sync run` on a terminal show the live progress line and the final summary; with
--no-progress, or when stderr is not a terminal, no progress line at all.

The terminal is a pseudo-terminal from util-linux `script -q -c CMD /dev/null` (package bsdutils, always
installed on Debian). Environment: ZRA_SOURCE_DIR, ZRA_SYNC_EXE (the built zra-sync).
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

SRC = os.path.abspath(os.environ.get("ZRA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "..")))
EXE = os.path.abspath(os.environ.get("ZRA_SYNC_EXE", os.path.join(SRC, "build", "bin", "zra-sync")))
# A redraw of the progress line: carriage return, the per-type counts, the rate and the ETA.
PROGRESS = re.compile(r"\raccount read \d+ sent \d+ ok \d+ fail \d+ \| .* \| [\d.]+ rec/s \| ETA \S+")
SUMMARY_HEADER = re.compile(r"^type +read +sent +confirmed +rejected +unchanged +not sent +import calls\r?$", re.M)
INFO_LOG_LINE = re.compile(r"^\S*\d{4}-\d\d-\d\dT\S+Z info ", re.M)


def on_terminal(args, cwd):
    """Runs zra-sync with stdout and stderr on a pseudo-terminal; returns (exit code, what the terminal got)."""
    cmd = " ".join(shlex.quote(a) for a in [EXE] + args)
    r = subprocess.run(["script", "-q", "-e", "-c", cmd, "/dev/null"], cwd=cwd, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=180)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def piped(args, cwd):
    r = subprocess.run([EXE] + args, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, timeout=180)
    return r.returncode, r.stdout.decode("utf-8", "replace") + r.stderr.decode("utf-8", "replace")


@unittest.skipUnless(shutil.which("script"), "util-linux `script` is not installed (Debian package bsdutils)")
class ProgressOnATerminal(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="zra-progress-tty-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_make_demo_runs_the_demo_straight_on_the_terminal(self):
        # `make demo` ends with this recipe; nothing may pipe or redirect its output (no terminal then).
        with open(os.path.join(SRC, "Makefile"), encoding="utf-8") as f:
            recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", f.read(), re.M)
        self.assertIsNotNone(recipe, "Makefile has no demo target")
        self.assertRegex(recipe.group(1), r"^\t@?\./\$\(BUILD\)/bin/zra-sync demo\s*$")

    def test_demo_shows_the_progress_line_and_the_summary(self):
        code, out = on_terminal(["demo", "--fresh", "--dir", "demo"], self.tmp)
        self.assertEqual(code, 0, out)
        self.assertRegex(out, PROGRESS)
        self.assertRegex(out, SUMMARY_HEADER)
        self.assertRegex(out, r"\nlead +81 +79 +79 +0 +0 +2 +1\r?\n")
        self.assertIn("exit 1 (finished, some records failed); 8 failed record(s)", out)
        # Info log lines would break the progress line up: the demo hides them on a terminal.
        self.assertNotRegex(out, INFO_LOG_LINE)
        self.assertIn("--log-level info shows them", out)
        # The progress line ends before the summary starts (finish() ends the line).
        self.assertLess(out.rfind(" rec/s "), SUMMARY_HEADER.search(out).start())

    def test_demo_with_no_progress_or_without_a_terminal_shows_no_progress_line(self):
        code, out = on_terminal(["demo", "--fresh", "--dir", "demo", "--no-progress"], self.tmp)
        self.assertEqual(code, 0, out)
        self.assertNotIn("rec/s", out)
        self.assertRegex(out, SUMMARY_HEADER)
        self.assertRegex(out, INFO_LOG_LINE)  # without the progress line the log stays at info
        code, out = piped(["demo", "--fresh", "--dir", "demo"], self.tmp)
        self.assertEqual(code, 0, out)
        self.assertNotIn("rec/s", out)
        self.assertRegex(out, SUMMARY_HEADER)

    def test_run_shows_the_progress_line_on_a_terminal_only(self):
        shutil.copytree(os.path.join(SRC, "docs", "examples", "first-sync"), os.path.join(self.tmp, "fs"))
        cwd = os.path.join(self.tmp, "fs")
        self.assertEqual(piped(["crm", "register", "-c", "sync-sandbox.yaml"], cwd)[0], 0)
        code, out = on_terminal(["run", "-c", "sync-sandbox.yaml", "--full"], cwd)
        self.assertEqual(code, 1, out)  # the example's deal D-902 is invalid on purpose
        self.assertRegex(out, PROGRESS)
        self.assertRegex(out, SUMMARY_HEADER)
        for args in (["run", "-c", "sync-sandbox.yaml", "--full", "--no-progress"],):
            code, out = on_terminal(args, cwd)
            self.assertEqual(code, 1, out)
            self.assertNotIn("rec/s", out)
            self.assertRegex(out, SUMMARY_HEADER)
        code, out = piped(["run", "-c", "sync-sandbox.yaml", "--full"], cwd)
        self.assertEqual(code, 1, out)
        self.assertNotIn("rec/s", out)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + sys.argv[1:], verbosity=2)
