"""Reference data in the six languages: the API's labels follow the language, identifiers never."""

from __future__ import annotations

import unicodedata

import pytest
from django.test import Client
from django.utils import translation

from registry.models import Category, FocusArea, SdgGoal, SdgTarget, VulnerableGroup
from tests.factories import NeedItemFactory

pytestmark = pytest.mark.django_db

OTHER_LANGUAGES = ("ar", "zh_hans", "fr", "ru", "es")
GROUPS = "/api/v1/taxonomy/vulnerable-groups/"


def _names(response) -> dict[str, str]:
    return {row["slug"]: row["name"] for row in response.json()["results"]}


def test_the_same_request_in_two_languages_gives_the_same_slugs_and_different_names(api):
    english = _names(api.get(GROUPS, HTTP_ACCEPT_LANGUAGE="en"))
    french = _names(api.get(GROUPS, HTTP_ACCEPT_LANGUAGE="fr"))
    assert english.keys() == french.keys()
    assert english["persons-with-disabilities"] == "Persons with disabilities"
    assert french["persons-with-disabilities"] == "Personnes handicapées"
    arabic = _names(api.get(GROUPS + "?lang=ar"))
    assert arabic["persons-with-disabilities"] == "الأشخاص ذوو الإعاقة"
    assert all(english[slug] != french[slug] for slug in english)


def test_an_unsupported_language_gets_english_labels_and_says_so(api):
    response = api.get(GROUPS, HTTP_ACCEPT_LANGUAGE="de")
    assert response["Content-Language"] == "en"
    assert response["Language-Fallback"] == "de"
    assert _names(response)["older-persons"] == "Older persons"


def test_sdg_targets_carry_the_un_titles_in_each_language(api):
    chinese = api.get("/api/v1/taxonomy/sdg-targets/9.c/?lang=zh-hans").json()
    english = api.get("/api/v1/taxonomy/sdg-targets/9.c/").json()
    assert chinese["code"] == english["code"] == "9.c"
    assert chinese["title"].startswith("大幅提升信息和通信技术的普及度")
    assert english["title"].startswith("Significantly increase access to information")
    # The French title keeps its own field, whatever the language.
    assert chinese["title_fr"] == english["title_fr"] != ""


def test_sdg_targets_carry_their_goals_official_title_in_the_request_language(api):
    target = "/api/v1/taxonomy/sdg-targets/9.c/"
    arabic = api.get(target + "?lang=ar").json()
    chinese = api.get(target + "?lang=zh-hans").json()
    english = api.get(target).json()
    assert arabic["goal"] == chinese["goal"] == english["goal"] == 9
    # The UN's texts, as in sdg-translations/{ar,zh-Hans}/global_goals.yml.
    assert arabic["goal_title"] == (
        "بناء هياكل أساسية مرنة، وتعزيز التصنيع الشامل والمستدام وتعزيز الابتكار"
    )
    assert (
        chinese["goal_title"]
        == "建造具备抵御灾害能力的基础设施,促进具有包容性的可持续工业化,推动创新"
    )
    assert english["goal_title"] == (
        "Build resilient infrastructure, promote inclusive and sustainable industrialization "
        "and foster innovation"
    )
    # An unsupported language: the English title, and the response says so.
    unsupported = api.get(target + "?lang=xx")
    assert unsupported["Content-Language"] == "en"
    assert unsupported.json()["goal_title"] == english["goal_title"]
    # The list too, each target with its own goal's title.
    listed = api.get("/api/v1/taxonomy/sdg-targets/?goal=17&lang=es").json()["results"]
    assert {row["goal_title"] for row in listed} == {
        "Fortalecer los medios de implementación y revitalizar la Alianza Mundial para el "
        "Desarrollo Sostenible"
    }


def test_sdg_goals_in_two_languages_have_the_same_codes_and_targets_and_different_titles(api):
    english = api.get("/api/v1/taxonomy/sdg-goals/").json()["results"]
    french = api.get("/api/v1/taxonomy/sdg-goals/", HTTP_ACCEPT_LANGUAGE="fr")
    assert french["Content-Language"] == "fr"
    french_rows = french.json()["results"]
    assert [row["goal"] for row in english] == [row["goal"] for row in french_rows]
    assert [row["goal"] for row in english] == list(range(1, 18))
    assert [row["targets"] for row in english] == [row["targets"] for row in french_rows]
    assert all(e["title"] != f["title"] for e, f in zip(english, french_rows, strict=True))
    goal = {row["goal"]: row for row in french_rows}[9]
    # The UN's French text, and the targets in the official order.
    assert goal["title"].startswith("Bâtir une infrastructure résiliente")
    assert goal["targets"] == ["9.1", "9.2", "9.3", "9.4", "9.5", "9.a", "9.b", "9.c"]
    assert sum(len(row["targets"]) for row in english) == 169
    spanish = api.get("/api/v1/taxonomy/sdg-goals/17/?lang=es").json()
    assert spanish["title"] == (
        "Fortalecer los medios de implementación y revitalizar la Alianza Mundial para el "
        "Desarrollo Sostenible"
    )
    assert api.get("/api/v1/taxonomy/sdg-goals/18/").status_code == 404


def test_descriptions_follow_the_language_too(api):
    french = api.get(GROUPS + "persons-with-disabilities/?lang=fr").json()
    english = api.get(GROUPS + "persons-with-disabilities/").json()
    assert french["description"] == (
        "Personnes qui présentent des incapacités physiques, mentales, intellectuelles ou "
        "sensorielles durables, au sens de la Convention relative aux droits des personnes "
        "handicapées."
    )
    assert english["description"].startswith("Persons with long-term physical, mental")
    category = api.get("/api/v1/taxonomy/categories/grant/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert category["description"].startswith("Безвозмездное финансирование")


def test_ordering_by_name_follows_the_language(api):
    russian = api.get(GROUPS + "?ordering=name", HTTP_ACCEPT_LANGUAGE="ru").json()["results"]
    english = api.get(GROUPS + "?ordering=name", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    names = [row["name"] for row in russian]
    assert names == sorted(names)
    assert [row["slug"] for row in russian] != [row["slug"] for row in english]


def test_every_taxonomy_row_is_named_in_every_language():
    for model in (Category, FocusArea, VulnerableGroup):
        for row in model.objects.all():
            missing = [code for code in OTHER_LANGUAGES if not row.i18n.get(f"name_{code}")]
            assert missing == [], (model.__name__, row.slug)
            missing = [code for code in OTHER_LANGUAGES if not row.i18n.get(f"description_{code}")]
            assert missing == [], (model.__name__, row.slug, "description")
    assert SdgGoal.objects.count() == 17
    for goal in SdgGoal.objects.all():
        missing = [code for code in OTHER_LANGUAGES if not goal.i18n.get(f"title_{code}")]
        assert missing == [], goal.goal
    assert SdgTarget.objects.count() == 169
    for target in SdgTarget.objects.all():
        missing = [code for code in OTHER_LANGUAGES if not target.i18n.get(f"title_{code}")]
        assert missing == [], target.code
        # Composed (NFC): a search for a word typed on a keyboard finds it.
        assert all(unicodedata.is_normalized("NFC", text) for text in target.i18n.values())


def test_filtering_by_a_translated_name_works_in_the_database():
    with translation.override("ru"):
        found = list(VulnerableGroup.objects.filter(name_i18n__icontains="инвалид"))
    assert [group.slug for group in found] == ["persons-with-disabilities"]
    with translation.override("zh-hans"):
        goals = list(SdgGoal.objects.filter(title_i18n__contains="伙伴关系"))
        ordered = [goal.goal for goal in SdgGoal.objects.order_by("title_i18n")]
    assert [goal.goal for goal in goals] == [17]
    with translation.override("en"):
        assert [goal.goal for goal in SdgGoal.objects.order_by("title_i18n")] != ordered


def test_pages_name_categories_and_groups_in_the_readers_language():
    item = NeedItemFactory(category_id="laptops")
    item.need.vulnerable_groups.set(["persons-with-disabilities"])
    laptops = Category.objects.get(slug="laptops")
    french = Client().get(f"/needs/{item.need_id}/?lang=fr").content.decode()
    assert laptops.i18n["name_fr"] != laptops.name
    assert f'<th scope="row" class="govuk-table__header">{laptops.i18n["name_fr"]}</th>' in french
    assert "Personnes handicapées" in french
    english = Client().get(f"/needs/{item.need_id}/").content.decode()
    assert f'<th scope="row" class="govuk-table__header">{laptops.name}</th>' in english
    assert "Persons with disabilities" in english
    # Form choices too (the need form's checkboxes, the queue's selects): str() is the name.
    with translation.override("fr"):
        assert str(laptops) == laptops.i18n["name_fr"]


def test_the_reference_page_shows_goals_targets_and_terms_in_the_readers_language():
    goal = SdgGoal.objects.get(goal=9)
    target = SdgTarget.objects.get(code="9.c")
    group = VulnerableGroup.objects.get(slug="persons-with-disabilities")
    english = Client().get("/reference/")
    french = Client().get("/reference/?lang=fr")
    assert english.status_code == french.status_code == 200
    assert french["Content-Language"] == "fr"
    english_page, french_page = english.content.decode(), french.content.decode()
    for code, text in (("fr", french_page), ("en", english_page)):
        with translation.override(code):
            assert str(goal.title_i18n) in text  # type: ignore[attr-defined]
            assert str(target.title_i18n) in text  # type: ignore[attr-defined]
            assert str(group.name_i18n) in text  # type: ignore[attr-defined]
            assert str(group.description_i18n) in text  # type: ignore[attr-defined]
        # The identifiers stay as they are, left to right.
        assert '<bdi dir="ltr">9.c</bdi>' in text
        assert '<bdi dir="ltr">persons-with-disabilities</bdi>' in text
        assert text.count('<bdi dir="ltr">') >= 169
    assert goal.i18n["title_fr"] in french_page and goal.i18n["title_fr"] not in english_page
    assert target.i18n["title_fr"] in french_page
    # Every page links to it.
    assert 'href="/reference/"' in Client().get("/needs/?lang=ar").content.decode()


def test_the_need_and_proposal_pages_name_their_sdg_targets_in_the_readers_language():
    from tests.web.scenario import build_scenario

    scenario = build_scenario()
    scenario.need.sdg_targets.set(["9.c", "4.4"])
    target = SdgTarget.objects.get(code="9.c")
    goal = SdgGoal.objects.get(goal=9)
    client = Client()
    client.force_login(scenario.coordinator)
    for path in (f"/needs/{scenario.need.id}/", f"/console/proposals/{scenario.proposal.id}/"):
        spanish = client.get(path, {"lang": "es"}).content.decode()
        assert target.i18n["title_es"] in spanish, path
        assert goal.i18n["title_es"] in spanish, path
        assert spanish.index('<bdi dir="ltr">4.4</bdi>') < spanish.index('<bdi dir="ltr">9.c</bdi>')
        english = client.get(path).content.decode()
        assert target.title in english and target.i18n["title_es"] not in english, path
