"""The interactive docs render in a real browser, from this server alone (no CDN), under the CSP."""

import shutil
import subprocess
import tempfile

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_the_api_operations_in_headless_chromium(live_server):
    assert CHROMIUM, "Chromium is needed for this test: apt-get install chromium"
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=10000",
                "--dump-dom",
                f"{live_server.url}/api/docs/",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    dom = result.stdout
    # Swagger UI builds these from /api/schema/ with its own scripts: they exist only if the
    # scripts loaded from this server, ran under the Content-Security-Policy, and fetched the schema.
    assert "Partnership Registry API" in dom
    assert "opblock-tag" in dom
    assert "/api/v1/proposals/{id}/accept/" in dom or "proposals" in dom
