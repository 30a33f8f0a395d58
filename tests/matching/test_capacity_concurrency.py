"""No over-commit, ever: concurrent accepts on real PostgreSQL with real threads.

Each round, THREADS coordinators accept THREADS different proposals at the same instant, each
wanting one unit of the same offer of CAPACITY units. Exactly CAPACITY succeed; the others get a
conflict; live commitments never exceed the offer. The control round removes the row lock and
shows the same race over-commits, so this test can fail.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from matching.models import Commitment
from matching.services import capacity, review
from registry.errors import Conflict
from registry.models import Offer
from tests.factories import OfferFactory, UserFactory, proposal_for

CAPACITY = 10
ROUNDS = 20


def _race(threads: int, proposals, coordinator) -> dict[str, int]:
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(proposal_id: int) -> None:
        try:
            barrier.wait()
            review.accept_proposal(actor=coordinator, proposal_id=proposal_id)
            outcome = "accepted"
        except Conflict:
            outcome = "conflict"
        except Exception as error:  # anything else is a defect the assertions must show
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=accept, args=(p.pk,)) for p in proposals]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    return {outcome: outcomes.count(outcome) for outcome in set(outcomes)}


def _live_commitments(offer: Offer) -> Decimal:
    total = Commitment.objects.filter(offer=offer, state__in=Commitment.LIVE_STATES).aggregate(
        total=Sum("quantity")
    )
    return total["total"] or Decimal(0)


def _round(threads: int, coordinator):
    offer = OfferFactory(quantity=Decimal(CAPACITY))
    proposals = [proposal_for([(offer, Decimal(1))]) for _ in range(threads)]
    outcomes = _race(threads, proposals, coordinator)
    offer.refresh_from_db()
    return offer, outcomes


@pytest.mark.parametrize("threads", [32, 64])
def test_concurrent_accepts_never_reserve_more_than_the_offer(reference_data, threads):
    coordinator = UserFactory(username=f"coordinator.{threads}", coordinator=True)
    for round_number in range(ROUNDS):
        offer, outcomes = _round(threads, coordinator)
        assert outcomes == {"accepted": CAPACITY, "conflict": threads - CAPACITY}, (
            f"round {round_number}"
        )
        assert _live_commitments(offer) == offer.reserved == CAPACITY, f"round {round_number}"


def test_without_the_row_lock_the_same_race_over_commits(reference_data, monkeypatch):
    """Control: reading offers without FOR UPDATE loses updates, and commitments exceed capacity."""

    def read_without_lock(offer_ids):
        return {o.pk: o for o in Offer.objects.filter(pk__in=set(offer_ids)).order_by("pk")}

    monkeypatch.setattr(capacity, "lock_offers", read_without_lock)
    coordinator = UserFactory(username="coordinator.control", coordinator=True)
    over_committed = 0
    for _ in range(ROUNDS):
        offer, _outcomes = _round(32, coordinator)
        if _live_commitments(offer) > offer.quantity:
            over_committed += 1
    assert over_committed > 0
