"""Rows for review tests: proposals built directly, as a run would store them."""

from __future__ import annotations

from decimal import Decimal

from matching.models import MatchRun, Proposal, ProposalLine
from registry.models import Need, NeedItem, Offer
from tests.factories import NeedFactory, NeedItemFactory


def proposal_for(
    offers_and_quantities: list[tuple[Offer, Decimal]],
    *,
    need: Need | None = None,
    run: MatchRun | None = None,
) -> Proposal:
    """A proposed proposal with one line per (offer, quantity), each on its own item of one need."""
    need = need or NeedFactory()
    run = run or MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED)
    proposal = Proposal.objects.create(
        run=run,
        need=need,
        score=Decimal("0.5"),
        coverage=Decimal("1"),
        explanation={"summary": "test"},
        fingerprint=f"test-{need.pk}-{run.pk}",
    )
    for offer, quantity in offers_and_quantities:
        item = NeedItem.objects.filter(
            need=need, category_id=offer.category_id
        ).first() or NeedItemFactory(
            need=need,
            category_id=offer.category_id,
            kind=offer.kind,
            quantity=quantity,
            currency=offer.currency,
        )
        ProposalLine.objects.create(
            proposal=proposal,
            offer=offer,
            need_item=item,
            organization_id=offer.organization_id,
            quantity=quantity,
            offer_quantity=quantity,
            score=Decimal("0.5"),
        )
    return proposal
