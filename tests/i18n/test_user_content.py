"""User content in several languages: the API takes and gives translations, pages show the
reader's language when there is one and say which language they show otherwise."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from registry.models import Need, Organization
from tests.api.checks import field_errors, row_counts
from tests.conftest import client_for
from tests.factories import NeedFactory

pytestmark = pytest.mark.django_db

FRENCH_TITLE = "Ordinateurs pour les écoles rurales"


def _need_payload(government: Organization, **extra) -> dict:
    item = {"category": "laptops", "quantity": "50"}
    return {"organization": government.pk, "title": "Laptops for rural schools",
            "area": "KE-30", "items": [item], **extra}  # fmt: skip


def test_a_need_is_posted_with_translations_and_returned_with_them(gov_editor, government):
    translations = {"fr": {"title": FRENCH_TITLE}, "ar": {"title": "حواسيب للمدارس الريفية"}}
    client = client_for(gov_editor)
    response = client.post(
        "/api/v1/needs/", _need_payload(government, translations=translations), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Laptops for rural schools"  # the original, whatever the language
    assert body["language"] == "en"
    assert body["translations"] == {"ar": translations["ar"], "fr": translations["fr"]}
    need = Need.objects.get(pk=body["id"])
    assert need.i18n == {"title_fr": FRENCH_TITLE, "title_ar": "حواسيب للمدارس الريفية"}
    # Read in French, the fields stay the original; the translations are alongside.
    french = client.get(f"/api/v1/needs/{need.pk}/?lang=fr").json()
    assert french["title"] == "Laptops for rural schools"
    assert french["translations"]["fr"]["title"] == FRENCH_TITLE


def test_translations_are_written_whole_and_a_language_change_keeps_them(gov_editor, government):
    need = NeedFactory(organization=government, i18n={"title_fr": FRENCH_TITLE, "title_es": "x"})
    client = client_for(gov_editor)
    response = client.patch(
        f"/api/v1/needs/{need.pk}/",
        {"translations": {"fr": {"title": FRENCH_TITLE, "description": "Des écoles."}}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["translations"] == {
        "fr": {"title": FRENCH_TITLE, "description": "Des écoles."}
    }
    response = client.patch(f"/api/v1/needs/{need.pk}/", {"language": "ru"}, format="json")
    assert response.status_code == 200, response.content
    need.refresh_from_db()
    assert need.language == "ru"
    assert need.i18n == {"title_fr": FRENCH_TITLE, "description_fr": "Des écoles."}


@pytest.mark.parametrize(
    "translations",
    [
        {"de": {"title": "Laptops für Schulen"}},  # not one of the six
        {"en": {"title": "Laptops"}},  # the original's own language
        {"fr": {"area": "KE-31"}},  # not a translated field
        {"fr": {"title": "x" * 201}},  # longer than the field
        {"fr": {"title": "nul\x00"}},  # PostgreSQL refuses NUL
        {"fr": "Ordinateurs"},  # not an object of fields
        ["fr"],  # not an object of languages
    ],
)
def test_bad_translations_are_a_field_error_and_change_nothing(
    gov_editor, government, translations
):
    need = NeedFactory(organization=government, i18n={"title_fr": FRENCH_TITLE})
    before = row_counts()
    client = client_for(gov_editor)
    created = client.post(
        "/api/v1/needs/", _need_payload(government, translations=translations), format="json"
    )
    assert "translations" in field_errors(created)
    edited = client.patch(
        f"/api/v1/needs/{need.pk}/", {"translations": translations}, format="json"
    )
    assert "translations" in field_errors(edited)
    assert row_counts() == before
    need.refresh_from_db()
    assert need.i18n == {"title_fr": FRENCH_TITLE}


def test_a_language_change_onto_a_translation_is_refused(gov_editor, government):
    need = NeedFactory(organization=government, i18n={"title_fr": FRENCH_TITLE})
    response = client_for(gov_editor).patch(
        f"/api/v1/needs/{need.pk}/", {"language": "fr"}, format="json"
    )
    assert "translations" in field_errors(response)
    need.refresh_from_db()
    assert need.language == "en"


def test_an_organization_gives_its_name_in_several_languages(ngo_editor):
    body = {
        "name": "Ponts numériques",
        "kind": "ngo",
        "country": "KE",
        "language": "fr",
        "translations": {"en": {"name": "Digital Bridges Africa"}, "es": {"name": "Puentes"}},
    }
    client = client_for(ngo_editor)
    response = client.post("/api/v1/organizations/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["name"], created["language"]) == ("Ponts numériques", "fr")
    assert created["translations"] == {"en": {"name": "Digital Bridges Africa"},
                                       "es": {"name": "Puentes"}}  # fmt: skip
    again = client.get(f"/api/v1/organizations/{created['id']}/?lang=es").json()
    assert again["translations"] == created["translations"]
    refused = client.patch(
        f"/api/v1/organizations/{created['id']}/",
        {"translations": {"fr": {"name": "Autre"}}},
        format="json",
    )
    assert "translations" in field_errors(refused)


def _heading(page: str) -> str:
    match = re.search(r'<h1 class="govuk-heading-l"[^>]*>[^<]*</h1>', page)
    assert match, page
    return match.group(0)


def test_the_need_page_shows_the_readers_language_when_the_need_has_it(government):
    need = NeedFactory(organization=government, i18n={"title_fr": FRENCH_TITLE})
    french = Client().get(f"/needs/{need.pk}/?lang=fr").content.decode()
    assert (
        _heading(french) == f'<h1 class="govuk-heading-l" lang="fr" dir="ltr">{FRENCH_TITLE}</h1>'
    )
    assert 'id="title-language"' not in french
    # The description has no French: it is shown as written, and the page says in what language.
    assert f'<p class="govuk-body" lang="en" dir="ltr">{need.description}</p>' in french
    assert 'id="description-language"' in french


def test_the_need_page_shows_the_original_and_says_its_language_otherwise(government):
    need = NeedFactory(
        organization=government,
        title="Ordinateurs portables",
        description="",
        language="fr",
        i18n={"title_ar": "حواسيب محمولة"},
    )
    russian = Client().get(f"/needs/{need.pk}/?lang=ru").content.decode()
    assert 'lang="fr" dir="ltr">Ordinateurs portables</h1>' in _heading(russian)
    note = re.search(r'<p[^>]*id="title-language">([^<]*)</p>', russian)
    assert note and "(Французский)" in note.group(1), note  # "French", said in Russian
    arabic = Client().get(f"/needs/{need.pk}/?lang=ar").content.decode()
    assert 'lang="ar" dir="rtl">حواسيب محمولة</h1>' in _heading(arabic)
    assert 'id="title-language"' not in arabic


def _span(language: str, text: str) -> str:
    direction = "rtl" if language == "ar" else "ltr"
    return f'<span lang="{language}" dir="{direction}">{text}</span>'


def test_the_needs_list_shows_the_readers_language_or_the_original_marked_with_its_own():
    ministry = NeedFactory(i18n={"title_fr": FRENCH_TITLE}).organization
    ministry.i18n = {"name_fr": "Ministère du numérique"}
    ministry.save(update_fields=["i18n"])
    arabic = NeedFactory(organization=ministry, title="حواسيب محمولة", language="ar", i18n={})

    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            body = Client().get("/needs/?lang=fr").content.decode()
        return body, len(queries)

    french, few = page()
    assert _span("fr", FRENCH_TITLE) in french
    assert _span("fr", "Ministère du numérique") in french
    # No French for this one: the Arabic original, marked Arabic and right to left.
    assert _span("ar", arabic.title) in french
    english = Client().get("/needs/?lang=en").content.decode()
    assert FRENCH_TITLE not in english and _span("ar", arabic.title) in english
    # The translations are read with the rows: more needs, no more queries.
    for _ in range(4):
        NeedFactory(organization=ministry, i18n={"title_fr": "Encore"})
    assert page()[1] == few


def test_the_review_queue_shows_the_readers_language():
    from tests.web.scenario import build_scenario

    scenario = build_scenario()
    need, government = scenario.need, scenario.need.organization
    Need.objects.filter(pk=need.pk).update(i18n={"title_es": "Portátiles para escuelas"})
    Organization.objects.filter(pk=government.pk).update(i18n={"name_es": "Ministerio TIC"})
    partner = scenario.laptops.organization
    Organization.objects.filter(pk=partner.pk).update(i18n={"name_es": "Socio en español"})
    client = Client()
    client.force_login(scenario.coordinator)
    queue = client.get("/console/review/?lang=es").content.decode()
    for text in ("Portátiles para escuelas", "Ministerio TIC", "Socio en español"):
        assert _span("es", text) in queue, text
    english = client.get("/console/review/?lang=en").content.decode()
    assert _span("en", need.title) in english and "Ministerio TIC" not in english
    proposal = client.get(f"/console/proposals/{scenario.proposal.id}/?lang=es").content.decode()
    assert f'<h1 class="govuk-heading-l">{_span("es", "Portátiles para escuelas")}</h1>' in proposal
    assert _span("es", "Ministerio TIC") in proposal


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_searching_a_french_word_finds_the_need_whose_french_translation_holds_it(api):
    need = NeedFactory(
        i18n={"title_fr": FRENCH_TITLE, "description_fr": "Les bibliothèques manquent de liseuses."}
    )
    NeedFactory(i18n={"title_es": "Ordenadores para escuelas"})
    # (The factory's English titles say "rural" too: a French-only word is searched.)
    assert _ids(api.get("/api/v1/needs/?q=ordinateurs")) == {need.pk}
    assert _ids(api.get("/api/v1/needs/?q=bibliothèques liseuses")) == {need.pk}
    assert _ids(api.get("/api/v1/needs/?q=ordinateurs -écoles")) == set()
    # A change of translation changes what is found (the column is computed from the row).
    Need.objects.filter(pk=need.pk).update(i18n={"title_fr": "Tablettes"})
    assert _ids(api.get("/api/v1/needs/?q=ordinateurs")) == set()
    assert _ids(api.get("/api/v1/needs/?q=tablettes")) == {need.pk}
    # The original still finds it; a need without translations (NULL i18n) is still found.
    bare = NeedFactory(title="Solar chargers for clinics")
    Need.objects.filter(pk=bare.pk).update(i18n=None)
    assert _ids(api.get("/api/v1/needs/?q=solar")) == {bare.pk}


def test_the_review_queue_search_finds_a_need_by_its_translation():
    from tests.web.scenario import build_scenario

    scenario = build_scenario()
    Need.objects.filter(pk=scenario.need.pk).update(i18n={"title_fr": "Tablettes numériques"})
    client = Client()
    client.force_login(scenario.coordinator)
    found = client.get("/console/review/", {"q": "tablettes", "lang": "fr"}).content.decode()
    assert f"/console/proposals/{scenario.proposal.id}/" in found
    missed = client.get("/console/review/", {"q": "submarines"}).content.decode()
    assert f"/console/proposals/{scenario.proposal.id}/" not in missed


def test_searching_organizations_finds_a_translated_name(api):
    ministry = NeedFactory().organization
    Organization.objects.filter(pk=ministry.pk).update(
        name="Ministry of ICT", i18n={"name_fr": "Ministère du numérique", "name_ru": "Минцифры"}
    )
    assert _ids(api.get("/api/v1/organizations/?q=numérique")) == {ministry.pk}
    assert _ids(api.get("/api/v1/organizations/?q=минцифры")) == {ministry.pk}
    assert _ids(api.get("/api/v1/organizations/?q=ministry of ict")) == {ministry.pk}
    assert _ids(api.get("/api/v1/organizations/?q=name_fr")) == set()


def _console_need(government, **changes) -> dict:
    data = {
        "organization": government.pk,
        "title": "Laptops for rural schools",
        "area": "KE-30",
        "priority": "3",
        "item_1_category": "laptops",
        "item_1_quantity": "50",
        "draft": "1",
        "translations-language": "en",
    }
    data.update(changes)
    return data


def test_the_console_posts_and_edits_a_need_with_translations(gov_editor, government):
    client = Client()
    client.force_login(gov_editor)
    form = client.get("/console/needs/new/?lang=fr").content.decode()
    assert 'name="translations-title_ar"' in form and 'lang="ar" dir="rtl"' in form
    response = client.post(
        "/console/needs/new/",
        _console_need(government, **{"translations-title_fr": FRENCH_TITLE}),
    )
    assert response.status_code == 302, response.content.decode()
    need = Need.objects.get(organization=government)
    assert (need.language, need.i18n) == ("en", {"title_fr": FRENCH_TITLE})
    # The edit page shows the translation; what is sent replaces the translations.
    edit = f"/console/needs/{need.pk}/edit/"
    assert FRENCH_TITLE in client.get(edit).content.decode()
    sent = _console_need(government, **{"translations-title_es": "Portátiles", "save": "1"})
    del sent["organization"], sent["draft"]
    assert client.post(edit, sent).status_code == 302
    need.refresh_from_db()
    assert need.i18n == {"title_es": "Portátiles"}


def test_a_refused_console_translation_is_shown_on_its_field_and_writes_nothing(
    gov_editor, government
):
    client = Client()
    client.force_login(gov_editor)
    before = row_counts()
    # A translation in the original's language, and one too long.
    response = client.post(
        "/console/needs/new/?lang=fr",
        _console_need(
            government,
            **{"translations-title_en": "Laptops", "translations-title_ru": "Н" * 201},
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_translations-title_en-error"' in page
    assert 'id="id_translations-title_ru-error"' in page
    assert "200" in page.split('id="id_translations-title_ru-error"')[1].split("</p>")[0]
    assert 'href="#id_translations-title_en"' in page  # the error summary links to the field
    assert row_counts() == before


def test_an_organization_is_registered_in_the_console_with_its_name_in_arabic(ngo_editor):
    client = Client()
    client.force_login(ngo_editor)
    response = client.post(
        "/console/organizations/new/",
        {
            "name": "Connect the Villages",
            "kind": "ngo",
            "country": "KE",
            "contact_email": "info@example.org",
            "translations-language": "en",
            "translations-name_ar": "ربط القرى",
        },
    )
    assert response.status_code == 302, response.content.decode()
    organization = Organization.objects.get(name="Connect the Villages")
    assert organization.i18n == {"name_ar": "ربط القرى"}
