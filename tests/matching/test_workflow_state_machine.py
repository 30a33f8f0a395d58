"""Random sequences of everything people and the scheduler do, checked after every step.

After each step: no offer over its capacity and its counters equal its commitments; no live
proposal on a need that is not open or on an offer that is not published; every need's status
follows what partners committed; every state change is in the history with its cause, and with
its actor when a person made it. `WORKFLOW_EXAMPLES` and `WORKFLOW_STEPS` set the budget (the
README gives a longer run).
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from matching.models import (
    Commitment,
    MatchRun,
    Partnership,
    ProgressReport,
    Proposal,
    ProposalLine,
    StateChange,
)
from matching.services import closing, reports, review
from registry import services as registry
from registry.errors import Conflict, PermissionDenied, ValidationError
from registry.models import Need, NeedItem, Offer, Organization
from tests.conftest import member
from tests.factories import (
    NeedFactory,
    NeedItemFactory,
    OfferFactory,
    OrganizationFactory,
    UserFactory,
    proposal_of,
)

pytestmark = pytest.mark.django_db

REFUSED = (Conflict, PermissionDenied, ValidationError)
EXAMPLES = int(os.environ.get("WORKFLOW_EXAMPLES", "6"))
STEPS = int(os.environ.get("WORKFLOW_STEPS", "20"))
pick = st.integers(min_value=0, max_value=1000)


def attempt(call, **kwargs):
    """Run one service call; a refusal (4xx) is an allowed outcome and must change nothing."""
    try:
        result = call(**kwargs)
    except REFUSED as error:
        event(f"{call.__name__}: refused ({type(error).__name__})")
        return None
    event(f"{call.__name__}: done")
    return result


class Workflow(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        suffix = MatchRun.objects.count()
        self.coordinator = UserFactory(username=f"sm.coordinator.{suffix}", coordinator=True)
        government = OrganizationFactory(kind=Organization.Kind.GOVERNMENT, country="KE")
        self.government = member(government, "admin", username=f"sm.gov.{suffix}")
        self.partners = {}
        self.offers: list[int] = []
        for kind, verified in (("company", True), ("donor", True), ("ngo", False)):
            organization = OrganizationFactory(kind=kind, country="KE", verified=verified)
            self.partners[organization.pk] = member(
                organization, "admin", username=f"sm.{kind}.{suffix}"
            )
            self.offers.append(OfferFactory(organization=organization, quantity=Decimal(80)).pk)
            grant = OfferFactory(organization=organization, grant=True, quantity=Decimal(40000))
            self.offers.append(grant.pk)
        self.needs: list[int] = []
        for _ in range(2):
            need = NeedFactory(
                organization=government,
                indicator_unit="%",
                indicator_baseline=Decimal(10),
                indicator_target=Decimal(50),
            )
            NeedItemFactory(need=need, quantity=Decimal(60))
            NeedItemFactory(need=need, grant=True, quantity=Decimal(30000))
            self.needs.append(need.pk)
        self.run = MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED)
        self.proposals: list[int] = []

    # --- helpers ---------------------------------------------------------------------------

    def _proposal(self, index: int) -> Proposal | None:
        if not self.proposals:
            return None
        return Proposal.objects.get(pk=self.proposals[index % len(self.proposals)])

    def _partner_of(self, proposal: Proposal, index: int):
        organizations = sorted(set(proposal.lines.values_list("organization_id", flat=True)))
        return self.partners[organizations[index % len(organizations)]]

    def _partnership(self, index: int) -> Partnership | None:
        rows = list(Partnership.objects.filter(need_id__in=self.needs).order_by("pk"))
        return rows[index % len(rows)] if rows else None

    # --- what the engine does ----------------------------------------------------------------

    @rule(need=pick, share=st.sampled_from([Decimal("0.25"), Decimal("0.5"), Decimal("1")]))
    def propose(self, need, share):
        """A run proposes a coalition within what is free, as the engine would."""
        need = Need.objects.get(pk=self.needs[need % len(self.needs)])
        if not need.is_open or not need.organization.is_verified:
            return
        lines = []
        for item in NeedItem.objects.filter(need=need).order_by("pk"):
            offer = (
                Offer.objects.filter(
                    pk__in=self.offers, category_id=item.category_id, status="published"
                )
                .order_by("-remaining", "pk")
                .first()
            )
            if offer is None:
                continue
            quantity = min(item.quantity - item.covered, offer.remaining) * share
            quantity = quantity.quantize(Decimal("1"))
            if quantity > 0:
                lines.append((offer, item, quantity))
        if not lines:
            return
        self.run = MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED)
        proposal = proposal_of(lines, need=need, run=self.run, coverage=Decimal("0.5"))
        self.proposals.append(proposal.pk)

    @initialize()
    def propose_for_every_need(self):
        for index in range(len(self.needs)):
            self.propose(need=index, share=Decimal("0.5"))

    @rule(index=pick, override=st.booleans())
    def everyone_agrees(self, index, override):
        """The path most proposals take: accepted, every partner confirms, the owner consents."""
        proposal = self._proposal(index)
        if proposal is None:
            return
        attempt(
            review.accept_proposal,
            actor=self.coordinator,
            proposal_id=proposal.pk,
            override_reason="known partner" if override else "",
        )
        for organization_id in sorted(
            set(proposal.lines.values_list("organization_id", flat=True))
        ):
            attempt(
                review.confirm_lines, actor=self.partners[organization_id], proposal_id=proposal.pk
            )
        attempt(review.confirm_lines, actor=self.government, proposal_id=proposal.pk)

    # --- coordinators ----------------------------------------------------------------------

    @rule(index=pick, override=st.booleans())
    def accept(self, index, override):
        if proposal := self._proposal(index):
            attempt(
                review.accept_proposal,
                actor=self.coordinator,
                proposal_id=proposal.pk,
                override_reason="known partner" if override else "",
            )

    @rule(index=pick)
    def reject(self, index):
        if proposal := self._proposal(index):
            attempt(
                review.reject_proposal,
                actor=self.coordinator,
                proposal_id=proposal.pk,
                reason="not now",
            )

    @rule(index=pick)
    def revoke(self, index):
        if proposal := self._proposal(index):
            attempt(
                review.revoke_proposal,
                actor=self.coordinator,
                proposal_id=proposal.pk,
                reason="audit",
            )

    @rule()
    def expire(self):
        review.expire_unanswered_proposals(now=timezone.now() + datetime.timedelta(days=30))

    @rule(index=pick)
    def verify(self, index):
        organization_ids = sorted(self.partners)
        organization = Organization.objects.get(pk=organization_ids[index % len(organization_ids)])
        registry.verify_organization(actor=self.coordinator, organization=organization)

    # --- partners and the need's government ----------------------------------------------

    @rule(index=pick, who=pick)
    def confirm(self, index, who):
        if proposal := self._proposal(index):
            attempt(
                review.confirm_lines, actor=self._partner_of(proposal, who), proposal_id=proposal.pk
            )

    @rule(index=pick, who=pick)
    def decline(self, index, who):
        if proposal := self._proposal(index):
            attempt(
                review.decline_lines,
                actor=self._partner_of(proposal, who),
                proposal_id=proposal.pk,
                reason="no longer able",
            )

    @rule(index=pick)
    def consent(self, index):
        if proposal := self._proposal(index):
            attempt(review.confirm_lines, actor=self.government, proposal_id=proposal.pk)

    @rule(index=pick)
    def refuse_consent(self, index):
        if proposal := self._proposal(index):
            attempt(
                review.decline_lines,
                actor=self.government,
                proposal_id=proposal.pk,
                reason="not what we need",
            )

    @rule(index=pick)
    def rename(self, index):
        organization_ids = sorted(self.partners)
        organization_id = organization_ids[index % len(organization_ids)]
        organization = Organization.objects.get(pk=organization_id)
        registry.update_organization(
            actor=self.partners[organization_id],
            organization=organization,
            data={"name": f"{organization.name}*"},
        )

    # --- the catalogue ---------------------------------------------------------------------

    @rule(index=pick, status=st.sampled_from(["open", "draft", "closed"]))
    def set_need_status(self, index, status):
        need = Need.objects.get(pk=self.needs[index % len(self.needs)])
        attempt(registry.update_need, actor=self.government, need=need, data={"status": status})

    @rule(index=pick)
    def cancel_need(self, index):
        need = Need.objects.get(pk=self.needs[index % len(self.needs)])
        attempt(registry.cancel_need, actor=self.government, need=need)

    @rule(index=pick, status=st.sampled_from(["published", "paused"]))
    def set_offer_status(self, index, status):
        offer = Offer.objects.get(pk=self.offers[index % len(self.offers)])
        actor = self.partners[offer.organization_id]
        attempt(registry.update_offer, actor=actor, offer=offer, data={"status": status})

    @rule(index=pick, share=st.sampled_from([Decimal("0.3"), Decimal("0.6"), Decimal("0.9")]))
    def lower_offer(self, index, share):
        offer = Offer.objects.get(pk=self.offers[index % len(self.offers)])
        quantity = (offer.quantity * share).quantize(Decimal("1"))
        actor = self.partners[offer.organization_id]
        attempt(registry.update_offer, actor=actor, offer=offer, data={"quantity": quantity})

    @rule(index=pick)
    def withdraw_offer(self, index):
        offer = Offer.objects.get(pk=self.offers[index % len(self.offers)])
        attempt(registry.withdraw_offer, actor=self.partners[offer.organization_id], offer=offer)

    # --- results ---------------------------------------------------------------------------

    @rule(index=pick, value=st.sampled_from(["20", "35", "50", "70"]))
    def report_and_approve(self, index, value):
        partnership = self._partnership(index)
        if partnership is None:
            return
        partner = (
            partnership.partners.exclude(organization_id=partnership.need.organization_id)
            .values_list("organization_id", flat=True)
            .first()
        )
        filed = attempt(
            reports.file_report,
            actor=self.partners[partner],
            partnership=partnership,
            data={
                "period_end": timezone.localdate(),
                "indicator_value": Decimal(value),
                "narrative": "progress",
            },
            submit=True,
        )
        if filed is not None:
            reports.review_report(actor=self.coordinator, report=filed, approve=True)

    @rule(index=pick)
    def complete(self, index):
        if partnership := self._partnership(index):
            attempt(
                closing.complete_partnership, actor=self.coordinator, partnership_id=partnership.pk
            )

    @rule(index=pick)
    def cancel_partnership(self, index):
        if partnership := self._partnership(index):
            attempt(
                closing.cancel_partnership,
                actor=self.coordinator,
                partnership_id=partnership.pk,
                reason="partner left",
            )

    # --- invariants ------------------------------------------------------------------------

    def teardown(self):
        formed = Partnership.objects.filter(need_id__in=self.needs).count()
        event(f"partnerships formed: {min(formed, 3)}{'+' if formed > 3 else ''}")
        if os.environ.get("WORKFLOW_TRACE"):
            states = sorted(
                Proposal.objects.filter(pk__in=self.proposals).values_list("status", flat=True)
            )
            print("WORKFLOW", formed, states)

    @invariant()
    def offers_never_exceed_capacity_and_match_their_commitments(self):
        for offer in Offer.objects.filter(pk__in=self.offers):
            assert offer.reserved + offer.committed <= offer.quantity, offer
            held = Commitment.objects.filter(offer=offer)
            reserved = held.filter(state="reserved").aggregate(s=Sum("quantity"))["s"] or 0
            spent = (
                held.filter(state__in=["committed", "delivered"]).aggregate(s=Sum("quantity"))["s"]
                or 0
            )
            assert (offer.reserved, offer.committed) == (reserved, spent), offer

    @invariant()
    def live_proposals_only_on_open_needs_and_published_offers(self):
        live = Proposal.objects.filter(pk__in=self.proposals, status__in=Proposal.LIVE_STATUSES)
        assert not live.exclude(need__status__in=Need.MATCHABLE_STATUSES).exists()
        assert not live.filter(lines__offer__status__in=["withdrawn", "paused", "draft"]).exists()

    @invariant()
    def need_status_follows_commitments(self):
        for need in Need.objects.filter(pk__in=self.needs):
            items = list(need.items.all())
            for item in items:
                reserved = (
                    Commitment.objects.filter(need_item=item, state="reserved").aggregate(
                        s=Sum("item_quantity")
                    )["s"]
                    or 0
                )
                committed = (
                    Commitment.objects.filter(need_item=item, state="committed").aggregate(
                        s=Sum("item_quantity")
                    )["s"]
                    or 0
                )
                delivered_to_target = (
                    Commitment.objects.filter(
                        need_item=item,
                        state="delivered",
                        line__proposal__partnership__reached_target=True,
                    ).aggregate(s=Sum("item_quantity"))["s"]
                    or 0
                )
                assert item.reserved == reserved, item
                assert item.committed == committed + delivered_to_target, item
                assert item.reserved + item.committed <= item.quantity
            if need.status not in (Need.Status.OPEN, Need.Status.PARTIALLY_MET, Need.Status.MET):
                continue
            if need.target_reached or all(i.committed >= i.quantity for i in items):
                expected = Need.Status.MET
            elif any(i.committed for i in items):
                expected = Need.Status.PARTIALLY_MET
            else:
                expected = Need.Status.OPEN
            assert need.status == expected, (need.status, expected)

    @invariant()
    def every_state_change_is_in_the_history_with_its_cause(self):
        def last(subject_type, subject_id):
            return (
                StateChange.objects.filter(subject_type=subject_type, subject_id=subject_id)
                .order_by("-at", "-id")
                .first()
            )

        for proposal in Proposal.objects.filter(pk__in=self.proposals):
            change = last("proposal", proposal.pk)
            if proposal.status == Proposal.Status.PROPOSED:
                assert change is None
                continue
            assert change is not None and change.to_state == proposal.status
            assert change.reason
            if proposal.status in ("accepted", "rejected", "formed"):
                assert change.actor is not None
            consent = last("proposalconsent", proposal.pk)
            if proposal.owner_consent != "pending":
                assert consent is not None and consent.to_state == proposal.owner_consent
                assert consent.actor == self.government
        for commitment in Commitment.objects.filter(line__proposal_id__in=self.proposals):
            change = last("commitment", commitment.pk)
            if commitment.state == "reserved":
                assert change is None
            else:
                assert change is not None and change.to_state == commitment.state
                assert change.reason
        for partnership in Partnership.objects.filter(need_id__in=self.needs):
            change = last("partnership", partnership.pk)
            assert change is not None and change.to_state == partnership.status
            assert change.reason and change.actor is not None
        for line in ProposalLine.objects.filter(proposal_id__in=self.proposals):
            change = last("proposalline", line.pk)
            if line.confirmation == "pending":
                assert change is None
            else:
                assert change is not None and change.to_state == line.confirmation
        for row in ProgressReport.objects.filter(partnership__need_id__in=self.needs):
            assert last("progressreport", row.pk).to_state == row.status


def test_random_sequences_of_the_workflow_keep_every_invariant(settings_fixture_free):
    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            derandomize=not os.environ.get("WORKFLOW_RANDOM"),
        ),
    )


@pytest.fixture
def settings_fixture_free(settings):
    # Runs queued by the services go to a queue nobody consumes: the machine checks the services.
    settings.CELERY_TASK_DEFAULT_QUEUE = "test-unconsumed"
    settings.MATCH_ON_CATALOGUE_CHANGE = False
