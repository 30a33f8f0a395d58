"""`stats/coverage/` over HTTP: each category in its unit, money in US dollars at the dated rates,
areas rolled up, and reserved, committed and delivered kept apart. Every expectation below is
computed by hand from the rates fixture (KES 129.2 per USD on 2026-10-30; ISK has no rate)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from registry.models import Need
from tests.api.checks import field_errors
from tests.conftest import client_for
from tests.factories import Coalition, NeedFactory, NeedItemFactory, coalition

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/coverage/"


def coverage(api, by: str) -> dict:
    response = api.get(URL, {"by": by})
    assert response.status_code == 200, response.content
    return response.json()


def rows(body: dict) -> dict[str, dict]:
    return {row["key"]: row for row in body["rows"]}


def figures(row: dict) -> dict[tuple[str, str], dict]:
    return {(figure["category"], figure["unit"]): figure for figure in row["figures"]}


def amounts(figure: dict) -> tuple[str, str, str, str]:
    return figure["needed"], figure["reserved"], figure["committed"], figure["delivered"]


@pytest.fixture
def world(settings) -> Coalition:
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    world = coalition()  # KE-30: laptops 60 and a USD 20,000 grant, proposed
    assert client_for(world.coordinator).post(world.url("accept")).status_code == 200
    return world


@pytest.fixture
def catalogue(world):
    kenya = NeedFactory(area="KE")
    NeedItemFactory(need=kenya, quantity=Decimal(40))
    NeedItemFactory(
        need=kenya,
        category_id="grant",
        kind="financial",
        currency="KES",
        quantity=Decimal(129200),
    )
    NeedItemFactory(need=NeedFactory(area="global"), quantity=Decimal(5))
    uganda = NeedFactory(area="UG")
    NeedItemFactory(
        need=uganda, category_id="grant", kind="financial", currency="ISK", quantity=Decimal(1000)
    )
    # Neither a draft nor a cancelled need counts.
    NeedItemFactory(need=NeedFactory(status=Need.Status.DRAFT), quantity=Decimal(999))
    NeedItemFactory(need=NeedFactory(status=Need.Status.CANCELLED), quantity=Decimal(999))
    return world


def test_money_is_converted_to_dollars_and_a_currency_without_a_rate_is_never_added(api, catalogue):
    body = coverage(api, "category")
    assert (body["currency"], body["rates_as_of"]) == ("USD", "2026-10-30")
    assert body["rates_source"]
    by_category = rows(body)
    assert set(by_category) == {"grant", "laptops"}
    grant = figures(by_category["grant"])
    # 20,000 USD + 129,200 KES / 129.2 = 21,000 USD; the 1,000 ISK stay apart, in ISK.
    assert set(grant) == {("grant", "USD"), ("grant", "ISK")}
    assert amounts(grant["grant", "USD"]) == ("21000.00", "20000.00", "0.00", "0.00")
    assert amounts(grant["grant", "ISK"]) == ("1000.00", "0.00", "0.00", "0.00")
    laptops = figures(by_category["laptops"])
    assert list(laptops) == [("laptops", "units")]
    assert amounts(laptops["laptops", "units"]) == ("105.00", "60.00", "0.00", "0.00")
    assert by_category["laptops"]["needs"] == 3
    assert by_category["grant"]["needs"] == 3


def test_a_country_includes_its_subdivisions_and_global_stays_apart(api, catalogue):
    body = coverage(api, "area")
    assert [(row["key"], row["level"], row["parent"]) for row in body["rows"]] == [
        ("global", "global", None),
        ("KE", "country", None),
        ("KE-30", "subdivision", "KE"),
        ("UG", "country", None),
    ]
    by_area = rows(body)
    assert by_area["KE"]["name"] == "Kenya"
    assert by_area["KE"]["needs"] == 2
    kenya = figures(by_area["KE"])
    assert amounts(kenya["laptops", "units"]) == ("100.00", "60.00", "0.00", "0.00")
    assert amounts(kenya["grant", "USD"]) == ("21000.00", "20000.00", "0.00", "0.00")
    nairobi = figures(by_area["KE-30"])
    assert amounts(nairobi["laptops", "units"]) == ("60.00", "60.00", "0.00", "0.00")
    assert amounts(figures(by_area["global"])["laptops", "units"])[0] == "5.00"
    assert list(figures(by_area["UG"])) == [("grant", "ISK")]
    # Shares are taken within a unit, then averaged: (60/100 + 20,000/21,000) / 2.
    assert by_area["KE"]["shares"] == {"reserved": 0.7762, "committed": 0.0, "delivered": 0.0}
    assert by_area["KE-30"]["shares"]["reserved"] == 1.0


def test_reserved_committed_and_delivered_are_separate_figures(api, world):
    need = world.need
    need.indicator_name, need.indicator_unit = "Schools with a computer lab", "%"
    need.indicator_baseline, need.indicator_target = Decimal(20), Decimal(60)
    need.save()
    need.vulnerable_groups.set(["rural-communities", "youth"])
    need.focus_areas.set(["devices"])
    need.sdg_targets.set(["4.4"])
    key = ("laptops", "units")

    reserved = rows(coverage(api, "vulnerable_group"))
    assert set(reserved) == {"rural-communities", "youth"}
    assert amounts(figures(reserved["youth"])[key]) == ("60.00", "60.00", "0.00", "0.00")
    assert reserved["youth"]["gap_closed"] == 0.0  # measured, nothing reported yet

    for user in (world.company, world.donor, world.government):
        assert client_for(user).post(world.url("confirm")).status_code == 200
    committed = rows(coverage(api, "focus_area"))
    assert amounts(figures(committed["devices"])[key]) == ("60.00", "0.00", "60.00", "0.00")

    partnership = api.get("/api/v1/partnerships/").json()["results"][0]["id"]
    reports = f"/api/v1/partnerships/{partnership}/reports/"
    filed = client_for(world.company).post(
        reports,
        {"period_end": need.created_at.date().isoformat(), "indicator_value": "30"}
        | {"narrative": "Five labs opened.", "submit": True},
        format="json",
    )
    assert filed.status_code == 201, filed.content
    reviewed = client_for(world.coordinator).post(
        f"{reports}{filed.json()['id']}/review/", {"approve": True}, format="json"
    )
    assert reviewed.status_code == 200, reviewed.content
    completed = client_for(world.coordinator).post(
        f"/api/v1/partnerships/{partnership}/complete/", {"reason": "done"}, format="json"
    )
    assert completed.status_code == 200, completed.content

    delivered = rows(coverage(api, "sdg_target"))
    assert set(delivered) == {"4.4"}
    target = delivered["4.4"]
    assert amounts(figures(target)[key]) == ("60.00", "0.00", "0.00", "60.00")
    assert amounts(figures(target)["grant", "USD"]) == ("20000.00", "0.00", "0.00", "20000.00")
    # From the approved report: 20 → 30 of the way to 60 is a quarter of the gap.
    assert (target["gap_closed"], target["measured_needs"]) == (0.25, 1)
    assert target["shares"] == {"reserved": 0.0, "committed": 0.0, "delivered": 1.0}


def test_an_unknown_grouping_or_parameter_is_refused(api, db):
    refused = api.get(URL, {"by": "currency"})
    assert "by" in field_errors(refused)
    assert refused.json()["errors"][0]["detail"] == (
        "Group by one of area, category, vulnerable_group, focus_area, sdg_target."
    )
    unknown = api.get(URL, {"area": "KE"})
    assert "area" in field_errors(unknown)
    assert unknown.json()["errors"][0]["detail"] == "Unknown query parameter."
    assert coverage(api, "area")["rows"] == []
