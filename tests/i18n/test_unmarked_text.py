"""Every word of the console goes through gettext: pages rendered in a pseudo-language show none
that is not wrapped by the pseudo-catalogue, apart from the catalogue's own data."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pycountry
import pytest
from django.apps import apps
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.db import models
from django.test import Client, override_settings
from django.utils import translation

from config.catalogues import catalogue_path
from tests.web.scenario import build_scenario

pytestmark = pytest.mark.django_db

PSEUDO = "qps"  # the code Windows uses for pseudo-localization
WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
# Words that come translated from Django's own catalogues (dates), not from this project's.
DJANGO_WORDS = re.compile(
    r"\b(Jan|Feb|March|April|May|June?|July?|Aug|Sept?|Oct|Nov|Dec|a\.m\.|p\.m\.|midnight|noon)\b\.?"
    # The pseudo-language's own name, where forms list the languages (Django names the real ones).
    r"|\bPseudo\b"
)


def django_messages() -> re.Pattern[str]:
    """Django's own strings (form labels, password rules, 'n minutes'), which Django translates."""
    import django

    root = Path(django.__file__).parent
    patterns = []
    for po in [
        root / "conf/locale/en/LC_MESSAGES/django.po",
        *root.glob("contrib/*/locale/en/LC_MESSAGES/django.po"),
    ]:
        for entry in polib.pofile(str(po)):
            for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
                pattern = re.sub(r"%\\\(\w+\\\)[sd]|%[sd]", ".+?", re.escape(msgid))
                patterns.append(pattern.replace("\\ ", r"\s"))
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)


ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


@pytest.fixture
def pseudo_language(tmp_path, monkeypatch):
    """A catalogue that wraps every English string in ⟦ ⟧, active under the code qps."""
    english = polib.pofile(str(catalogue_path("en")))
    for entry in english:
        if entry.msgid_plural:
            entry.msgstr_plural = {
                index: f"⟦{text}⟧" for index, text in entry.msgstr_plural.items()
            }
        else:
            entry.msgstr = f"⟦{entry.msgstr}⟧"
    folder = tmp_path / PSEUDO / "LC_MESSAGES"
    folder.mkdir(parents=True)
    english.save_as_mofile(str(folder / "django.mo"))
    languages = [*settings.LANGUAGES, (PSEUDO, "Pseudo")]
    info = {"bidi": False, "code": PSEUDO, "name": "Pseudo", "name_local": "Pseudo"}
    monkeypatch.setitem(LANG_INFO, PSEUDO, info)
    with override_settings(LOCALE_PATHS=[str(tmp_path)], LANGUAGES=languages):
        yield
    translation.deactivate()


class Texts(HTMLParser):
    """The text a reader meets: text nodes and the attributes read aloud, outside script/style."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title") or (
            tag == "select" and ("name", "language") in attrs
        ):
            self._skipping += 1
        self.texts.extend(value for name, value in attrs if name in ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title", "select") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(data)


def catalogue_data() -> re.Pattern[str]:
    """Every text value stored in the database: names, titles, codes people and fixtures wrote."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if fields:
            for row in model.objects.values_list(*fields):
                values.update(_strings(row))
    # Country and subdivision names come from pycountry's ISO data (translated where it has them).
    countries = {value[:2] for value in values if re.fullmatch(r"[A-Z]{2}(-\w+)?", value)}
    values.update(country.name for country in pycountry.countries)
    for code in countries:
        values.update(area.name for area in pycountry.subdivisions.get(country_code=code) or [])
    return re.compile("|".join(map(re.escape, sorted(values, key=len, reverse=True))))


def _strings(value) -> list[str]:
    """The strings inside a value (JSON values included)."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


def unmarked(html: str, data: re.Pattern[str], django: re.Pattern[str]) -> list[str]:
    parser = Texts()
    parser.feed(html)
    left = []
    for text in parser.texts:
        if django.fullmatch(text.strip()):
            continue
        while WRAPPED.search(text):
            text = WRAPPED.sub(" ", text)
        text = data.sub(" ", text)
        text = DJANGO_WORDS.sub(" ", text)
        if re.search(r"[^\W\d_]{2,}", text):
            left.append(" ".join(text.split()))
    return left


def test_no_console_page_shows_a_word_outside_the_catalogues(pseudo_language):
    scenario = build_scenario()
    proposal, need = scenario.proposal.id, scenario.need.id
    visits = {
        None: [
            "/",
            "/needs/",
            f"/needs/{need}/",
            "/offers/",
            "/partnerships/",
            "/dashboard/",
            "/reference/",
            "/accounts/login/",
            "/accounts/register/",
            "/no-such-page/",
        ],
        scenario.coordinator: [
            "/console/",
            "/console/review/",
            f"/console/proposals/{proposal}/",
            "/console/runs/",
            "/console/organizations/",
        ],
        scenario.ngo_editor: [
            "/console/",
            "/console/my-proposals/",
            "/console/offers/",
            "/console/offers/new/",
            "/console/organizations/new/",
            "/accounts/password/",
            f"/console/proposals/{proposal}/",
        ],
        scenario.government_editor: ["/console/needs/", "/console/needs/new/"],
        scenario.community_editor: [f"/needs/{need}/"],
    }
    data = catalogue_data()
    django = django_messages()
    found: dict[str, list[str]] = {}
    for user, paths in visits.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for path in paths:
            response = client.get(path, {"lang": PSEUDO})
            assert response["Content-Language"] == PSEUDO
            assert response.status_code in (200, 404), path
            left = unmarked(response.content.decode(), data, django)
            if left:
                found[path] = left
    assert found == {}, "\n".join(f"{path}: {texts}" for path, texts in found.items())
