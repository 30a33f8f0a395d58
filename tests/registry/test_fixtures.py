"""The taxonomies are in a fresh database as soon as `migrate` has run."""

import pytest
from django.contrib.auth.models import Group

from registry.models import Category, CurrencyRate, FocusArea, SdgTarget, VulnerableGroup
from registry.taxonomy_fixtures import load_taxonomies

pytestmark = pytest.mark.django_db

REQUIRED_CATEGORIES = {
    "grant": "financial",
    "trainer-days": "human",
    "software-engineer-days": "human",
    "accessibility-expert-days": "human",
    "public-servant-training-days": "human",
    "laptops": "technical",
    "tablets": "technical",
    "assistive-devices": "technical",
    "connectivity-sites": "technical",
}


def test_the_required_categories_exist_with_their_kind():
    kinds = dict(Category.objects.values_list("slug", "kind"))
    for slug, kind in REQUIRED_CATEGORIES.items():
        assert kinds[slug] == kind


def test_focus_areas_and_vulnerable_groups_include_the_designed_slugs():
    focus = set(FocusArea.objects.values_list("slug", flat=True))
    assert {
        "connectivity",
        "affordability",
        "devices",
        "digital-skills",
        "accessible-services",
        "online-safety",
        "local-content-and-languages",
        "digital-public-services",
        "public-sector-capacity",
    } <= focus
    groups = set(VulnerableGroup.objects.values_list("slug", flat=True))
    assert {
        "persons-with-disabilities",
        "older-persons",
        "women-and-girls",
        "youth",
        "rural-communities",
        "indigenous-peoples",
        "migrants-and-refugees",
        "low-income-households",
    } <= groups


def test_all_169_sdg_targets_are_loaded_in_official_order():
    assert SdgTarget.objects.count() == 169
    codes = list(SdgTarget.objects.values_list("code", flat=True))
    assert codes[:8] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b", "2.1"]
    assert codes[-1] == "17.19"
    assert SdgTarget.objects.get(code="9.c").title.startswith(
        "Significantly increase access to information"
    )


def test_currency_rates_have_a_date_and_usd_is_one():
    usd = CurrencyRate.objects.get(currency="USD")
    assert usd.per_usd == 1
    assert CurrencyRate.objects.filter(as_of__isnull=True).count() == 0
    assert CurrencyRate.objects.count() >= 10


def test_the_coordinators_group_exists():
    assert Group.objects.filter(name="coordinators").exists()


def test_loading_the_taxonomies_again_changes_no_count():
    before = (Category.objects.count(), SdgTarget.objects.count(), CurrencyRate.objects.count())
    load_taxonomies()
    assert (
        Category.objects.count(),
        SdgTarget.objects.count(),
        CurrencyRate.objects.count(),
    ) == before
