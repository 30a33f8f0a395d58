"""The services' refusals and the schema's field descriptions go through gettext: the API's
error details and its schema come in the request's language. The tests bring their own French
catalogue for the texts they read, so that they check the marking and the language chosen, not
the state of the translators' work."""

from __future__ import annotations

import polib
import pytest
from django.test import override_settings
from django.utils import translation

from tests.api.checks import problem
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

AREA = (
    "%(code)s is not an area code: use 'global', an ISO 3166-1 alpha-2 country code "
    "(KE) or an ISO 3166-2 subdivision code (KE-30)."
)
AREA_FR = (
    "%(code)s n’est pas un code de zone : utilisez « global », un code de pays ISO 3166-1 "
    "alpha-2 (KE) ou un code de subdivision ISO 3166-2 (KE-30)."
)
QUANTITY = "Must be greater than zero."
QUANTITY_FR = "Doit être supérieur à zéro."
GOAL_TITLE = "Official title in the request's language (the UN's texts in all six)."
GOAL_TITLE_FR = "Titre officiel dans la langue de la requête (les textes de l’ONU dans les six)."


@pytest.fixture
def french_catalogue(tmp_path):
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=utf-8", "Language": "fr"}
    for msgid, msgstr in ((AREA, AREA_FR), (QUANTITY, QUANTITY_FR), (GOAL_TITLE, GOAL_TITLE_FR)):
        catalogue.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    catalogue.save_as_mofile(str(folder / "django.mo"))
    with override_settings(LOCALE_PATHS=[str(tmp_path)]):
        yield
    translation.deactivate()


def _details(response) -> dict[str, str]:
    return {error["field"]: error["detail"] for error in problem(response, 400)["errors"]}


def test_a_need_in_an_unknown_area_is_refused_in_the_requests_language(
    french_catalogue, gov_editor, government
):
    client = client_for(gov_editor)
    need = {"organization": government.pk, "title": "Laptops", "area": "ZZ-99",
            "items": [{"category": "laptops", "quantity": "0"}]}  # fmt: skip
    french = client.post("/api/v1/needs/", need, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert french["Content-Language"] == "fr"
    assert _details(french)["area"] == AREA_FR % {"code": "ZZ-99"}
    english = client.post("/api/v1/needs/", need, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert _details(english)["area"] == AREA % {"code": "ZZ-99"}


def test_a_service_refusal_comes_in_the_requests_language(french_catalogue, gov_editor, government):
    client = client_for(gov_editor)
    need = {"organization": government.pk, "title": "Laptops", "area": "KE-30",
            "items": [{"category": "laptops", "quantity": "0"}]}  # fmt: skip
    french = client.post("/api/v1/needs/?lang=fr", need, format="json")
    assert QUANTITY_FR in _details(french).values(), _details(french)
    english = client.post("/api/v1/needs/", need, format="json")
    assert QUANTITY in _details(english).values()


def test_the_schema_describes_fields_in_the_language_asked_for(french_catalogue, api):
    def goal_title(query: str) -> str:
        schema = api.get(f"/api/schema/?format=json{query}").json()
        return schema["components"]["schemas"]["SdgGoal"]["properties"]["title"]["description"]

    assert goal_title("&lang=fr") == GOAL_TITLE_FR
    assert goal_title("") == GOAL_TITLE
