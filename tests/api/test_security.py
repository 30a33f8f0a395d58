"""Authentication, error hygiene and deployment settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from api.views.offers import OfferViewSet
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
TOKEN_URL = "/api/v1/auth/token/"


def test_passwords_are_hashed_with_argon2():
    """The project's settings (tests swap in a fast hasher; the service does not)."""
    from django.contrib.auth.hashers import get_hasher, make_password

    from config import settings as project_settings

    assert (
        project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    )
    assert make_password("s3cret-passphrase", hasher=get_hasher("argon2")).startswith(
        "argon2$argon2id$"
    )


def test_tokens_are_stored_hashed_and_expire(api):
    UserFactory(username="maria")
    token = api.post(
        TOKEN_URL, {"username": "maria", "password": "correct-horse-battery"}, format="json"
    )
    assert token.status_code == 200
    stored = AuthToken.objects.get()
    assert token.json()["token"] not in {stored.digest, stored.token_key}
    assert stored.expiry is not None


def test_repeated_failed_sign_ins_lock_the_token_endpoint(api, settings):
    UserFactory(username="target")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        wrong = api.post(TOKEN_URL, {"username": "target", "password": "guess"}, format="json")
        assert wrong.status_code in {401, 429}
    locked = api.post(
        TOKEN_URL, {"username": "target", "password": "correct-horse-battery"}, format="json"
    )
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/problem+json"
    assert "token" not in locked.json()


def test_authenticated_responses_are_never_stored_and_public_ones_may_be(api):
    user = UserFactory(username="cacheless")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + AuthToken.objects.create(user)[1])
    assert "no-store" in client.get("/api/v1/offers/")["Cache-Control"]
    assert "no-store" not in api.get("/api/v1/offers/").get("Cache-Control", "")


def test_session_writes_need_a_csrf_token():
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="browser"))
    response = client.post(
        "/api/v1/organizations/", {"name": "X", "kind": "ngo", "country": "KE"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_cors_answers_only_allowlisted_origins(api, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://dashboard.example.org"]
    allowed = api.get("/api/v1/offers/", HTTP_ORIGIN="https://dashboard.example.org")
    assert allowed["Access-Control-Allow-Origin"] == "https://dashboard.example.org"
    other = api.get("/api/v1/offers/", HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in other


def test_an_unexpected_error_answers_problem_details_without_a_trace(api, monkeypatch):
    def explode(self, request, *args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(OfferViewSet, "list", explode)
    api.raise_request_exception = False
    response = api.get("/api/v1/offers/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.content.decode()
    assert "Traceback" not in body and "secret internal detail" not in body


def test_security_headers_and_csp_are_sent(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_deploy_checks_pass_with_production_settings():
    # The browser tests allow Django's ORM beside Playwright's event loop in this process; a
    # deployment never sets that, so the deployed settings are checked without it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "registry.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    environment["PRODUCTION"] = "1"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
