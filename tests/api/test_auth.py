"""Tokens, registration and the createcoordinator command."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

from registry.models import Offer
from registry.models.visibility import is_coordinator
from tests.api.checks import field_errors, problem, row_counts
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def token_for(api, username: str, password: str = PASSWORD):
    return api.post("/api/v1/auth/token/", {"username": username, "password": password})


def test_a_token_from_the_password_authorizes_a_write(ngo_editor, ngo, api):
    response = token_for(api, "ngo.editor")
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert AuthToken.objects.filter(user=ngo_editor).count() == 1

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    payload = {
        "organization": ngo.pk,
        "title": "Laptops",
        "category": "laptops",
        "quantity": 10,
        "areas": ["KE"],
    }
    created = client.post("/api/v1/offers/", payload, format="json")

    assert created.status_code == 201, created.content
    assert Offer.objects.get(pk=created.json()["id"]).organization == ngo


@pytest.mark.parametrize(
    ("username", "password"), [("ngo.editor", "wrong-password"), ("nobody", PASSWORD)]
)
def test_wrong_credentials_answer_401_and_issue_no_token(username, password, ngo_editor, api):
    response = token_for(api, username, password)
    problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Token")
    assert "token" not in response.json()
    assert not AuthToken.objects.exists()


def test_an_inactive_user_gets_no_token(api):
    UserFactory(username="gone", is_active=False)
    problem(token_for(api, "gone"), 401)


def test_a_token_request_without_a_password_is_a_field_error(api):
    assert "password" in field_errors(api.post("/api/v1/auth/token/", {"username": "x"}))


@pytest.mark.parametrize("header", ["Token not-a-token", "Token", "Bearer abc"])
def test_a_bad_authorization_header_is_refused(header, ngo, api):
    api.credentials(HTTP_AUTHORIZATION=header)
    counts = row_counts()
    response = api.post("/api/v1/offers/", {"organization": ngo.pk}, format="json")
    problem(response, 401)
    assert row_counts() == counts


def test_a_revoked_token_stops_working(ngo_editor, api):
    token = token_for(api, "ngo.editor").json()["token"]
    AuthToken.objects.filter(user=ngo_editor).delete()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    problem(client.post("/api/v1/organizations/", {"name": "x"}, format="json"), 401)


def test_registration_creates_a_user_who_can_sign_in(api):
    body = {
        "username": "wanjiru",
        "email": "wanjiru@example.org",
        "password": "a-long-passphrase-9",
    }
    response = api.post("/api/v1/auth/register/", body, format="json")

    assert response.status_code == 201, response.content
    assert response.json() == {
        "id": response.json()["id"],
        "username": "wanjiru",
        "email": "wanjiru@example.org",
        "token": response.json()["token"],
    }
    signed_in = APIClient(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert signed_in.get("/api/v1/notifications/").status_code == 200
    user = get_user_model().objects.get(username="wanjiru")
    assert user.check_password("a-long-passphrase-9")
    assert user.password != "a-long-passphrase-9"
    assert token_for(api, "wanjiru", "a-long-passphrase-9").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "amina", "email": "amina@example.org", "password": "password"}, "password"),
        ({"username": "amina", "email": "amina@example.org", "password": "12345678901"}, "password"),
        ({"username": "amina", "email": "amina@example.org", "password": "amina@example.org"}, "password"),
        ({"username": "amina", "email": "amina@example.org", "password": "short"}, "password"),
        ({"username": "amina", "email": "not-an-email", "password": "a-long-passphrase-9"}, "email"),
        ({"username": "a b", "email": "amina@example.org", "password": "a-long-passphrase-9"}, "username"),
        ({"username": "Taken", "email": "amina@example.org", "password": "a-long-passphrase-9"}, "username"),
        ({"email": "amina@example.org", "password": "a-long-passphrase-9"}, "username"),
    ],
)  # fmt: skip
def test_a_bad_registration_is_a_field_error_and_creates_no_user(body, field, api):
    UserFactory(username="taken")
    counts = row_counts()
    assert field in field_errors(api.post("/api/v1/auth/register/", body, format="json"))
    assert row_counts() == counts


def test_registration_is_throttled(api):
    body = {"username": "x y", "email": "bad", "password": "short"}
    statuses = [api.post("/api/v1/auth/register/", body).status_code for _ in range(10)]
    assert statuses == [400] * 10
    assert problem(api.post("/api/v1/auth/register/", body), 429)["detail"]


def test_createcoordinator_reads_the_password_from_the_environment(monkeypatch, api):
    monkeypatch.setenv("COORDINATOR_PASSWORD", "a-long-passphrase-9")

    call_command("createcoordinator", "ines", "--password-from-env", "COORDINATOR_PASSWORD")

    user = get_user_model().objects.get(username="ines")
    assert is_coordinator(user)
    assert user.check_password("a-long-passphrase-9")
    assert token_for(api, "ines", "a-long-passphrase-9").status_code == 200


def test_createcoordinator_promotes_an_existing_user(monkeypatch, ngo_editor):
    monkeypatch.setenv("COORDINATOR_PASSWORD", "another-passphrase-7")
    call_command("createcoordinator", "ngo.editor", "--password-from-env", "COORDINATOR_PASSWORD")
    user = get_user_model().objects.get(pk=ngo_editor.pk)
    assert is_coordinator(user)
    assert user.check_password("another-passphrase-7")


def test_createcoordinator_refuses_an_unset_variable(monkeypatch):
    monkeypatch.delenv("COORDINATOR_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="COORDINATOR_PASSWORD"):
        call_command("createcoordinator", "ines", "--password-from-env", "COORDINATOR_PASSWORD")
    assert not get_user_model().objects.filter(username="ines").exists()


def test_a_taken_username_is_told_only_within_one_shared_registration_allowance(api, client):
    """Both doors (the API and the web page) answer "taken", so both draw on the one `register`
    allowance per address; past it, a taken and a free username get the same 429."""
    UserFactory(username="taken")
    taken = {"username": "taken", "email": "a@example.org", "password": "a-long-passphrase-9"}
    free = {**taken, "username": "free-name"}
    for _ in range(5):
        assert "username" in field_errors(api.post("/api/v1/auth/register/", taken, format="json"))
        page = client.post("/accounts/register/", taken)
        assert page.status_code == 400 and "username is taken" in page.content.decode()

    refusals = [api.post("/api/v1/auth/register/", body, format="json") for body in (taken, free)]
    assert [problem(response, 429)["detail"] for response in refusals] == [
        refusals[0].json()["detail"]
    ] * 2
    pages = [client.post("/accounts/register/", body) for body in (taken, free)]
    assert [page.status_code for page in pages] == [429, 429]
    assert all("username is taken" not in page.content.decode() for page in pages)
    assert "Too many registrations" in pages[0].content.decode()
    assert not get_user_model().objects.filter(username="free-name").exists()
