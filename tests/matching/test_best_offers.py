"""A need's run reads the offers that rank best for it: the same ones a reference ranking from the
link tables picks (focus and group overlap, geographic precision, verification; ties by id)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from matching.engine import Parameters
from matching.selectors import load_problem
from registry.models import FocusArea, Offer, Organization, VulnerableGroup
from tests.factories import (
    NeedFactory,
    NeedItemFactory,
    OfferFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FOCUS = ["devices", "connectivity", "affordability", "accessible-services"]
GROUPS = ["youth", "older-persons", "children"]
PER_CATEGORY = 4


def reference_ranking(need, offers: list[Offer], per_category: int) -> set[int]:
    """The proxy of best_offers_for in exact decimals, read from the link tables."""
    weights = Parameters().score_weights()
    focus = set(need.focus_areas.values_list("slug", flat=True))
    groups = set(need.vulnerable_groups.values_list("slug", flat=True))
    country = need.area.split("-")[0]

    def term(value: float) -> Decimal:
        return Decimal(repr(value))

    def proxy(offer: Offer) -> Decimal:
        if need.area in offer.areas:
            geography = Decimal(1)
        elif country in offer.areas:
            geography = term(Parameters.geography_country)
        else:
            geography = term(Parameters.geography_global)
        value = geography * term(weights["geography"])
        if offer.organization.verified_at is not None:
            value += term(weights["verified"])
        offer_focus = set(offer.focus_areas.values_list("slug", flat=True))
        offer_groups = set(offer.vulnerable_groups.values_list("slug", flat=True))
        if focus:
            value += len(focus & offer_focus) * term(weights["focus"] / len(focus))
        if groups:
            value += len(groups & offer_groups) * term(weights["groups"] / len(groups))
        return value

    chosen: set[int] = set()
    for category in {offer.category_id for offer in offers}:
        ranked = sorted(
            (offer for offer in offers if offer.category_id == category),
            key=lambda offer: (-proxy(offer), offer.pk),
        )
        chosen.update(offer.pk for offer in ranked[:per_category])
    return chosen


def test_a_need_run_reads_the_best_ranked_offers_of_each_category():
    rng = random.Random(11)
    staff = UserFactory()
    government = OrganizationFactory(kind=Organization.Kind.GOVERNMENT, country="KE")
    need = NeedFactory(organization=government, area="KE-30")
    need.focus_areas.set(FocusArea.objects.filter(pk__in=["devices", "connectivity"]))
    need.vulnerable_groups.set(VulnerableGroup.objects.filter(pk__in=["youth"]))
    for category in ("laptops", "tablets"):
        NeedItemFactory(need=need, category_id=category, kind="technical", quantity=Decimal(50))
    verified = OrganizationFactory(verified_at=timezone.now(), verified_by=staff)
    unverified = OrganizationFactory(verified=False)

    reachable = []
    for index in range(24):
        offer = OfferFactory(
            organization=rng.choice([verified, unverified]),
            category_id=["laptops", "tablets"][index % 2],
            areas=rng.choice([["KE-30"], ["KE"], ["global"], ["KE-01", "KE"], ["KE-30", "UG"]]),
        )
        offer.focus_areas.set(FocusArea.objects.filter(pk__in=rng.sample(FOCUS, rng.randint(0, 3))))
        offer.vulnerable_groups.set(
            VulnerableGroup.objects.filter(pk__in=rng.sample(GROUPS, rng.randint(0, 2)))
        )
        reachable.append(offer)
    # Never read: the need's own offer, one that does not reach KE-30, a paused one, one that
    # becomes available after the need's deadline; each would rank first otherwise.
    excluded = [
        OfferFactory(organization=government, areas=["KE-30"]),
        OfferFactory(organization=verified, areas=["KE-01"]),
        OfferFactory(organization=verified, areas=["KE-30"], status=Offer.Status.PAUSED),
        OfferFactory(
            organization=verified,
            areas=["KE-30"],
            available_from=need.deadline + datetime.timedelta(days=1),
        ),
    ]
    for offer in excluded:
        offer.focus_areas.set(FocusArea.objects.filter(pk__in=["devices", "connectivity"]))
        offer.vulnerable_groups.set(VulnerableGroup.objects.filter(pk__in=["youth"]))

    problem = load_problem(
        scope={"need_ids": [need.pk], "offers_per_category": PER_CATEGORY},
        today=datetime.date(2026, 6, 1),
    )

    expected = reference_ranking(need, reachable, PER_CATEGORY)
    assert len(expected) == 2 * PER_CATEGORY
    assert {offer.id for offer in problem.offers} == expected
    for loaded in problem.offers:  # the copies the problem is read from match the link rows
        offer = Offer.objects.get(pk=loaded.id)
        assert loaded.focus_areas == set(offer.focus_areas.values_list("slug", flat=True))
        assert loaded.vulnerable_groups == set(
            offer.vulnerable_groups.values_list("slug", flat=True)
        )

    # Without the cap every published offer that reaches the need is read (the engine's hard
    # rules then drop the need's own offer and the one available too late).
    problem = load_problem(scope={"need_ids": [need.pk]}, today=datetime.date(2026, 6, 1))
    assert {offer.id for offer in problem.offers} == {
        offer.pk for offer in [*reachable, excluded[0], excluded[3]]
    }
