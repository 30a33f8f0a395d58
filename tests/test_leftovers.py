"""The suite's own check that it leaves nothing running (tests/conftest.py's session finish)."""

from __future__ import annotations

import subprocess
import sys

from tests import leftovers


def test_a_child_left_running_is_found_and_one_that_stopped_is_not(monkeypatch):
    monkeypatch.setattr(leftovers, "GRACE_SECONDS", 0.2)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert child.pid in {process.pid for process in leftovers.live_children()}
    finally:
        child.kill()
        child.wait()
    assert child.pid not in {process.pid for process in leftovers.live_children()}


def test_no_embedded_server_is_found_under_an_empty_folder(tmp_path):
    assert leftovers.embedded_servers_under(tmp_path) == []
