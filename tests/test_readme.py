"""The README's demo users are the demo's: one per role, as `manage.py serve` prints them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from api.demo import demo_users_by_role

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_lists_the_demo_user_that_serve_prints_for_each_role():
    demo = json.loads((ROOT / "fixtures" / "demo.json").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| ([\w ]+) \| `([\w.]+)` \| (.+) \|$", readme, re.MULTILINE)
    roles = ["government", "NGO", "company", "donor", "community organization", "coordinator"]
    assert [role for role, _, _ in listed] == roles
    expected = [(username, name or "—") for _, username, name in demo_users_by_role(demo)]
    assert [(username, name) for _, username, name in listed] == expected
    usernames = {user["username"] for user in demo["users"] + demo["coordinators"]}
    assert {username for _, username, _ in listed} <= usernames
