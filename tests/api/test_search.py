"""Finding offers and needs: area coverage, full text, filters, ordering, pagination."""

from __future__ import annotations

from decimal import Decimal

import pytest

from registry.models import Need, Offer
from tests.conftest import client_for
from tests.factories import NeedFactory, NeedItemFactory, OfferFactory

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {result["id"] for result in response.json()["results"]}


@pytest.fixture
def offers_by_area(ngo) -> dict[str, Offer]:
    return {
        area: OfferFactory(organization=ngo, areas=[area], title=f"Offer for {area}")
        for area in ("KE", "KE-30", "global", "UG")
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("KE-30", {"KE", "KE-30", "global"}),
        ("ke-30", {"KE", "KE-30", "global"}),
        ("KE-01", {"KE", "global"}),
        ("KE", {"KE", "global"}),
        ("UG", {"UG", "global"}),
        ("UG-102", {"UG", "global"}),
        ("FR", {"global"}),
        ("global", {"global"}),
    ],
)
def test_offers_are_found_for_every_area_they_cover(query, found, offers_by_area, api):
    expected = {offers_by_area[area].pk for area in found}
    assert ids(api.get(f"/api/v1/offers/?area={query}")) == expected


def test_an_offer_for_several_areas_is_found_for_each(ngo, api):
    offer = OfferFactory(organization=ngo, areas=["KE-30", "UG-102"])
    assert offer.pk in ids(api.get("/api/v1/offers/?area=KE-30"))
    assert offer.pk in ids(api.get("/api/v1/offers/?area=UG-102"))
    assert offer.pk not in ids(api.get("/api/v1/offers/?area=KE-01"))


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("KE", {"KE-30", "KE-01", "KE"}),
        ("KE-30", {"KE-30"}),
        ("UG", {"UG-102"}),
        ("global", {"KE-30", "KE-01", "KE", "UG-102"}),
    ],
)
def test_needs_are_found_within_the_area_asked_for(query, found, government, api):
    needs = {
        area: NeedFactory(organization=government, area=area)
        for area in ("KE-30", "KE-01", "KE", "UG-102")
    }
    assert ids(api.get(f"/api/v1/needs/?area={query}")) == {needs[area].pk for area in found}


def test_full_text_search_stems_words_in_titles_and_descriptions(ngo, api):
    laptops = OfferFactory(
        organization=ngo, title="Devices for schools", description="Two hundred used laptops."
    )
    trainers = OfferFactory(
        organization=ngo,
        title="Trainers",
        description="Coaching teachers in online safety.",
        category_id="trainer-days",
        kind="human",
    )
    assert ids(api.get("/api/v1/offers/?q=laptops")) == {laptops.pk}
    assert ids(api.get("/api/v1/offers/?q=laptop")) == {laptops.pk}
    assert ids(api.get("/api/v1/offers/?q=teacher")) == {trainers.pk}
    assert ids(api.get("/api/v1/offers/?q=trainer")) == {trainers.pk}
    assert ids(api.get("/api/v1/offers/?q=laptops -schools")) == set()
    assert ids(api.get("/api/v1/offers/?q=submarines")) == set()


def test_full_text_search_of_needs(government, api):
    need = NeedFactory(organization=government, description="Libraries lack screen readers.")
    NeedFactory(organization=government, description="Schools lack connectivity.")
    assert ids(api.get("/api/v1/needs/?q=library screen reader")) == {need.pk}


def test_offers_filter_by_category_kind_focus_area_group_organization_and_status(
    ngo, other_org, ngo_editor, api
):
    laptops = OfferFactory(organization=ngo)
    laptops.focus_areas.set(["devices"])
    laptops.vulnerable_groups.set(["youth", "persons-with-disabilities"])
    grant = OfferFactory(
        organization=other_org, category_id="grant", kind="financial", currency="USD"
    )
    grant.focus_areas.set(["digital-skills"])
    draft = OfferFactory(organization=ngo, status=Offer.Status.DRAFT)

    assert ids(api.get("/api/v1/offers/?category=laptops")) == {laptops.pk}
    assert ids(api.get("/api/v1/offers/?kind=financial")) == {grant.pk}
    assert ids(api.get("/api/v1/offers/?focus_area=devices")) == {laptops.pk}
    assert ids(api.get("/api/v1/offers/?vulnerable_group=youth")) == {laptops.pk}
    assert ids(api.get(f"/api/v1/offers/?organization={other_org.pk}")) == {grant.pk}
    assert ids(api.get("/api/v1/offers/?category=laptops&focus_area=digital-skills")) == set()
    assert ids(api.get("/api/v1/offers/?status=draft")) == set()
    assert ids(client_for(ngo_editor).get("/api/v1/offers/?status=draft")) == {draft.pk}


def test_offers_filter_by_availability(ngo, api):
    early = OfferFactory(organization=ngo, available_until="2026-06-30")
    open_ended = OfferFactory(organization=ngo, available_from="2026-01-01")
    assert ids(api.get("/api/v1/offers/?available_on=2026-03-01")) == {early.pk, open_ended.pk}
    assert ids(api.get("/api/v1/offers/?available_on=2026-09-01")) == {open_ended.pk}


def test_needs_filter_by_item_category_kind_priority_status_and_groups(
    government, county, county_editor, api
):
    laptops = NeedFactory(organization=government, priority=5)
    NeedItemFactory(need=laptops, category_id="laptops")
    NeedItemFactory(need=laptops, category_id="tablets")
    laptops.vulnerable_groups.set(["youth"])
    grant = NeedFactory(organization=county, priority=2, area="KE-01")
    NeedItemFactory(need=grant, category_id="grant", kind="financial", currency="KES")
    grant.focus_areas.set(["connectivity"])
    met = NeedFactory(organization=government, status=Need.Status.MET)
    draft = NeedFactory(organization=county, status=Need.Status.DRAFT, area="KE-01")

    assert ids(api.get("/api/v1/needs/?category=laptops")) == {laptops.pk}
    assert ids(api.get("/api/v1/needs/?kind=technical")) == {laptops.pk}
    assert ids(api.get("/api/v1/needs/?kind=financial")) == {grant.pk}
    assert ids(api.get("/api/v1/needs/?min_priority=4")) == {laptops.pk}
    assert ids(api.get("/api/v1/needs/?priority=2")) == {grant.pk}
    assert ids(api.get("/api/v1/needs/?vulnerable_group=youth")) == {laptops.pk}
    assert ids(api.get("/api/v1/needs/?focus_area=connectivity")) == {grant.pk}
    assert ids(api.get(f"/api/v1/needs/?organization={county.pk}")) == {grant.pk}
    assert ids(api.get("/api/v1/needs/?status=met")) == {met.pk}
    assert ids(api.get("/api/v1/needs/?status=draft")) == set()
    assert ids(client_for(county_editor).get("/api/v1/needs/?status=draft")) == {draft.pk}


def test_organizations_filter_by_kind_country_verification_and_name(
    ngo, government, other_org, coordinator, api
):
    client_for(coordinator).post(f"/api/v1/organizations/{ngo.pk}/verify/")
    assert ids(api.get("/api/v1/organizations/?kind=government")) == {government.pk}
    assert ids(api.get("/api/v1/organizations/?country=ug")) == {other_org.pk}
    # government and other_org are verified by their factory; ngo by the call above
    verified = {ngo.pk, government.pk, other_org.pk}
    assert ids(api.get("/api/v1/organizations/?verified=true")) == verified
    assert ngo.pk not in ids(api.get("/api/v1/organizations/?verified=false"))
    assert ids(api.get("/api/v1/organizations/?q=bridges")) == {ngo.pk}


def test_offers_order_by_quantity_either_way_and_newest_first_by_default(ngo, api):
    small, large, medium = (
        OfferFactory(organization=ngo, quantity=quantity) for quantity in (5, 500, 50)
    )

    def order(query: str) -> list[int]:
        return [result["id"] for result in api.get(f"/api/v1/offers/{query}").json()["results"]]

    assert order("?ordering=quantity") == [small.pk, medium.pk, large.pk]
    assert order("?ordering=-quantity") == [large.pk, medium.pk, small.pk]
    assert order("") == [medium.pk, large.pk, small.pk]


def test_needs_order_by_priority_then_deadline(government, api):
    low = NeedFactory(organization=government, priority=1)
    urgent_later = NeedFactory(organization=government, priority=5, deadline="2028-01-01")
    urgent_sooner = NeedFactory(organization=government, priority=5, deadline="2027-01-01")

    def order(query: str) -> list[int]:
        return [result["id"] for result in api.get(f"/api/v1/needs/{query}").json()["results"]]

    assert order("") == [urgent_sooner.pk, urgent_later.pk, low.pk]
    assert order("?ordering=priority,deadline") == [low.pk, urgent_sooner.pk, urgent_later.pk]


def test_lists_answer_the_pagination_envelope_with_links(ngo, api):
    for _ in range(3):
        OfferFactory(organization=ngo)
    first = api.get("/api/v1/offers/?page_size=2").json()
    second = api.get(first["next"]).json()

    assert set(first) == {"count", "next", "previous", "results"}
    assert (first["count"], len(first["results"]), first["previous"]) == (3, 2, None)
    assert (len(second["results"]), second["next"]) == (1, None)
    assert second["previous"] is not None
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})


def test_page_size_is_capped_at_100(ngo, api):
    Offer.objects.bulk_create(
        Offer(
            organization=ngo,
            title=f"Laptops {index}",
            category_id="laptops",
            kind="technical",
            quantity=Decimal(10),
            areas=["KE"],
            status=Offer.Status.PUBLISHED,
        )
        for index in range(105)
    )
    offers = api.get("/api/v1/offers/?page_size=1000").json()
    targets = api.get("/api/v1/taxonomy/sdg-targets/?page_size=1000").json()

    assert (offers["count"], len(offers["results"])) == (105, 100)
    assert offers["next"] is not None
    assert (targets["count"], len(targets["results"])) == (169, 100)
    assert len(api.get("/api/v1/offers/").json()["results"]) == 25
