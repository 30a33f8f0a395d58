"""Tokens are revocable and bounded: logout, logout everywhere, an absolute lifetime, a cap per
user, and a password change that revokes the others."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.api.checks import field_errors, problem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def sign_in(username: str = "ngo.editor", password: str = PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def works(token: str) -> bool:
    status = client_with(token).get("/api/v1/match-runs/").status_code
    assert status in (200, 401, 403)
    return status != 401


def test_logout_revokes_the_token_used_and_no_other(ngo_editor):
    phone, laptop = sign_in(), sign_in()
    response = client_with(phone).post("/api/v1/auth/logout/")
    assert response.status_code == 204
    assert not works(phone)
    assert works(laptop)


def test_logout_everywhere_revokes_every_token_of_the_user_only(ngo_editor, county_editor):
    phone, laptop = sign_in(), sign_in()
    other_user = sign_in("county.editor")
    assert client_with(laptop).post("/api/v1/auth/logout-all/").status_code == 204
    assert not works(phone) and not works(laptop)
    assert works(other_user)


@pytest.mark.parametrize("path", ["/api/v1/auth/logout/", "/api/v1/auth/logout-all/"])
def test_logout_without_a_token_is_refused_and_revokes_nothing(path, ngo_editor, api):
    token = sign_in()
    problem(api.post(path), 401)
    api.force_authenticate(ngo_editor)  # credentials other than a token
    problem(api.post(path), 403)
    assert works(token)


def test_use_never_extends_a_token_past_its_absolute_lifetime(ngo_editor, settings):
    settings.REST_KNOX = {
        **settings.REST_KNOX,
        "TOKEN_TTL": timedelta(hours=1),
        "AUTO_REFRESH_MAX_TTL": timedelta(hours=2),
    }
    token = sign_in()
    record = AuthToken.objects.get(user=ngo_editor)
    created = timezone.now() - timedelta(minutes=110)
    AuthToken.objects.filter(pk=record.pk).update(
        created=created, expiry=created + timedelta(hours=1, minutes=55)
    )
    assert works(token)
    record.refresh_from_db()
    # Idle renewal would give now + 1 h; the absolute lifetime stops it at created + 2 h.
    assert record.expiry == created + timedelta(hours=2)
    AuthToken.objects.filter(pk=record.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert not works(token)


def test_a_new_token_never_outlives_the_absolute_lifetime(ngo_editor, settings):
    settings.REST_KNOX = {
        **settings.REST_KNOX,
        "TOKEN_TTL": timedelta(hours=10),
        "AUTO_REFRESH_MAX_TTL": timedelta(hours=2),
    }
    sign_in()
    record = AuthToken.objects.get(user=ngo_editor)
    assert record.expiry <= record.created + timedelta(hours=2)


def test_a_user_holds_a_bounded_number_of_tokens_and_the_oldest_goes_first(ngo_editor, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_LIMIT_PER_USER": 3}
    tokens = [sign_in() for _ in range(5)]
    assert AuthToken.objects.filter(user=ngo_editor).count() == 3
    assert [works(token) for token in tokens] == [False, False, True, True, True]


def test_changing_the_password_revokes_the_other_tokens_and_keeps_this_one(ngo_editor):
    this, other = sign_in(), sign_in()
    response = client_with(this).post(
        "/api/v1/auth/password/",
        {"current_password": PASSWORD, "new_password": "a-new-long-passphrase-7"},
        format="json",
    )
    assert response.status_code == 204, response.content
    assert works(this) and not works(other)
    ngo_editor.refresh_from_db()
    assert ngo_editor.check_password("a-new-long-passphrase-7")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "wrong-password", "new_password": "a-new-long-passphrase-7"}, "current_password"),
        ({"current_password": PASSWORD, "new_password": "password"}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "12345678901"}, "new_password"),
        ({"current_password": PASSWORD}, "new_password"),
    ],
)  # fmt: skip
def test_a_refused_password_change_changes_nothing(body, field, ngo_editor):
    this, other = sign_in(), sign_in()
    response = client_with(this).post("/api/v1/auth/password/", body, format="json")
    assert field in field_errors(response)
    ngo_editor.refresh_from_db()
    assert ngo_editor.check_password(PASSWORD)
    assert works(this) and works(other)


def test_an_operator_setting_a_password_revokes_the_users_tokens(ngo_editor, monkeypatch):
    token = sign_in()
    monkeypatch.setenv("NEW_PASSWORD", "an-operator-passphrase-3")
    call_command("createcoordinator", "ngo.editor", "--password-from-env", "NEW_PASSWORD")
    assert not works(token)


def test_a_password_changed_in_the_django_admin_revokes_the_users_tokens(ngo_editor, client):
    token = sign_in()
    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/auth/user/{ngo_editor.pk}/password/",
        {"password1": "an-admin-passphrase-5", "password2": "an-admin-passphrase-5"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ngo_editor.refresh_from_db()
    assert ngo_editor.check_password("an-admin-passphrase-5")
    assert not works(token)


def test_changepassword_revokes_the_users_tokens(ngo_editor, monkeypatch):
    token, other_users = sign_in(), AuthToken.objects.create(UserFactory())[1]
    answers = iter(["a-command-passphrase-4", "a-command-passphrase-4"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("changepassword", "ngo.editor")
    assert not works(token)
    assert works(other_users)


def test_saving_a_user_without_a_new_password_keeps_the_tokens(ngo_editor):
    token = sign_in()
    ngo_editor.email = "another@example.org"
    ngo_editor.save()
    assert works(token)
