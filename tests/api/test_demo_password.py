"""The demo users' password is generated on the first start, printed and kept owner-only."""

from __future__ import annotations

import io
import json
import stat

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from api.demo import DEMO_FILE

pytestmark = pytest.mark.django_db


def test_the_first_start_generates_prints_and_keeps_the_demo_password(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    output = io.StringIO()
    call_command("seeddemo", stdout=output)

    kept = tmp_path / "demo-password"
    password = kept.read_text().strip()
    assert len(password) >= 16
    assert password in output.getvalue()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    coordinator = json.loads(DEMO_FILE.read_text())["coordinators"][0]["username"]
    user = get_user_model().objects.get(username=coordinator)
    assert user.check_password(password)
    assert not user.check_password("demo-pass-2026")
    assert "password" not in json.loads(DEMO_FILE.read_text())

    again = io.StringIO()
    call_command("seeddemo", stdout=again)
    assert "already loaded" in again.getvalue()
    assert kept.read_text().strip() == password
