#!/usr/bin/env python3
"""Validates every example configuration, and every mapping file it names, against the JSON Schema.

Usage: validate_examples.py SCHEMA.json EXAMPLES_DIR
YAML files are converted to JSON data (PyYAML) first. Also checks that the schema rejects a few broken
variants, so that a schema accepting everything cannot pass. Needs python3-jsonschema and python3-yaml.
"""
import copy
import glob
import json
import os
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:  # pragma: no cover
    sys.exit("validate_examples.py needs python3-jsonschema and python3-yaml (apt-get install them): %s" % e)


def load(path):
    with open(path, encoding="utf-8-sig") as f:
        if path.endswith(".json"):
            return json.load(f)
        return yaml.safe_load(f)


def errors_of(validator, data):
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", e.message)
            for e in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))]


def main():
    schema_path, examples = sys.argv[1], sys.argv[2]
    schema = load(schema_path)
    jsonschema.Draft202012Validator.check_schema(schema)
    config_validator = jsonschema.Draft202012Validator(schema)
    mapping_validator = jsonschema.Draft202012Validator(
        {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/mapping"})

    configs = sorted(p for pattern in ("*/sync.yaml", "*/sync.yml", "*/sync.json")
                     for p in glob.glob(os.path.join(examples, pattern)))
    if len(configs) < 5:
        sys.exit("expected at least 5 example configs under %s, found %d" % (examples, len(configs)))

    failures = []
    checked = 0
    for path in configs:
        config = load(path)
        failures += ["%s: %s" % (path, e) for e in errors_of(config_validator, config)]
        checked += 1
        for source in config.get("sources", []):
            for stream in source.get("streams", []):
                mapping = stream.get("mapping")
                if isinstance(mapping, str):
                    mapping_path = os.path.join(os.path.dirname(path), mapping)
                    failures += ["%s: %s" % (mapping_path, e) for e in errors_of(mapping_validator, load(mapping_path))]
                    checked += 1

    # The schema must reject what the loader rejects (a few representative cases).
    base = load(os.path.join(examples, "demo", "sync.yaml"))
    def broken(change):
        c = copy.deepcopy(base)
        change(c)
        return c
    must_fail = {
        "unknown top-level key": broken(lambda c: c.update(reports={})),
        "batch_size over 2000": broken(lambda c: c["zra"].update(batch_size=5000)),
        "bad rate spec": broken(lambda c: c["zra"].update(rate_limits={"heavy": "20/fortnight"})),
        "missing CLOSED_LOST stage": broken(lambda c: c["crm"].update(
            deal_stages=[s for s in c["crm"]["deal_stages"] if s["stage_type"] != "CLOSED_LOST"])),
        "bad crm_type": broken(lambda c: c["crm"].update(crm_type="1-acme")),
        "unknown field option": broken(lambda c: c["sources"][0]["streams"][0].update(
            mapping={"fields": {"crm_account_id": {"column": "Id"}}})),
        "unknown source key": broken(lambda c: c["sources"][0].update(setting={})),
        "zoom without auth": broken(lambda c: c["zra"].update(target="zoom")),
        "cursor with mirror": broken(lambda c: c["sources"][0]["streams"][0].update(mode="mirror", cursor=True)),
    }
    for name, config in must_fail.items():
        if not errors_of(config_validator, config):
            failures.append("the schema accepts a broken config: %s" % name)

    for f in failures:
        print(f)
    print("%d files checked against %s, %d broken variants rejected, %d failures"
          % (checked, os.path.basename(schema_path), len(must_fail), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
