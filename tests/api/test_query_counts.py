"""Lists cost the same number of queries for 2 rows as for 20."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from registry.models import Consultation, Endorsement, Membership
from tests.conftest import client_for, member
from tests.factories import NeedFactory, NeedItemFactory, OfferFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def queries_for(client_factory, url: str, rows: int) -> int:
    """Queries of one GET by a client with cold per-user caches; checks the rows came back."""
    client_factory().get(url)  # warm process-wide caches (content types, prepared lookups)
    client = client_factory()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["results"] if isinstance(body, dict) else body) == rows
    return len(captured.captured_queries)


def fresh(user):
    """A client for a new instance of `user` (the API caches memberships on the user object)."""
    if user is None:
        return APIClient
    return lambda: client_for(get_user_model().objects.get(pk=user.pk))


def add_offers(organization, count: int) -> None:
    """`count` published offers and `count` drafts, with focus areas and groups."""
    for status in ("published", "draft") * count:
        offer = OfferFactory(organization=organization, status=status)
        offer.focus_areas.set(["devices", "digital-skills"])
        offer.vulnerable_groups.set(["youth"])


@pytest.mark.parametrize("role", ["anonymous", "member", "coordinator"])
def test_the_offer_list_costs_the_same_for_2_and_20_offers(role, ngo, ngo_editor, coordinator):
    user = {"anonymous": None, "member": ngo_editor, "coordinator": coordinator}[role]
    per_published = 1 if role == "anonymous" else 2  # the public sees no drafts
    url = "/api/v1/offers/?page_size=100"

    add_offers(ngo, 2)
    few = queries_for(fresh(user), url, rows=2 * per_published)
    add_offers(ngo, 18)
    many = queries_for(fresh(user), url, rows=20 * per_published)

    assert few == many


def add_needs(government, community, count: int) -> None:
    for _ in range(count):
        need = NeedFactory(organization=government)
        need.focus_areas.set(["devices"])
        need.vulnerable_groups.set(["youth", "older-persons"])
        need.sdg_targets.set(["4.4", "9.c"])
        NeedItemFactory(need=need, category_id="laptops")
        NeedItemFactory(need=need, category_id="trainer-days", kind="human")
        consultation = Consultation.objects.create(
            need=need, held_on=datetime.date(2025, 5, 1), summary="Town hall."
        )
        consultation.groups.set(["youth"])
        consultation.organizations.set([community])
        Endorsement.objects.create(need=need, organization=community)


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_the_need_list_costs_the_same_for_2_and_20_needs(role, government, gov_editor, community):
    user = gov_editor if role == "member" else None
    url = "/api/v1/needs/?page_size=100"

    add_needs(government, community, 2)
    few = queries_for(fresh(user), url, rows=2)
    add_needs(government, community, 18)
    many = queries_for(fresh(user), url, rows=20)

    assert few == many


@pytest.mark.parametrize("role", ["anonymous", "member", "coordinator"])
def test_the_organization_list_costs_the_same_for_2_and_20_organizations(
    role, ngo_editor, coordinator
):
    user = {"anonymous": None, "member": ngo_editor, "coordinator": coordinator}[role]
    url = "/api/v1/organizations/?page_size=100"
    # ngo_editor's fixture made one organization already.
    OrganizationFactory()
    few = queries_for(fresh(user), url, rows=2)
    for _ in range(18):
        OrganizationFactory()
    many = queries_for(fresh(user), url, rows=20)

    assert few == many


@pytest.mark.parametrize(
    "path",
    [
        "categories",
        "focus-areas",
        "vulnerable-groups",
        "sdg-goals",
        "sdg-targets",
    ],
)
def test_taxonomy_lists_cost_the_same_for_2_and_9_rows(path):
    url = f"/api/v1/taxonomy/{path}/?page_size="
    assert queries_for(APIClient, f"{url}2", rows=2) == queries_for(APIClient, f"{url}9", rows=9)


def test_the_member_list_costs_the_same_for_2_and_20_members(ngo_admin, ngo):
    url = f"/api/v1/organizations/{ngo.pk}/members/"
    member(ngo, Membership.Role.VIEWER)
    few = queries_for(fresh(ngo_admin), url, rows=2)
    for _ in range(18):
        member(ngo, Membership.Role.VIEWER)
    assert queries_for(fresh(ngo_admin), url, rows=20) == few


def test_the_endorsement_list_costs_the_same_for_2_and_20_endorsements(government, api):
    need = NeedFactory(organization=government)
    url = f"/api/v1/needs/{need.pk}/endorsements/"

    def endorse(count: int) -> None:
        for _ in range(count):
            Endorsement.objects.create(
                need=need, organization=OrganizationFactory(kind="community")
            )

    endorse(2)
    few = queries_for(APIClient, url, rows=2)
    endorse(18)
    assert queries_for(APIClient, url, rows=20) == few
