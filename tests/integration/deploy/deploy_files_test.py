#!/usr/bin/env python3
"""Checks the deployment files of deploy/ for what running unattended needs.

Run one group:  deploy_files_test.py Dockerfile|SystemdUnits|Kubernetes|CronExample|DeployReadme
Environment: ZRA_SOURCE_DIR (the repository), ZRA_SYNC_EXE (a built zra-sync, optional: the systemd
units are verified with ExecStart pointing at it, or at a stub when it is not built).
Needs python3-yaml (Kubernetes) and systemd's systemd-analyze (SystemdUnits; without it the units
are checked by parsing only, and the test says so).
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

SRC = os.environ.get("ZRA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DEPLOY = os.path.join(SRC, "deploy")
STEPS = os.path.join(DEPLOY, "docker-build-steps.sh")
IMAGE_UID = 10001


def read(*parts):
    with open(os.path.join(DEPLOY, *parts), encoding="utf-8") as f:
        return f.read()


def script_packages(kind):
    out = subprocess.run(["bash", STEPS, "packages", kind], check=True, capture_output=True, text=True).stdout
    return out.split()


def parse_unit(text):
    """systemd unit file -> {section: {key: [values...]}} (keys may repeat)."""
    sections, current = {}, None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        if current is None or "=" not in line:
            raise AssertionError(f"line {n} is outside a section or has no '=': {raw!r}")
        key, value = line.split("=", 1)
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


class Dockerfile(unittest.TestCase):
    def setUp(self):
        self.lines = [l.strip() for l in read("Dockerfile").splitlines() if l.strip() and not l.startswith("#")]
        # Join continuation lines.
        joined, buf = [], ""
        for l in self.lines:
            buf += l[:-1] + " " if l.endswith("\\") else l
            if not l.endswith("\\"):
                joined.append(buf)
                buf = ""
        self.instructions = [(l.split(None, 1)[0].upper(), l.split(None, 1)[1] if " " in l else "") for l in joined]
        stages, cur = [], None
        for ins, arg in self.instructions:
            if ins == "FROM":
                cur = {"from": arg, "ins": []}
                stages.append(cur)
            elif cur is not None:
                cur["ins"].append((ins, arg))
        self.stages = stages

    def test_two_stages_on_debian_12_slim(self):
        self.assertIn(("ARG", "DEBIAN_IMAGE=debian:bookworm-slim"), self.instructions)
        self.assertEqual([s["from"] for s in self.stages], ["${DEBIAN_IMAGE} AS build", "${DEBIAN_IMAGE}"])

    def run_steps(self, stage):
        steps = []
        for ins, arg in stage["ins"]:
            if ins == "RUN":
                for part in arg.split("&&"):
                    words = shlex.split(part)
                    if words == ["rm", "/usr/local/sbin/docker-build-steps"]:
                        continue  # the script itself does not stay in the image
                    self.assertEqual(words[0], "docker-build-steps",
                                     f"RUN step not in deploy/docker-build-steps.sh (CI could not run it): {part}")
                    steps.append(words[1:])
        return steps

    def test_every_run_step_is_a_step_of_the_ci_script(self):
        self.assertEqual(self.run_steps(self.stages[0]),
                         [["build-deps"], ["build", "/src", "/build"], ["install", "/build", "/usr/local", "/staging"]])
        self.assertEqual([s[0] for s in self.run_steps(self.stages[1])], ["runtime-deps", "create-user", "check-runtime"])
        script = open(STEPS, encoding="utf-8").read()
        self.assertIn("-DZRA_BUILD_TESTS=OFF -DZRA_BUILD_BENCH=OFF", script)
        self.assertIn("cmake --install", script)

    def test_final_stage_has_only_runtime_packages_and_the_built_files(self):
        runtime = script_packages("runtime")
        self.assertTrue(runtime)
        for p in runtime:
            self.assertFalse(p.endswith("-dev") or p in ("build-essential", "cmake", "pkg-config", "g++", "gcc"),
                             f"build package {p} in the runtime list")
        for required in ("libcpprest2.10", "libyaml-cpp0.7", "libsqlite3-0", "libodbc2", "libsqliteodbc",
                         "odbc-postgresql", "libdate-tz3", "libssl3", "ca-certificates",
                         "tzdata"):
            self.assertIn(required, runtime)
        copies = [a for i, a in self.stages[1]["ins"] if i == "COPY"]
        self.assertIn("--from=build /staging/ /", copies)
        self.assertNotIn(("COPY", ". /src"), self.stages[1]["ins"])

    def test_non_root_user_volumes_entrypoint_and_cmd(self):
        final = dict(self.stages[1]["ins"])
        self.assertEqual(final["USER"], f"{IMAGE_UID}:{IMAGE_UID}")
        self.assertEqual(json.loads(final["VOLUME"]), ["/config", "/state"])
        self.assertEqual(json.loads(final["ENTRYPOINT"]), ["zra-sync"])
        self.assertEqual(json.loads(final["CMD"]), ["run", "-c", "/config/sync.yaml"])
        self.assertIn(f'ZRA_UID={IMAGE_UID}', open(STEPS, encoding="utf-8").read())

    def test_build_context_ignores_build_trees(self):
        ignored = read("Dockerfile.dockerignore").split()
        for p in (".git", "build", "build-*"):
            self.assertIn(p, ignored)


class SystemdUnits(unittest.TestCase):
    def setUp(self):
        self.service = parse_unit(read("systemd", "zra-sync.service"))
        self.timer = parse_unit(read("systemd", "zra-sync.timer"))

    def test_service_is_a_hardened_oneshot(self):
        s = self.service["Service"]
        expect = {
            "Type": "oneshot", "User": "zra-sync", "StateDirectory": "zra-sync", "ProtectSystem": "strict",
            "ProtectHome": "yes", "PrivateTmp": "yes", "NoNewPrivileges": "yes",
            "EnvironmentFile": "-/etc/zra-sync/env", "SuccessExitStatus": "1",
            "ExecStart": "/usr/bin/zra-sync run -c /etc/zra-sync/sync.yaml --no-progress --log-format json",
        }
        for key, value in expect.items():
            self.assertEqual(s.get(key), [value], key)
        # Exit 2, 3 and 130 must stay failures (alerts); only 1 (records failed) is success.
        self.assertNotIn("Restart", s)

    def test_timer_is_nightly_persistent_and_randomized(self):
        t = self.timer["Timer"]
        self.assertEqual(t["OnCalendar"], ["*-*-* 02:15:00"])
        self.assertEqual(t["Persistent"], ["true"])
        self.assertIn("RandomizedDelaySec", t)
        self.assertEqual(t["Unit"], ["zra-sync.service"])
        self.assertEqual(self.timer["Install"]["WantedBy"], ["timers.target"])

    def test_systemd_analyze_verify(self):
        analyze = shutil.which("systemd-analyze")
        if analyze is None:
            print("systemd-analyze is not installed (Debian package: systemd): the units were checked by "
                  "parsing only (the other SystemdUnits tests)")
            self.skipTest("systemd-analyze not installed")
        with tempfile.TemporaryDirectory() as tmp:
            # /usr/bin/zra-sync is not installed here: verify runs with ExecStart on the built binary (or a
            # stub) so it checks everything else, including that the command is executable.
            exe = os.environ.get("ZRA_SYNC_EXE", "")
            if not (exe and os.access(exe, os.X_OK)):
                exe = os.path.join(tmp, "zra-sync")
                with open(exe, "w") as f:
                    f.write("#!/bin/sh\nexit 0\n")
                os.chmod(exe, 0o755)
            for name in ("zra-sync.service", "zra-sync.timer"):
                text = read("systemd", name).replace("/usr/bin/zra-sync ", exe + " ")
                with open(os.path.join(tmp, name), "w") as f:
                    f.write(text)
            res = subprocess.run([analyze, "verify", "--man=no", os.path.join(tmp, "zra-sync.service"),
                                  os.path.join(tmp, "zra-sync.timer")], capture_output=True, text=True)
            complaints = [l for l in (res.stdout + res.stderr).splitlines() if "zra-sync" in l]
            self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
            self.assertEqual(complaints, [], "systemd-analyze verify complained")

    def test_sysusers_creates_the_service_user(self):
        lines = [l.split() for l in read("systemd", "zra-sync.sysusers").splitlines() if l and l[0] != "#"]
        self.assertEqual(lines[0][:2], ["u", "zra-sync"])


class Kubernetes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        try:
            import yaml
        except ImportError:
            raise AssertionError("python3-yaml is needed to parse the Kubernetes manifests (apt-get install python3-yaml)")
        cls.docs = {}
        for name in ("cronjob.yaml", "secret.example.yaml", "pvc.yaml", "configmap.example.yaml"):
            docs = [d for d in yaml.safe_load_all(read("kubernetes", name)) if d is not None]
            assert docs, f"{name} holds no YAML document"
            cls.docs[name] = docs
        cls.yaml = yaml

    def one(self, file, kind):
        found = [d for d in self.docs[file] if d.get("kind") == kind]
        self.assertEqual(len(found), 1, f"{file}: expected one {kind}")
        return found[0]

    def test_cronjob_schedule_and_job_policy(self):
        cj = self.one("cronjob.yaml", "CronJob")
        self.assertEqual(cj["apiVersion"], "batch/v1")
        spec = cj["spec"]
        self.assertEqual(spec["concurrencyPolicy"], "Forbid")
        self.assertIsInstance(spec["startingDeadlineSeconds"], int)
        self.assertGreater(spec["startingDeadlineSeconds"], 0)
        self.assertEqual(len(spec["schedule"].split()), 5)
        job = spec["jobTemplate"]["spec"]
        self.assertIsInstance(job["backoffLimit"], int)
        rules = job["podFailurePolicy"]["rules"]
        no_retry = [r for r in rules if r["action"] == "FailJob"]
        self.assertEqual(no_retry[0]["onExitCodes"]["values"], [1, 2])
        self.assertEqual(no_retry[0]["onExitCodes"]["containerName"], "zra-sync")
        self.assertEqual(job["template"]["spec"]["restartPolicy"], "Never")  # podFailurePolicy needs it

    def pod(self):
        return self.one("cronjob.yaml", "CronJob")["spec"]["jobTemplate"]["spec"]["template"]["spec"]

    def container(self):
        containers = self.pod()["containers"]
        self.assertEqual(len(containers), 1)
        return containers[0]

    def test_runs_as_the_image_user_with_a_read_only_root(self):
        pod, c = self.pod(), self.container()
        self.assertIs(pod["securityContext"]["runAsNonRoot"], True)
        self.assertEqual(pod["securityContext"]["runAsUser"], IMAGE_UID)
        self.assertIs(c["securityContext"]["readOnlyRootFilesystem"], True)
        self.assertIs(c["securityContext"]["allowPrivilegeEscalation"], False)
        self.assertEqual(c["securityContext"]["capabilities"]["drop"], ["ALL"])
        self.assertEqual(c["args"][:3], ["run", "-c", "/config/sync.yaml"])
        self.assertIn("--no-progress", c["args"])
        grace = int(c["args"][c["args"].index("--grace") + 1])
        self.assertGreater(pod["terminationGracePeriodSeconds"], grace)

    def test_credentials_come_from_the_secret(self):
        c = self.container()
        secrets = {d["metadata"]["name"]: d for d in self.docs["secret.example.yaml"] if d["kind"] == "Secret"}
        from_refs = [e["secretRef"]["name"] for e in c["envFrom"]]
        self.assertEqual(from_refs, ["zra-sync-zoom"])
        zoom = secrets["zra-sync-zoom"]["stringData"]
        for key in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"):
            self.assertIn(key, zoom)
        provided = set(zoom)
        for e in c.get("env", []):
            ref = e["valueFrom"]["secretKeyRef"]
            self.assertIn(ref["key"], secrets[ref["name"]]["stringData"], e["name"])
            provided.add(e["name"])
        # Every ${VAR} of sync.yaml without a default is provided by the Secret.
        sync = self.one("configmap.example.yaml", "ConfigMap")["data"]["sync.yaml"]
        needed = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", sync))
        self.assertTrue({"ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"} <= needed)
        self.assertEqual(needed - provided, set())

    def test_volumes_config_map_and_state_claim(self):
        pod, c = self.pod(), self.container()
        volumes = {v["name"]: v for v in pod["volumes"]}
        mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
        cm = self.one("configmap.example.yaml", "ConfigMap")
        pvc = self.one("pvc.yaml", "PersistentVolumeClaim")
        self.assertEqual(volumes[mounts["/config"]["name"]]["configMap"]["name"], cm["metadata"]["name"])
        self.assertIs(mounts["/config"]["readOnly"], True)
        self.assertEqual(volumes[mounts["/state"]["name"]]["persistentVolumeClaim"]["claimName"],
                         pvc["metadata"]["name"])
        self.assertIn("emptyDir", volumes[mounts["/tmp"]["name"]])  # the root filesystem is read-only
        self.assertEqual(pvc["spec"]["accessModes"], ["ReadWriteOnce"])
        self.assertIn("storage", pvc["spec"]["resources"]["requests"])

    def test_config_map_holds_sync_yaml_and_every_mapping_it_names(self):
        data = self.one("configmap.example.yaml", "ConfigMap")["data"]
        sync = self.yaml.safe_load(data["sync.yaml"])
        self.assertEqual(sync["version"], 1)
        self.assertTrue(sync["state"]["path"].startswith("/state/"))
        self.assertTrue(sync["report"]["dir"].startswith("/state/"))
        self.assertTrue(sync["report"]["metrics_file"].startswith("/state/"))
        for source in sync["sources"]:
            for stream in source["streams"]:
                if isinstance(stream["mapping"], str):
                    self.assertIn(stream["mapping"], data, f"mapping {stream['mapping']} not in the ConfigMap")
                    self.assertIn("fields", self.yaml.safe_load(data[stream["mapping"]]))


class CronExample(unittest.TestCase):
    def test_one_nightly_line_with_user_and_no_flock(self):
        entries = [l for l in read("cron", "zra-sync.cron").splitlines()
                   if l.strip() and not l.startswith("#") and not re.match(r"^[A-Z]+=", l)]
        self.assertEqual(len(entries), 1)
        fields = entries[0].split(None, 6)
        minute, hour, dom, month, dow, user, command = fields
        self.assertTrue(0 <= int(minute) < 60 and 0 <= int(hour) < 24)
        self.assertEqual((dom, month, dow), ("*", "*", "*"))
        self.assertEqual(user, "zra-sync")
        self.assertIn("zra-sync run -c /etc/zra-sync/sync.yaml --no-progress", command)
        self.assertNotIn("flock", command)  # zra-sync locks its state itself
        self.assertNotRegex(command, r"ZOOM_CLIENT_SECRET=")  # secrets come from the env file


class DeployReadme(unittest.TestCase):
    def test_readme_explains_each_file_secrets_and_exit_codes(self):
        text = read("README.md")
        for name in ("Dockerfile", "docker-build-steps.sh", "zra-sync.service", "zra-sync.timer", "cronjob.yaml",
                     "secret.example.yaml", "pvc.yaml", "configmap.example.yaml", "zra-sync.cron",
                     "${ZOOM_CLIENT_SECRET}", "SuccessExitStatus"):
            self.assertIn(name, text)
        for code in ("`0`", "`1`", "`2`", "`3`", "`130`"):
            self.assertIn(code, text)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + sys.argv[1:], verbosity=2)
