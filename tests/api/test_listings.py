"""The hot lists written from `.values()` rows answer exactly what their serializers write."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Prefetch
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from api.fast_lists import (
    OFFER,
    lines_of,
    need_values,
    offer_values,
    proposal_values,
    represent_needs,
    represent_offers,
    represent_proposals,
    shape_of,
)
from api.renderers import ORJSONRenderer
from api.serializers.matching import ProposalLineSerializer, ProposalSerializer
from api.serializers.needs import NeedSerializer
from api.serializers.offers import OfferSerializer
from matching.models import Proposal, ProposalLine
from matching.services import run_execution, runs
from registry.models import Category, Consultation, Endorsement, Need, Offer, Organization
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
    run_execution.execute_match_run(run_id=runs.request_match_run(trigger="manual").pk)
    Proposal.objects.filter(pk=Proposal.objects.order_by("pk").first().pk).update(
        decided_at=timezone.now(), reason="Ünïcode reason"
    )
    return Proposal.objects.order_by("-created_at", "-id")


def test_proposals_from_values_equal_the_serializer(proposals):
    assert proposals.count() == 3 and sum(p.lines.count() for p in proposals) >= 3
    expected = ProposalSerializer(proposals.prefetch_related("lines"), many=True).data
    assert represent_proposals(list(proposal_values(proposals))) == expected


def test_lines_from_values_equal_the_serializer(proposals):
    first = ProposalLine.objects.order_by("pk").first()
    ProposalLine.objects.filter(pk=first.pk).update(
        confirmation=ProposalLine.Confirmation.CONFIRMED, confirmed_at=timezone.now()
    )
    expected = {
        proposal.pk: ProposalLineSerializer(proposal.lines.order_by("pk"), many=True).data
        for proposal in proposals
    }
    zone = timezone.get_current_timezone()
    written = lines_of(list(expected), zone)
    assert {key: written[key] for key in expected} == expected
    assert written[first.proposal_id][0]["confirmation"] == "confirmed"
    assert written[first.proposal_id][0]["confirmed_at"].endswith("Z")


def test_the_lists_write_their_serializers_fields_in_order():
    assert [key for key, _, _ in OFFER.writers] == OfferSerializer.Meta.fields


def test_a_serializer_field_with_no_column_and_no_writer_is_refused():
    class Badged(OfferSerializer):
        badge = serializers.SerializerMethodField()

        class Meta(OfferSerializer.Meta):
            fields = [*OfferSerializer.Meta.fields, "badge"]

        def get_badge(self, offer: Offer) -> str:
            return "new"

    computed = {"focus_areas": lambda row, zone: [], "vulnerable_groups": lambda row, zone: []}
    with pytest.raises(ImproperlyConfigured, match=r"Badged\.badge"):
        shape_of(Badged, computed)
    assert [
        key
        for key, _, _ in shape_of(Badged, {**computed, "badge": lambda row, zone: "new"}).writers
    ][-1] == "badge"


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


def test_both_paths_write_the_explanations_in_the_readers_language(proposals, coordinator):
    with translation.override("fr"):
        french = ProposalSerializer(proposals.prefetch_related("lines"), many=True).data
        assert represent_proposals(list(proposal_values(proposals))) == french
        laptops = str(Category.objects.get(pk="laptops"))
    stored = {line.pk: line.explanation for p in proposals for line in p.lines.all()}
    lines = [line for proposal in french for line in proposal["lines"]]
    assert lines and all(line["explanation"] != stored[line["id"]] for line in lines)
    assert any(laptops in line["explanation"] for line in lines)
    client = client_for(coordinator)
    first = proposals.first()
    read = client.get(f"/api/v1/proposals/{first.pk}/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert read == next(p for p in french if p["id"] == first.pk)
    english = client.get(f"/api/v1/proposals/{first.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["explanation"]["summary"] == first.explanation["summary"]
    assert [line["explanation"] for line in english["lines"]] == [
        stored[line["id"]] for line in english["lines"]
    ]


def test_needs_from_values_equal_the_serializer(proposals):
    community = OrganizationFactory(kind=Organization.Kind.COMMUNITY, name="B community")
    other = OrganizationFactory(kind=Organization.Kind.COMMUNITY, name="A community")
    need = Need.objects.order_by("pk").first()
    need.focus_areas.set(["devices", "connectivity"])
    need.vulnerable_groups.set(["youth", "older-persons"])
    need.sdg_targets.set(["9.c", "4.4", "17.8"])
    Need.objects.filter(pk=need.pk).update(
        indicator_baseline=Decimal("12.5"),
        indicator_date=datetime.date(2025, 3, 1),
        indicator_disaggregation={"sex": {"female": 40, "male": "38.5"}, "age": {"65+": None}},
        population=1200,
    )
    for held_on in (datetime.date(2025, 6, 1), datetime.date(2025, 5, 1)):
        consultation = Consultation.objects.create(need=need, held_on=held_on, summary="Met.")
        consultation.groups.set(["youth", "older-persons"])
        consultation.organizations.set([community, other])
    Endorsement.objects.create(need=need, organization=community)
    Endorsement.objects.create(need=need, organization=other)
    needs = Need.objects.order_by("-priority", "deadline", "id")
    expected = NeedSerializer(
        needs.annotate(endorsement_count=Count("endorsements", distinct=True)).prefetch_related(
            "focus_areas",
            "vulnerable_groups",
            "sdg_targets",
            "items",
            Prefetch(
                "consultations",
                queryset=Consultation.objects.prefetch_related("groups", "organizations"),
            ),
        ),
        many=True,
    ).data
    assert represent_needs(list(need_values(needs))) == expected
    assert any(need["consultations"] and need["endorsements"] == 2 for need in expected)


def test_the_need_list_answers_the_serializers_json_with_filters(proposals, api):
    body = api.get("/api/v1/needs/?category=grant&min_priority=3&ordering=-priority").json()
    needs = Need.objects.filter(priority__gte=3).annotate(
        endorsement_count=Count("endorsements", distinct=True)
    )
    assert body["count"] == 2
    assert body["results"] == NeedSerializer(needs.order_by("-priority"), many=True).data
