"""The hot lists written from `.values()` rows answer exactly what their serializers write."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from api.renderers import ORJSONRenderer
from api.serializers.listings import (
    offer_values,
    proposal_values,
    represent_offers,
    represent_proposals,
)
from api.serializers.matching import ProposalSerializer
from api.serializers.offers import OfferSerializer
from matching.models import Proposal
from matching.services import runs
from registry.models import Offer, Organization
from tests.conftest import client_for
from tests.factories import NeedFactory, NeedItemFactory, OfferFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(settings):
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    government = OrganizationFactory(kind=Organization.Kind.GOVERNMENT, country="KE")
    for index in range(3):
        need = NeedFactory(organization=government, priority=2 + index)
        NeedItemFactory(need=need, quantity=Decimal("40.5"))
        NeedItemFactory(need=need, category_id="grant", kind="financial", currency="USD")
    OfferFactory(quantity=Decimal("60.25"), areas=["KE"], available_until=datetime.date(2030, 1, 1))
    OfferFactory(quantity=Decimal(90), areas=["KE-30"])
    OfferFactory(category_id="grant", kind="financial", currency="EUR", quantity=Decimal("1234.56"))
    runs.execute_match_run(run_id=runs.request_match_run(trigger="manual").pk)
    Proposal.objects.filter(pk=Proposal.objects.order_by("pk").first().pk).update(
        decided_at=timezone.now(), reason="Ünïcode reason"
    )
    return Proposal.objects.order_by("-created_at", "-id")


def test_proposals_from_values_equal_the_serializer(proposals):
    assert proposals.count() == 3 and sum(p.lines.count() for p in proposals) >= 3
    expected = ProposalSerializer(proposals.prefetch_related("lines"), many=True).data
    assert represent_proposals(list(proposal_values(proposals))) == expected


def test_offers_from_values_equal_the_serializer(proposals):
    offer = Offer.objects.order_by("pk").first()
    offer.focus_areas.set(["devices", "connectivity"])
    offer.vulnerable_groups.set(["youth"])
    offers = Offer.objects.prefetch_related("focus_areas", "vulnerable_groups").order_by("pk")
    expected = OfferSerializer(offers, many=True).data
    assert represent_offers(list(offer_values(offers))) == expected


def test_the_orjson_renderer_writes_the_bytes_of_drfs_renderer(proposals):
    data = {
        "results": ProposalSerializer(proposals, many=True).data,
        "when": timezone.now(),
        "amount": Decimal("1.50"),
        "text": "Ünïcode",
    }
    assert ORJSONRenderer().render(data) == JSONRenderer().render(data)


def test_the_proposal_list_and_detail_answer_the_serializers_json(proposals, coordinator):
    client = client_for(coordinator)
    listed = client.get("/api/v1/proposals/?page_size=2").json()
    assert listed["count"] == 3 and listed["next"].endswith("page=2&page_size=2")
    first = proposals.first()
    assert listed["results"][0] == ProposalSerializer(first).data
    assert client.get(f"/api/v1/proposals/{first.pk}/").json() == ProposalSerializer(first).data
    assert client.get("/api/v1/proposals/abc/").status_code == 404
