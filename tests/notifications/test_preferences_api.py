"""GET and PATCH /api/v1/notifications/preferences/: the caller's own e-mail choice and language."""

from __future__ import annotations

import pytest

from notifications.models import Preference
from notifications.services.language import language_of
from registry.models import LanguagePreference
from registry.services.preferences import set_language_preference
from tests.api.checks import problem
from tests.conftest import client_for
from tests.factories import UserFactory

DIGEST = {"time_zone": "UTC", "digest_hour": 8}
REST = {**DIGEST, "kinds": {}}

pytestmark = pytest.mark.django_db


def test_a_user_without_a_choice_gets_mail_immediately_in_english():
    response = client_for(UserFactory()).get("/api/v1/notifications/preferences/")

    assert response.status_code == 200
    assert response.json() == {"email": "immediately", "language": "en", "nudges": True, **REST}


def test_a_user_opts_out_and_keeps_their_language():
    user = UserFactory()
    client = client_for(user)
    client.patch("/api/v1/notifications/preferences/", {"language": "fr"}, format="json")

    response = client.patch("/api/v1/notifications/preferences/", {"email": "off"}, format="json")

    assert response.json() == {"email": "off", "language": "fr", "nudges": True, **REST}
    assert Preference.objects.get(user=user).email == Preference.Email.OFF
    assert Preference.objects.count() == 1


def test_a_user_turns_reminders_off_and_keeps_the_rest():
    user = UserFactory()
    client = client_for(user)

    response = client.patch(
        "/api/v1/notifications/preferences/", {"nudges": False, **DIGEST}, format="json"
    )

    assert response.json() == {"email": "immediately", "language": "en", "nudges": False, **REST}
    assert Preference.objects.get(user=user).nudges is False


@pytest.mark.parametrize("body", [{"email": "hourly"}, {"language": "de"}, {"nudges": "sometimes"}])
def test_an_unknown_choice_answers_400_and_changes_nothing(body):
    user = UserFactory()

    response = client_for(user).patch("/api/v1/notifications/preferences/", body, format="json")

    problem(response, 400)
    assert not Preference.objects.filter(user=user).exists()


def test_the_language_chosen_in_the_console_is_the_language_of_the_users_mail():
    user = UserFactory()
    set_language_preference(user=user, language="ar")

    response = client_for(user).get("/api/v1/notifications/preferences/")

    assert response.json()["language"] == "ar"
    assert language_of(user.pk) == "ar"


def test_the_language_chosen_for_mail_is_the_consoles_too_and_the_reverse():
    user = UserFactory()
    client = client_for(user)
    client.patch("/api/v1/notifications/preferences/", {"language": "es"}, format="json")

    assert LanguagePreference.objects.get(user=user).language == "es"
    assert language_of(user.pk) == "es"

    set_language_preference(user=user, language="zh-hans")

    assert Preference.objects.get(user=user).language == "zh-hans"
    assert client.get("/api/v1/notifications/preferences/").json()["language"] == "zh-hans"
