"""The rules of area codes, shared by the registry, the selectors and the engine (no database)."""

import ast
import pathlib

import pytest

from matching import engine
from registry import area_codes
from registry.area_codes import (
    GLOBAL,
    LEVEL_COUNTRY,
    LEVEL_GLOBAL,
    LEVEL_SAME,
    country_of,
    covering_areas,
    covering_codes,
    covers,
    is_subdivision,
    normalise,
)

CODES = ["global", "KE", "KE-30", "KE-01", "UG", "UG-102"]


@pytest.mark.parametrize(
    ("code", "country"), [("KE-30", "KE"), ("KE", "KE"), ("UG-102", "UG"), ("global", None)]
)
def test_the_country_of_an_area_is_its_prefix_and_global_has_none(code, country):
    assert country_of(code) == country


@pytest.mark.parametrize(("code", "expected"), [("KE-30", True), ("KE", False), ("global", False)])
def test_only_a_code_with_a_dash_names_a_subdivision(code, expected):
    assert is_subdivision(code) is expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("KE-30", (("KE-30", LEVEL_SAME), ("KE", LEVEL_COUNTRY), (GLOBAL, LEVEL_GLOBAL))),
        ("KE", (("KE", LEVEL_SAME), (GLOBAL, LEVEL_GLOBAL))),
        ("global", ((GLOBAL, LEVEL_SAME),)),
    ],
)
def test_an_area_is_covered_by_itself_its_country_and_global_from_the_most_precise(code, expected):
    assert covering_codes(code) == expected
    assert covering_areas(code) == [covering for covering, _level in expected]


@pytest.mark.parametrize("offer_area", CODES)
@pytest.mark.parametrize("need_area", CODES)
def test_an_offer_covers_a_need_exactly_when_its_area_is_among_the_covering_ones(
    offer_area, need_area
):
    wider = offer_area == GLOBAL or offer_area == country_of(need_area)
    assert covers(offer_area, need_area) is (offer_area == need_area or wider)
    assert covers(offer_area, need_area) is (offer_area in covering_areas(need_area))


def test_the_engine_applies_the_same_rules_not_a_copy():
    assert engine.covers is covers and engine.country_of is country_of


def test_the_rules_import_nothing_so_that_the_engine_may_use_them():
    tree = ast.parse(pathlib.Path(area_codes.__file__).read_text())
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert set(imported) <= {"__future__"}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("global", "global"),
        ("Global", "global"),
        (" GLOBAL ", "global"),
        ("ke", "KE"),
        ("ke-30", "KE-30"),
    ],
)
def test_an_area_code_is_stored_one_way_whichever_case_it_was_typed_in(typed, stored):
    """The API, the console's forms and the imports all store through `normalise`, so `Global` typed
    in a form and in a request give the same row."""
    assert normalise(typed) == stored
