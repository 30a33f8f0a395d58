"""Capacity under load over real HTTP: concurrent accepts through gunicorn never over-commit.

Each round, CLIENTS coordinators accept CLIENTS different proposals at the same instant, each
wanting one unit of the same offer of CAPACITY units, through gunicorn on loopback (two
processes, 16 threads each: every request really runs in parallel). Exactly CAPACITY answer 200,
the rest 409 problem details, none 5xx, and the offer's live commitments never exceed it.
The in-process control with the row lock removed is tests/matching/test_capacity_concurrency.py.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from decimal import Decimal

from django.db.models import Sum
from knox.models import AuthToken

from matching.models import Commitment
from registry.models import Offer
from tests.factories import OfferFactory, UserFactory, proposal_for

CLIENTS = 32
CAPACITY = 10
ROUNDS = 20
CROSSED_PAIRS = 4
CROSSED_ROUNDS = 15


def _post(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=b"{}", method="POST", headers={"Authorization": f"Token {token}"}
    )
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _accept_all_at_once(server, proposal_ids: list[int], tokens: list[str]) -> list[tuple]:
    barrier = threading.Barrier(len(proposal_ids))
    answers: list[tuple] = []
    lock = threading.Lock()

    def accept(proposal_id: int, token: str) -> None:
        barrier.wait()
        try:
            answer = _post(f"{server.url}/api/v1/proposals/{proposal_id}/accept/", token)
        except Exception as error:  # a dropped connection is a defect the assertions must show
            answer = (0, {"error": repr(error)})
        with lock:
            answers.append(answer)

    threads = [
        threading.Thread(target=accept, args=(pk, token))
        for pk, token in zip(proposal_ids, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def _coordinator_tokens(count: int) -> list[str]:
    # One coordinator per client: the per-user `decisions` throttle is not what is tested here.
    return [
        AuthToken.objects.create(UserFactory(username=f"load.{n}", coordinator=True))[1]
        for n in range(count)
    ]


def _live_commitments(offer: Offer) -> Decimal:
    total = Commitment.objects.filter(offer=offer, state__in=Commitment.LIVE_STATES).aggregate(
        total=Sum("quantity")
    )["total"]
    return total or Decimal(0)


def test_concurrent_http_accepts_never_reserve_more_than_the_offer(api_server):
    tokens = _coordinator_tokens(CLIENTS)
    for round_number in range(ROUNDS):
        offer = OfferFactory(quantity=Decimal(CAPACITY))
        proposals = [proposal_for([(offer, Decimal(1))]).pk for _ in range(CLIENTS)]

        answers = _accept_all_at_once(api_server, proposals, tokens)

        statuses = sorted(status for status, _body in answers)
        assert statuses == [200] * CAPACITY + [409] * (CLIENTS - CAPACITY), (
            round_number,
            answers,
        )
        assert all(body["changed"] for status, body in answers if status == 200)
        assert all(body["code"] == "capacity_taken" for status, body in answers if status == 409)
        offer.refresh_from_db()
        assert _live_commitments(offer) == offer.reserved == CAPACITY, round_number
    assert "Traceback" not in api_server.output()


def test_accepts_locking_two_offers_in_opposite_orders_never_deadlock(api_server):
    """Pairs of proposals list the same two offers in opposite orders; all are accepted."""
    tokens = _coordinator_tokens(2 * CROSSED_PAIRS)
    for round_number in range(CROSSED_ROUNDS):
        proposals = []
        for _ in range(CROSSED_PAIRS):
            laptops = OfferFactory(quantity=Decimal(10))
            tablets = OfferFactory(quantity=Decimal(10), category_id="tablets")
            proposals.append(proposal_for([(laptops, Decimal(1)), (tablets, Decimal(1))]).pk)
            proposals.append(proposal_for([(tablets, Decimal(1)), (laptops, Decimal(1))]).pk)

        answers = _accept_all_at_once(api_server, proposals, tokens)

        assert sorted(status for status, _body in answers) == [200] * len(proposals), (
            round_number,
            answers,
        )
    assert "deadlock" not in api_server.output().lower()


def test_a_deadlock_with_unordered_locks_answers_409_retry_never_500(reference_data, monkeypatch):
    """Control: lock offers in line order (not by key), both holding one when they ask for the
    other: PostgreSQL reports a deadlock, and the victim answers 409 `retry`, never 500."""
    from django.db import connection
    from rest_framework.test import APIClient

    from matching.services import capacity

    holding = threading.Barrier(2, timeout=30)

    def lock_in_line_order(offer_ids):
        locked = {}
        for pk in dict.fromkeys(offer_ids):
            locked[pk] = Offer.objects.select_for_update().get(pk=pk)
            if len(locked) == 1:
                holding.wait()  # both transactions now hold their first offer
        return locked

    monkeypatch.setattr(capacity, "lock_offers", lock_in_line_order)
    coordinators = [UserFactory(username=f"crossed.{n}", coordinator=True) for n in range(2)]
    statuses: list[tuple[int, str]] = []

    def accept(proposal_id: int, user) -> None:
        client = APIClient()
        client.force_authenticate(user)
        client.raise_request_exception = False
        try:
            response = client.post(f"/api/v1/proposals/{proposal_id}/accept/")
            statuses.append((response.status_code, response.json().get("code", "")))
        finally:
            connection.close()

    for _ in range(3):
        holding.reset()
        laptops = OfferFactory(quantity=Decimal(10))
        tablets = OfferFactory(quantity=Decimal(10), category_id="tablets")
        pair = [
            proposal_for([(laptops, Decimal(1)), (tablets, Decimal(1))]).pk,
            proposal_for([(tablets, Decimal(1)), (laptops, Decimal(1))]).pk,
        ]
        threads = [
            threading.Thread(target=accept, args=args)
            for args in zip(pair, coordinators, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(statuses) == sorted([(200, ""), (409, "retry")] * 3), statuses
