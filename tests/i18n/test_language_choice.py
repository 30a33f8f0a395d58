"""Which language a request is answered in, and how the choice is remembered."""

from __future__ import annotations

import pytest
from django.test import Client

from registry.models import LanguagePreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MISSING_NEED = "/api/v1/needs/999999/"


def test_the_same_request_in_two_languages_gives_the_same_status_and_different_words(api):
    english = api.get(MISSING_NEED, HTTP_ACCEPT_LANGUAGE="en")
    french = api.get(MISSING_NEED, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert english.status_code == french.status_code == 404
    assert english["Content-Language"] == "en"
    assert french["Content-Language"] == "fr"
    assert english.json()["detail"] != french.json()["detail"]


def test_the_lang_parameter_wins_over_accept_language(api):
    response = api.get(MISSING_NEED + "?lang=ru", HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Language"] == "ru"
    assert "Language-Fallback" not in response


@pytest.mark.parametrize(
    ("header", "expected"), [("zh-CN", "zh-hans"), ("zh-Hans", "zh-hans"), ("ar-EG", "ar")]
)
def test_regional_variants_reach_the_registrys_language(api, header, expected):
    assert api.get(MISSING_NEED, HTTP_ACCEPT_LANGUAGE=header)["Content-Language"] == expected


def test_an_unsupported_language_falls_back_to_english_and_says_so(api):
    by_header = api.get(MISSING_NEED, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert by_header["Content-Language"] == "en"
    assert by_header["Language-Fallback"] == "de-de"
    by_parameter = api.get(MISSING_NEED + "?lang=pt")
    assert by_parameter["Content-Language"] == "en"
    assert by_parameter["Language-Fallback"] == "pt"


def test_a_later_supported_language_in_accept_language_is_used_without_fallback(api):
    response = api.get(MISSING_NEED, HTTP_ACCEPT_LANGUAGE="de, es;q=0.5")
    assert response["Content-Language"] == "es"
    assert "Language-Fallback" not in response


def test_arabic_pages_are_right_to_left_with_the_mirrored_stylesheet():
    page = Client().get("/?lang=ar").content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    assert "console.rtl.min.css" in page
    english = Client().get("/").content.decode()
    assert '<html lang="en" dir="ltr"' in english
    assert "console.rtl.min.css" not in english


def test_the_switcher_comes_back_to_the_same_page_without_the_lang_parameter():
    client = Client()
    page = client.get("/needs/?lang=es&page=1").content.decode()
    assert 'name="next" value="/needs/?page=1"' in page
    response = client.post("/language/", {"language": "fr", "next": "/needs/?page=1"})
    assert response.status_code == 302
    assert response["Location"] == "/needs/?page=1"
    assert client.get("/needs/")["Content-Language"] == "fr"


def test_a_signed_in_users_choice_follows_them_to_another_browser():
    user = UserFactory()
    first = Client()
    first.force_login(user)
    first.post("/language/", {"language": "ar", "next": "/"})
    assert LanguagePreference.objects.get(user=user).language == "ar"
    other = Client()
    other.force_login(user)
    assert other.get("/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "ar"
    assert other.get("/?lang=en")["Content-Language"] == "en"


def test_an_unknown_language_is_refused_and_changes_nothing():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    response = client.post("/language/", {"language": "xx", "next": "/"})
    assert response.status_code == 400
    assert not LanguagePreference.objects.filter(user=user).exists()
    assert "django_language" not in response.cookies
