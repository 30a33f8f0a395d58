"""The guards that answer before the language middleware (malformed requests, oversize bodies)
word their refusal in the language the request asks for, as every other answer does."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("headers", "language", "detail"),
    [
        ({"HTTP_ACCEPT_LANGUAGE": "fr"}, "fr", "L’adresse contient un caractère NUL."),
        ({}, "en", "The address contains a NUL character."),
        ({"HTTP_ACCEPT_LANGUAGE": "de, fr;q=0.8"}, "fr", "L’adresse contient un caractère NUL."),
    ],
)
def test_a_malformed_address_is_refused_in_the_language_asked_for(headers, language, detail):
    response = Client(raise_request_exception=False).get("/api/v1/needs/%00/", **headers)
    assert response.status_code == 400
    assert response.headers["Content-Language"] == language
    assert response.json()["detail"] == detail


def test_the_lang_parameter_wins_over_the_header_for_an_oversize_body(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    client = Client(raise_request_exception=False)
    english = client.post(
        "/api/v1/needs/?lang=en",
        data='{"title": "a long enough body"}',
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    french = client.post(
        "/api/v1/needs/",
        data='{"title": "a long enough body"}',
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert english.status_code == french.status_code == 413
    assert (english.headers["Content-Language"], french.headers["Content-Language"]) == ("en", "fr")
    assert english.json()["title"] == "Request body too large"
