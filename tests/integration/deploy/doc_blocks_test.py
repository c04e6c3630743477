#!/usr/bin/env python3
"""Runs or checks every fenced code block of one Markdown file, so the docs cannot drift from the binary.

Usage: doc_blocks_test.py DOC.md        (a path relative to ZRA_SOURCE_DIR, e.g. docs/user-guide.md)
       doc_blocks_test.py --self-test   (the checker's own tests: it rejects what it must reject)
Environment: ZRA_SOURCE_DIR (the repository), ZRA_SYNC_EXE (the built zra-sync), CXX (for `compile`).

Every fenced block must follow a marker comment (blank lines may sit between the two):

  <!-- example: KIND key=value ... -->

KIND is one of:
  run       Runs the block's commands with bash, one after the other in one shell (so `cd` and `export`
            carry over), in a temporary directory, with the built zra-sync first on PATH, HOME in the
            temporary directory and no ZOOM_* variables. Keys:
              copy=PATH[,PATH]   repository paths copied into the temporary directory (same relative path)
              cwd=PATH           where the commands start, relative to the temporary directory
              exit=N,N,...       the exit code of each command (default: all 0)
              port=TEXT          TEXT (e.g. 9480 or PORT) is replaced by a free port, in the commands and
                                 in the copied files
              sandbox=1          a `zra-sync sandbox --port <port>` runs beside the block (must exit 0)
              background=N       command N is a server: started in the background, the next command runs
                                 once <port> answers; stopped with SIGTERM at the end, must exit 0
              replace=A=>B       A is replaced by B in the commands (may repeat)
              stdout-contains=T  some command printed T on stdout
  output    The block is what zra-sync prints or writes. In the block, "..." stands for any text within a
            line (run ids, timestamps, durations, task ids, paths); everything else must match exactly,
            line for line. Keys: cmd="zra-sync ..." (run in a fresh temporary directory, stdout compared;
            exit=N, default 0) or file=GLOB (each file matching GLOB in the temporary directory of the
            previous `run` block of the same page).
  excerpt   A part of of=PATH: for a .yaml file every key and value of the block is in that file; for any
            other file every line of the block is a line of that file.
  metrics   Every zra_sync_* series the block names is written to report.metrics_file by a run (the demo's).
  synopsis  Every --option the block names appears in the help text of cmd="zra-sync ... --help".
  compile   A C++ fragment that must compile as the body of main() after #include of include=HEADER;
            lines that are only "..." are left out.
  not-run   (reason) A block that cannot run here, e.g. `<!-- example: not-run (needs root and systemd) -->`.
            The reason is required.

For every block, whatever its kind, each repository path it names (deploy/..., docs/...) must exist.
"""
import glob
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

SRC = os.path.abspath(os.environ.get("ZRA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "..")))
EXE = os.environ.get("ZRA_SYNC_EXE", os.path.join(SRC, "build", "bin", "zra-sync"))
KINDS = ("run", "output", "excerpt", "metrics", "synopsis", "compile", "not-run")
MARKER = re.compile(r"^<!--\s*example:\s*(.*?)\s*-->\s*$")
FENCE = re.compile(r"^\s*```")
REPO_PATH = re.compile(r"(?<![\w/.-])((?:deploy|docs)/[\w.*/-]*[\w*])")


class DocError(AssertionError):
    pass


class Block:
    def __init__(self, doc, line, info, text, marker):
        self.doc, self.line, self.info, self.text, self.marker = doc, line, info, text, marker
        self.kind, self.keys, self.reason = None, {}, ""

    def where(self):
        return f"{self.doc}:{self.line}"


def parse_blocks(doc, text):
    """The fenced blocks of a page with their markers; raises DocError for a block with no or a bad marker."""
    blocks, lines = [], text.splitlines()
    i, marker, marker_line = 0, None, 0
    while i < len(lines):
        line = lines[i]
        m = MARKER.match(line.strip())
        if m:
            marker, marker_line = m.group(1), i + 1
        elif FENCE.match(line):
            info = line.strip()[3:].strip()
            start = i + 1
            body = []
            i += 1
            while i < len(lines) and not FENCE.match(lines[i]):
                body.append(lines[i])
                i += 1
            if i == len(lines):
                raise DocError(f"{doc}:{start}: the block is never closed")
            blocks.append(Block(doc, start, info, "\n".join(body) + "\n", marker))
            marker = None
        elif line.strip() and marker is not None:
            raise DocError(f"{doc}:{marker_line}: the example marker is not followed by a code block")
        i += 1
    for b in blocks:
        if b.marker is None:
            raise DocError(f"{b.where()}: no `<!-- example: ... -->` marker before this block: run it, check it "
                           f"or mark it `not-run (why)`")
        kind, _, rest = b.marker.partition(" ")
        if kind not in KINDS:
            raise DocError(f"{b.where()}: unknown example kind '{kind}' (one of {', '.join(KINDS)})")
        b.kind = kind
        if kind == "not-run":
            m = re.fullmatch(r"\((.+)\)", rest.strip())
            if not m or not m.group(1).strip():
                raise DocError(f"{b.where()}: `not-run` needs a reason in parentheses")
            b.reason = m.group(1)
            continue
        for item in shlex.split(rest):
            key, eq, value = item.partition("=")
            if not eq:
                raise DocError(f"{b.where()}: marker item '{item}' is not key=value")
            b.keys.setdefault(key, []).append(value)
    return blocks


def split_commands(script):
    """Shell text -> its commands (a newline ends a command unless it is escaped, quoted or inside $(...));
    comments dropped."""
    cmds, cur, quote, depth, i = [], "", None, 0, 0
    while i < len(script):
        c = script[i]
        if quote == "'":
            cur += c
            quote = None if c == "'" else quote
        elif c == "\\" and i + 1 < len(script):
            if script[i + 1] == "\n" and quote is None:
                cur += " "
            else:
                cur += c + script[i + 1]
            i += 1
        elif quote == '"':
            cur += c
            quote = None if c == '"' else quote
        elif c in "'\"":
            quote = c
            cur += c
        elif c == "#" and (not cur or cur[-1] in " \t\n;"):
            while i < len(script) and script[i] != "\n":
                i += 1
            continue
        elif c == "$" and script[i + 1:i + 2] == "(":
            depth += 1
            cur += "$("
            i += 1
        elif c == ")" and depth > 0:
            depth -= 1
            cur += c
        elif c == "\n" and depth == 0:
            if cur.strip():
                cmds.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    if quote or depth:
        raise DocError(f"unbalanced quote or $( in: {cur.strip()[:80]}")
    if cur.strip():
        cmds.append(cur.strip())
    return cmds


def line_matches(pattern, actual):
    regex = ".*".join(re.escape(part) for part in pattern.split("..."))
    return re.fullmatch(regex, actual) is not None


def compare_output(block, actual, what):
    want = [l.rstrip() for l in block.text.rstrip("\n").split("\n")]
    got = [l.rstrip() for l in actual.replace("\r\n", "\n").rstrip("\n").split("\n")]
    for n, (w, g) in enumerate(zip(want, got)):
        if not line_matches(w, g):
            raise DocError(f"{block.where()}: line {n + 1} of the block does not match {what}:\n"
                           f"  doc:    {w}\n  actual: {g}\nwhole output:\n{actual}")
    if len(want) != len(got):
        raise DocError(f"{block.where()}: the block has {len(want)} lines, {what} has {len(got)}:\n{actual}")


def yaml_part_of(part, whole, path="$"):
    if isinstance(part, dict):
        if not isinstance(whole, dict):
            raise DocError(f"{path}: a mapping in the excerpt, {type(whole).__name__} in the file")
        for k, v in part.items():
            if k not in whole:
                raise DocError(f"{path}.{k}: not in the file")
            yaml_part_of(v, whole[k], f"{path}.{k}")
    elif isinstance(part, list):
        if not isinstance(whole, list) or len(part) > len(whole):
            raise DocError(f"{path}: the excerpt's list is not in the file")
        for n, v in enumerate(part):
            yaml_part_of(v, whole[n], f"{path}[{n}]")
    elif part != whole:
        raise DocError(f"{path}: {part!r} in the excerpt, {whole!r} in the file")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds=15):
    end = time.time() + seconds
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def read_if_any(path):
    if not os.path.exists(path):
        return ""
    with open(path, errors="replace") as f:
        return f.read()


def test_env(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZOOM_")}
    env["PATH"] = os.path.dirname(os.path.abspath(EXE)) + os.pathsep + env.get("PATH", "")
    env["HOME"] = home
    return env


class Page:
    """Checks the blocks of one page in order; a `run` block's directory stays for the `output` after it."""

    def __init__(self, doc):
        self.doc = doc
        with open(os.path.join(SRC, doc), encoding="utf-8") as f:
            self.blocks = parse_blocks(doc, f.read())
        self.tmp = tempfile.mkdtemp(prefix="zra-doc-blocks-")
        self.last_run_dir = None

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def new_dir(self, name):
        d = os.path.join(self.tmp, f"{name}-{len(os.listdir(self.tmp))}")
        os.makedirs(d)
        return d

    def check_paths(self, b):
        for p in REPO_PATH.findall(b.text):
            if not glob.glob(os.path.join(SRC, p)):
                raise DocError(f"{b.where()}: names {p}, which is not in the repository")

    def check(self, b):
        self.check_paths(b)
        getattr(self, "check_" + b.kind.replace("-", "_"))(b)

    def key(self, b, name, default=None):
        return b.keys.get(name, [default])[-1]

    def check_not_run(self, b):
        pass

    def check_run(self, b):
        work = self.new_dir("run")
        self.last_run_dir = work
        port = str(free_port()) if self.key(b, "port") else None
        for rel in filter(None, (self.key(b, "copy", "") or "").split(",")):
            src, dst = os.path.join(SRC, rel), os.path.join(work, rel)
            shutil.copytree(src, dst) if os.path.isdir(src) else shutil.copy(src, dst)
            if port:
                for path in [dst] if os.path.isfile(dst) else glob.glob(os.path.join(dst, "**", "*"), recursive=True):
                    if os.path.isfile(path):
                        try:
                            with open(path, encoding="utf-8") as f:
                                content = f.read()
                        except UnicodeDecodeError:
                            continue
                        with open(path, "w", encoding="utf-8") as f:
                            f.write(content.replace(self.key(b, "port"), port))
        text = b.text
        if port:
            text = text.replace(self.key(b, "port"), port)
        for rule in b.keys.get("replace", []):
            old, arrow, new = rule.partition("=>")
            if not arrow:
                raise DocError(f"{b.where()}: replace={rule} is not A=>B")
            text = text.replace(old, new)
        cmds = split_commands(text)
        exits = [int(x) for x in self.key(b, "exit", ",".join("0" * len(cmds))).split(",")]
        if len(exits) != len(cmds):
            raise DocError(f"{b.where()}: exit= lists {len(exits)} codes for {len(cmds)} commands: {cmds}")
        background = int(self.key(b, "background", "0"))
        if background and not port:
            raise DocError(f"{b.where()}: background= needs port=")
        lines = ["set +e", f"cd {shlex.quote(os.path.join(work, self.key(b, 'cwd', '.')))}"]
        for n, cmd in enumerate(cmds, 1):
            out, err = shlex.quote(f"{work}/.out.{n}"), shlex.quote(f"{work}/.err.{n}")
            if n == background:
                lines += [f"{{ exec {cmd}\n}} >{out} 2>{err} &", "__bg=$!",
                          f"for __i in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null && break; "
                          f"sleep 0.1; done"]
            else:
                lines += [f"{{ {cmd}\n}} >{out} 2>{err} </dev/null", f"echo \"{n} $?\" >>{work}/.rcs"]
        if background:
            lines += ["kill -TERM $__bg", "wait $__bg", f"echo \"{background} $?\" >>{work}/.rcs"]
        sandbox = None
        env = test_env(work)
        if self.key(b, "sandbox"):
            if not port:
                raise DocError(f"{b.where()}: sandbox= needs port=")
            sandbox = subprocess.Popen([EXE, "sandbox", "--port", port], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, env=env)
            if not wait_for_port(int(port)):
                sandbox.kill()
                raise DocError(f"{b.where()}: the sandbox did not start on port {port}")
        try:
            subprocess.run(["bash", "-c", "\n".join(lines)], env=env, timeout=180, check=False)
        finally:
            if sandbox:
                sandbox.send_signal(signal.SIGTERM)
                if sandbox.wait(timeout=30) != 0:
                    raise DocError(f"{b.where()}: the sandbox beside the block exited {sandbox.returncode}")
        rcs = {}
        if os.path.exists(f"{work}/.rcs"):
            with open(f"{work}/.rcs") as f:
                for line in f:
                    n, rc = line.split()
                    rcs[int(n)] = int(rc)
        stdout_all = ""
        for n, cmd in enumerate(cmds, 1):
            out, err = (read_if_any(f"{work}/.{s}.{n}") for s in ("out", "err"))
            stdout_all += out
            if rcs.get(n) != exits[n - 1]:
                raise DocError(f"{b.where()}: command {n} `{cmd}` exited {rcs.get(n)}, expected {exits[n - 1]}\n"
                               f"stdout:\n{out}\nstderr:\n{err}")
        want = self.key(b, "stdout-contains")
        if want is not None and want not in stdout_all:
            raise DocError(f"{b.where()}: no command printed {want!r}:\n{stdout_all}")

    def check_output(self, b):
        if self.key(b, "cmd"):
            work = self.new_dir("output")
            r = subprocess.run(["bash", "-c", self.key(b, "cmd")], cwd=work, env=test_env(work), timeout=180,
                               capture_output=True, text=True)
            if r.returncode != int(self.key(b, "exit", "0")):
                raise DocError(f"{b.where()}: `{self.key(b, 'cmd')}` exited {r.returncode}\n{r.stdout}\n{r.stderr}")
            compare_output(b, r.stdout, f"the output of `{self.key(b, 'cmd')}`")
        elif self.key(b, "file"):
            if self.last_run_dir is None:
                raise DocError(f"{b.where()}: file= needs a `run` block before it on the page")
            files = sorted(glob.glob(os.path.join(self.last_run_dir, self.key(b, "file"))))
            if not files:
                raise DocError(f"{b.where()}: the run before it wrote no {self.key(b, 'file')}")
            for path in files:
                with open(path, encoding="utf-8") as f:
                    compare_output(b, f.read(), os.path.relpath(path, self.last_run_dir))
        else:
            raise DocError(f"{b.where()}: `output` needs cmd= or file=")

    def check_excerpt(self, b):
        of = self.key(b, "of")
        if not of:
            raise DocError(f"{b.where()}: `excerpt` needs of=PATH")
        with open(os.path.join(SRC, of), encoding="utf-8") as f:
            text = f.read()
        if of.endswith((".yaml", ".yml")):
            import yaml  # python3-yaml, as deploy_files_test.py
            try:
                yaml_part_of(yaml.safe_load(b.text), yaml.safe_load(text))
            except DocError as e:
                raise DocError(f"{b.where()}: not a part of {of}: {e}")
            return
        lines = set(l.rstrip() for l in text.splitlines())
        missing = [l for l in b.text.splitlines() if l.strip() and l.rstrip() not in lines]
        if missing:
            raise DocError(f"{b.where()}: lines not in {of}: {missing}")

    def check_metrics(self, b):
        work = self.new_dir("metrics")
        r = subprocess.run([EXE, "demo", "--dir", work, "--no-progress"], cwd=work, env=test_env(work), timeout=180,
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise DocError(f"{b.where()}: zra-sync demo exited {r.returncode}\n{r.stdout}\n{r.stderr}")
        with open(os.path.join(work, "zra-sync.prom"), encoding="utf-8") as f:
            written = set(re.findall(r"^(zra_sync_\w+)[{ ]", f.read(), re.M))
        named = set(re.findall(r"\b(zra_sync_\w+)", b.text))
        if not named:
            raise DocError(f"{b.where()}: a `metrics` block that names no zra_sync_* series")
        missing = sorted(named - written)
        if missing:
            raise DocError(f"{b.where()}: not in the metrics file: {missing}; it has {sorted(written)}")

    def check_synopsis(self, b):
        cmd = self.key(b, "cmd")
        if not cmd:
            raise DocError(f"{b.where()}: `synopsis` needs cmd=")
        r = subprocess.run(["bash", "-c", cmd], env=test_env(self.tmp), timeout=60, capture_output=True, text=True)
        if r.returncode != 0:
            raise DocError(f"{b.where()}: `{cmd}` exited {r.returncode}\n{r.stderr}")
        missing = [o for o in re.findall(r"(--[a-z][a-z0-9-]*)", b.text) if o not in r.stdout]
        if missing:
            raise DocError(f"{b.where()}: {missing} not in the help of `{cmd}`:\n{r.stdout}")

    def check_compile(self, b):
        header = self.key(b, "include")
        if not header:
            raise DocError(f"{b.where()}: `compile` needs include=HEADER")
        body = "\n".join(l for l in b.text.splitlines() if l.strip() != "...")
        source = f'#include "{header}"\nint main() {{\n{body}\n}}\n'
        cxx = os.environ.get("CXX") or "c++"
        r = subprocess.run([cxx, "-std=c++17", "-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-I", SRC, "-x", "c++",
                            "-"], input=source, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise DocError(f"{b.where()}: the fragment does not compile:\n{source}\n{r.stderr}")


def run_page(doc):
    page = Page(doc)
    failures = []
    try:
        for b in page.blocks:
            try:
                page.check(b)
                print(f"ok   {b.where()} {b.kind}" + (f" ({b.reason})" if b.reason else ""))
            except DocError as e:
                failures.append(str(e))
                print(f"FAIL {b.where()} {b.kind}")
    finally:
        page.close()
    for f in failures:
        print("\n" + f, file=sys.stderr)
    print(f"{doc}: {len(page.blocks)} blocks, {len(failures)} failed")
    return 1 if failures else 0


class SelfTest(unittest.TestCase):
    """The checker must reject what it is there to reject."""

    def test_a_block_without_a_marker_fails(self):
        with self.assertRaisesRegex(DocError, "x.md:2: no `<!-- example"):
            parse_blocks("x.md", "text\n```sh\nls\n```\n")

    def test_not_run_needs_a_reason_and_markers_need_a_block(self):
        with self.assertRaisesRegex(DocError, "needs a reason"):
            parse_blocks("x.md", "<!-- example: not-run -->\n```\nls\n```\n")
        with self.assertRaisesRegex(DocError, "not followed by a code block"):
            parse_blocks("x.md", "<!-- example: not-run (x) -->\nprose\n```\nls\n```\n")
        with self.assertRaisesRegex(DocError, "unknown example kind 'runn'"):
            parse_blocks("x.md", "<!-- example: runn -->\n```\nls\n```\n")

    def test_commands_split_on_unquoted_newlines_only(self):
        self.assertEqual(split_commands("a 1 \\\n  2   # c\nb '{\n}' \"x#y\"\nc=$(d \"e\nf\")\n\n# only\n"),
                         ["a 1    2", "b '{\n}' \"x#y\"", "c=$(d \"e\nf\")"])
        with self.assertRaises(DocError):
            split_commands("echo 'open\n")

    def test_output_placeholder_matches_within_a_line_only(self):
        b = Block("x.md", 1, "", "run ... took ...s\nexit 0\n", "output")
        compare_output(b, "run 2025-1 took 3.2s\nexit 0\n", "out")
        with self.assertRaisesRegex(DocError, "line 2"):
            compare_output(b, "run 2025-1 took 3.2s\nexit 1\n", "out")
        with self.assertRaisesRegex(DocError, "2 lines, out has 3"):
            compare_output(b, "run a took bs\nexit 0\nmore\n", "out")

    def test_excerpt_must_be_part_of_the_file(self):
        yaml_part_of({"zra": {"plan": "pro"}}, {"zra": {"plan": "pro", "x": 1}})
        with self.assertRaisesRegex(DocError, r"\$.zra.plan: 'pro' in the excerpt, 'business'"):
            yaml_part_of({"zra": {"plan": "pro"}}, {"zra": {"plan": "business"}})
        with self.assertRaisesRegex(DocError, r"\$.zra.auth: not in the file"):
            yaml_part_of({"zra": {"auth": {}}}, {"zra": {}})

    def test_a_run_block_fails_on_an_unexpected_exit_code_and_a_missing_path(self):
        page = Page.__new__(Page)
        page.doc, page.tmp, page.last_run_dir = "x.md", tempfile.mkdtemp(prefix="zra-doc-self-"), None
        try:
            ok = parse_blocks("x.md", "<!-- example: run exit=0,3 -->\n```sh\ntrue\nexit_3() { return 3; }; exit_3\n```\n")
            page.check(ok[0])
            bad = parse_blocks("x.md", "<!-- example: run -->\n```sh\necho hi\nfalse\n```\n")
            with self.assertRaisesRegex(DocError, "command 2 `false` exited 1, expected 0"):
                page.check(bad[0])
            missing = parse_blocks("x.md", "<!-- example: not-run (x) -->\n```\ncat deploy/no-such-file\n```\n")
            with self.assertRaisesRegex(DocError, "names deploy/no-such-file"):
                page.check(missing[0])
        finally:
            page.close()


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--self-test":
        unittest.main(argv=[sys.argv[0]], verbosity=2)
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(run_page(sys.argv[1]))
