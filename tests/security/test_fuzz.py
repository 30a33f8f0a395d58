"""Fuzzing: schemathesis against the live schema of a real server, as anonymous and as every role.

Each role runs the schemathesis CLI (`st run`, every phase: examples, coverage, fuzzing and
stateful; positive and negative data) against gunicorn on loopback, bound to the test database
with the security world loaded, with these checks: no 5xx, every status and content type
answered is one the schema documents for the operation, responses conform to the schema,
authentication is not ignored, deleted resources stay deleted, undocumented methods answer 405.
Its coverage and fuzzing phases send invalid values in every documented path parameter, query
parameter and header (If-Match, Idempotency-Key) as well as bodies; raw bytes that no client
library sends (header bytes that are not UTF-8, NUL in a path) go to every operation in
test_malformed_http.py.
CI runs a bounded budget; a larger run is the same test with bigger numbers, e.g.

    FUZZ_MAX_EXAMPLES=100 FUZZ_SECONDS=600 .venv/bin/python -m pytest tests/security/test_fuzz.py

A failing run prints schemathesis' report with a curl line that reproduces each failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import schemathesis
from knox.models import AuthToken
from schemathesis.config import SchemathesisConfig

from tests.factories import ROLES
from tests.security.world import build_world

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "ignored_auth",
    "use_after_free",
    "unsupported_method",
)
# Offers and needs are deleted softly, as documented: DELETE withdraws an offer and cancels a need,
# and the record stays readable (its history, its partnerships, its owner's lists), so reading one
# after its DELETE is not a use after free. Every other DELETE (a membership) is still checked.
SOFT_DELETED = r"^/api/v1/(offers|needs)/"
CONFIG = "\n".join(
    [
        "[auth]",
        "auto-signup = false",
        "",
        "[checks]",
        "enabled = false",
        *(f"{check}.enabled = true" for check in CHECKS),
        "",
        "[[operations]]",
        f"include-path-regex = '{SOFT_DELETED}'",
        "checks.use_after_free.enabled = false",
        "",
        # Signing out would revoke the fuzzer's own token and leave the rest of the run
        # anonymous; tests/api/test_tokens.py covers both operations.
        "[[operations]]",
        "include-path-regex = '^/api/v1/auth/logout(-all)?/$'",
        "enabled = false",
        "",
    ]
)
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "5"))
SECONDS = int(os.environ.get("FUZZ_SECONDS", "30"))
AT_ONCE = 4  # concurrent schemathesis runs (two cores: more only slows each one down)
ST = Path(sys.executable).with_name("st")


def _run_as(role: str, token: str | None, server, workdir: Path) -> subprocess.Popen:
    config = workdir / "schemathesis.toml"
    config.write_text(CONFIG)  # the checks are named here: a check named on the command line
    # would override the per-operation setting
    command = [
        str(ST),
        "--config-file",
        str(config),
        "run",
        f"{server.url}/api/schema/?format=json",
        "--mode",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(SECONDS),
        "--seed",
        str(20260 + ROLES.index(role)),
        "--no-shrink",
        "--request-timeout",
        "30",
    ]
    if token:
        command += ["--header", f"Authorization: Token {token}"]
    log = (workdir / f"{role}.txt").open("w")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)


def test_fuzzing_every_operation_as_every_role_finds_no_5xx_and_no_schema_violation(
    api_server, tmp_path
):
    world = build_world()
    tokens = {
        role: AuthToken.objects.create(world.user(world.username(role)))[1]
        for role in ROLES
        if role != "anonymous"
    }
    reports, tested = {}, {}
    for batch in range(0, len(ROLES), AT_ONCE):
        roles = ROLES[batch : batch + AT_ONCE]
        runs = {role: _run_as(role, tokens.get(role), api_server, tmp_path) for role in roles}
        for role, process in runs.items():
            process.wait(timeout=SECONDS + 240)
            reports[role] = (tmp_path / f"{role}.txt").read_text()
            assert process.returncode == 0, reports[role][-8000:]
            reached = re.search(r"Selected: (\d+)/\d+\s+Tested: (\d+)", reports[role])
            cases = re.search(r"(\d+) generated", reports[role])
            assert reached and cases, reports[role][-3000:]
            tested[role] = (int(reached.group(2)), int(reached.group(1)), int(cases.group(1)))
    assert "Server error" not in api_server.output()
    # Every role reached every operation of the schema (figures for the report).
    assert all(done == selected >= 49 for done, selected, _cases in tested.values()), tested
    print(f"schemathesis (operations tested, selected, test cases) per role: {tested}")


def test_the_fuzzer_checks_use_after_free_except_where_delete_is_a_documented_soft_delete():
    schema = schemathesis.openapi.from_path(
        str(Path(__file__).resolve().parents[2] / "api" / "openapi.yaml"),
        config=SchemathesisConfig.from_str(CONFIG),
    )

    def enabled(path: str, method: str = "GET") -> set[str]:
        checks = schema.config.checks_config_for(operation=schema[path][method], phase="stateful")
        names = (*CHECKS, "negative_data_rejection")
        return {name for name in names if checks.get_by_name(name=name).enabled}

    everything = set(CHECKS)
    assert enabled("/api/v1/organizations/{id}/members/") == everything
    assert enabled("/api/v1/proposals/{id}/") == everything
    assert enabled("/api/v1/offers/{id}/") == everything - {"use_after_free"}
    assert enabled("/api/v1/needs/{id}/endorsements/") == everything - {"use_after_free"}
