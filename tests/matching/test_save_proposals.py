"""Storing a run's result: every stored column, the history it leaves, and its round trips."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import tempfile
from decimal import Decimal

import pghistory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from psycopg import pq

from matching.engine import Line, NeedProposal, Result
from matching.models import MatchRun, Proposal, ProposalLine, StateChange
from matching.services.run_execution import store_result
from tests.factories import NeedFactory, NeedItemFactory, OfferFactory

pytestmark = pytest.mark.django_db

ProposalEvent = Proposal.pgh_event_models["insert"]
ProposalLineEvent = ProposalLine.pgh_event_models["update"]
# Statements and round trips of a one-need save (3 lines): the latency of a newly published
# need's run. Before COPY: 10 statements in 10 round trips (+ BEGIN and COMMIT).
# The proposals-to-review event, written in the same transaction, adds four: the coordinators,
# the event, their notifications and the webhooks that hear it.
ONE_NEED_STATEMENTS = 8 + 4
ONE_NEED_ROUND_TRIPS = 10 + 4


def running_run() -> MatchRun:
    return MatchRun.objects.create(status=MatchRun.Status.RUNNING, started_at=timezone.now())


def written_fingerprint(need_id: int, lines: list[tuple[int, int, str]]) -> str:
    """The fingerprint spelled out: need, then sorted (offer, item, quantity in cents) lines."""
    text = f"{need_id}|" + ";".join(f"{o},{i},{q}" for o, i, q in sorted(lines))
    return hashlib.sha256(text.encode()).hexdigest()


def line(offer, item, quantity: float, offer_quantity: float, score: float, text: str) -> Line:
    terms = {"focus": score / 3, "geography": 0.6}
    return Line(offer.pk, item.pk, quantity, offer_quantity, score, terms, text)


@pytest.fixture
def world(settings):
    """Six needs, four offers, and the proposals an earlier run left on some of the needs."""
    settings.MATCH_ON_CATALOGUE_CHANGE = False
    needs = [NeedFactory() for _ in range(6)]
    items = [NeedItemFactory(need=need) for need in needs]
    second_item = NeedItemFactory(need=needs[0], category_id="tablets")
    offers = [OfferFactory() for _ in range(3)] + [OfferFactory(category_id="tablets")]
    earlier = MatchRun.objects.create(status=MatchRun.Status.SUCCEEDED)

    def earlier_proposal(need, status, fingerprint):
        return Proposal.objects.create(
            run=earlier,
            need=need,
            status=status,
            score=Decimal("0.4"),
            coverage=Decimal("0.5"),
            fingerprint=fingerprint,
        )

    kept_fingerprint = written_fingerprint(needs[2].pk, [(offers[0].pk, items[2].pk, "10.00")])
    return {
        "needs": needs,
        "items": items,
        "second_item": second_item,
        "offers": offers,
        "kept": earlier_proposal(needs[2], Proposal.Status.PROPOSED, kept_fingerprint),
        "stale": earlier_proposal(needs[3], Proposal.Status.PROPOSED, "earlier-3"),
        "accepted": earlier_proposal(needs[4], Proposal.Status.ACCEPTED, "earlier-4"),
        "outside": earlier_proposal(needs[5], Proposal.Status.PROPOSED, "earlier-5"),
        "kept_fingerprint": kept_fingerprint,
    }


def test_a_run_stores_every_column_of_its_proposals_lines_and_history(world):
    needs, items, offers = world["needs"], world["items"], world["offers"]
    second_item = world["second_item"]
    result = Result(
        proposals=(
            NeedProposal(
                needs[0].pk,
                (
                    line(offers[0], items[0], 12.349, 24.691, 0.56786, "first"),
                    line(offers[3], second_item, 5.0, 5.0, 0.5, 'quotes " and \\ tab\t'),
                    line(offers[1], items[0], 0.004, 0.004, 0.9, "rounds to nothing"),
                ),
                coverage=1.2,
                score=0.123456,
                explanation={"summary": "Covers — all", "lines": [{"offer": offers[0].pk}]},
            ),
            NeedProposal(
                needs[1].pk,
                (line(offers[2], items[1], 7.5, 7.5, 0.25, "second"),),
                coverage=0.75,
                score=0.25,
                explanation={"summary": "Covers part"},
            ),
            NeedProposal(
                needs[2].pk,
                (line(offers[0], items[2], 10.0, 10.0, 0.5, "same as before"),),
                coverage=1.0,
                score=0.5,
                explanation={},
            ),
            NeedProposal(needs[3].pk, (), coverage=0.0, score=0.0, explanation={}),
            NeedProposal(
                needs[4].pk,
                (line(offers[1], items[4], 3.0, 3.0, 0.3, "beside the accepted one"),),
                coverage=0.1,
                score=0.3,
                explanation={"summary": "Covers little"},
            ),
        ),
        metrics={"coverage": 0.5, "seconds": {"solve": 1.5}},
    )
    run = running_run()
    before = timezone.now()
    with pghistory.context(task="matching.execute_run", run=run.pk):
        created = store_result(
            run_id=run.pk, result=result, need_ids=[need.pk for need in needs[:5]], load_seconds=2
        )
    after = timezone.now()

    assert created == 3
    new = list(Proposal.objects.filter(run=run).order_by("pk"))
    assert [
        (p.need_id, p.status, p.score, p.coverage, p.explanation, p.fingerprint, p.reason)
        for p in new
    ] == [
        (
            needs[0].pk,
            "proposed",
            Decimal("0.1235"),
            Decimal("1.0000"),
            {"summary": "Covers — all", "lines": [{"offer": offers[0].pk}]},
            written_fingerprint(
                needs[0].pk,
                [
                    (offers[0].pk, items[0].pk, "24.69"),
                    (offers[3].pk, second_item.pk, "5.00"),
                    (offers[1].pk, items[0].pk, "0.00"),  # counted, though not stored
                ],
            ),
            "",
        ),
        (
            needs[1].pk,
            "proposed",
            Decimal("0.2500"),
            Decimal("0.7500"),
            {"summary": "Covers part"},
            written_fingerprint(needs[1].pk, [(offers[2].pk, items[1].pk, "7.50")]),
            "",
        ),
        (
            needs[4].pk,
            "proposed",
            Decimal("0.3000"),
            Decimal("0.1000"),
            {"summary": "Covers little"},
            written_fingerprint(needs[4].pk, [(offers[1].pk, items[4].pk, "3.00")]),
            "",
        ),
    ]
    for proposal in new:
        assert proposal.decided_at is None and proposal.decided_by_id is None
        assert before <= proposal.created_at <= after
    assert [p.created_at for p in new] == sorted(p.created_at for p in new)

    lines = list(ProposalLine.objects.filter(proposal__run=run).order_by("pk"))
    assert [
        (
            row.proposal_id,
            row.offer_id,
            row.need_item_id,
            row.organization_id,
            row.quantity,
            row.offer_quantity,
            row.score,
            row.terms,
            row.explanation,
            row.confirmation,
            row.confirmed_at,
            row.confirmed_by_id,
        )
        for row in lines
    ] == [
        (
            new[0].pk,
            offers[0].pk,
            items[0].pk,
            offers[0].organization_id,
            Decimal("12.34"),
            Decimal("24.69"),
            Decimal("0.5679"),
            {"focus": 0.1893, "geography": 0.6},
            "first",
            "pending",
            None,
            None,
        ),
        (
            new[0].pk,
            offers[3].pk,
            second_item.pk,
            offers[3].organization_id,
            Decimal("5.00"),
            Decimal("5.00"),
            Decimal("0.5000"),
            {"focus": 0.1667, "geography": 0.6},
            'quotes " and \\ tab\t',
            "pending",
            None,
            None,
        ),
        (
            new[1].pk,
            offers[2].pk,
            items[1].pk,
            offers[2].organization_id,
            Decimal("7.50"),
            Decimal("7.50"),
            Decimal("0.2500"),
            {"focus": 0.0833, "geography": 0.6},
            "second",
            "pending",
            None,
            None,
        ),
        (
            new[2].pk,
            offers[1].pk,
            items[4].pk,
            offers[1].organization_id,
            Decimal("3.00"),
            Decimal("3.00"),
            Decimal("0.3000"),
            {"focus": 0.1, "geography": 0.6},
            "beside the accepted one",
            "pending",
            None,
            None,
        ),
    ]

    stale, kept = world["stale"], world["kept"]
    statuses = dict(Proposal.objects.exclude(run=run).values_list("pk", "status"))
    assert statuses == {
        kept.pk: "proposed",
        stale.pk: "superseded",
        world["accepted"].pk: "accepted",
        world["outside"].pk: "proposed",
    }
    stale.refresh_from_db()
    assert before <= stale.decided_at <= after

    changes = StateChange.objects.filter(at__gte=before).order_by("pk")
    assert [
        (c.subject_type, c.subject_id, c.from_state, c.to_state, c.reason, c.actor_id)
        for c in changes
    ] == [
        ("proposal", stale.pk, "proposed", "superseded", f"superseded by run {run.pk}", None),
        *[("proposal", p.pk, "", "proposed", f"proposed by run {run.pk}", None) for p in new],
        ("matchrun", run.pk, "running", "succeeded", "run finished", None),
    ]
    assert all(before <= c.at <= after for c in changes)

    context = {"task": "matching.execute_run", "run": run.pk}
    earlier = [
        (world[name].pk, status, world[name].fingerprint)
        for name, status in [
            ("kept", "proposed"),
            ("stale", "proposed"),
            ("accepted", "accepted"),
            ("outside", "proposed"),
        ]
    ]
    events = ProposalEvent.objects.select_related("pgh_context")
    assert sorted(
        (
            e.pgh_label,
            e.pgh_obj_id,
            e.status,
            e.fingerprint,
            e.pgh_context and e.pgh_context.metadata,
        )
        for e in events
    ) == sorted(
        [("insert", pk, status, fingerprint, None) for pk, status, fingerprint in earlier]
        + [("update", stale.pk, "superseded", "earlier-3", context)]
        + [("insert", p.pk, "proposed", p.fingerprint, context) for p in new]
    )
    assert not ProposalLineEvent.objects.exists()

    run.refresh_from_db()
    assert (run.status, run.progress, run.stage) == ("succeeded", 100, "done")
    assert before <= run.finished_at <= after
    seconds = run.metrics.pop("seconds")
    assert seconds["solve"] == 1.5 and seconds["load"] == 2 and seconds["save"] >= 0
    assert run.metrics == {
        "coverage": 0.5,
        "proposals_created": 3,
        "proposals_kept": 1,
        "proposals_superseded": 1,
    }


def test_the_same_result_saved_again_creates_and_supersedes_nothing(world):
    needs, items, offers = world["needs"], world["items"], world["offers"]
    result = Result(
        proposals=(
            NeedProposal(
                needs[0].pk,
                (line(offers[0], items[0], 4.0, 4.0, 0.4, "again"),),
                coverage=0.5,
                score=0.4,
                explanation={"summary": "again"},
            ),
        ),
        metrics={},
    )
    first, second = running_run(), running_run()
    assert store_result(run_id=first.pk, result=result, need_ids=[needs[0].pk]) == 1
    assert store_result(run_id=second.pk, result=result, need_ids=[needs[0].pk]) == 0
    second.refresh_from_db()
    assert second.metrics["proposals_kept"] == 1
    assert second.metrics["proposals_superseded"] == 0
    assert Proposal.objects.get(need=needs[0]).run_id == first.pk
    assert not StateChange.objects.filter(subject_type="proposal", to_state="superseded").exists()


def test_a_result_without_lines_supersedes_every_unacted_proposal_of_its_needs(world):
    needs, kept, stale = world["needs"], world["kept"], world["stale"]
    empty = NeedProposal(needs[3].pk, (), coverage=0.0, score=0.0, explanation={})
    run = running_run()
    need_ids = [need.pk for need in needs[2:5]]
    assert store_result(run_id=run.pk, result=Result((empty,), {}), need_ids=need_ids) == 0

    statuses = dict(Proposal.objects.values_list("pk", "status"))
    assert statuses == {
        kept.pk: "superseded",
        stale.pk: "superseded",
        world["accepted"].pk: "accepted",
        world["outside"].pk: "proposed",
    }
    # newest first, as the proposals list orders them
    superseded = StateChange.objects.filter(to_state="superseded").order_by("pk")
    assert list(superseded.values_list("subject_id", flat=True)) == [stale.pk, kept.pk]
    run.refresh_from_db()
    assert (run.metrics["proposals_created"], run.metrics["proposals_kept"]) == (0, 0)
    assert run.metrics["proposals_superseded"] == 2


@contextlib.contextmanager
def traced(messages: list[tuple[str, str]]):
    """Every protocol message on the connection: (F)rontend or (B)ackend, and its type."""
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            yield
        finally:
            pgconn.untrace()
            trace.seek(0)
            for text in trace.read().decode(errors="replace").splitlines():
                fields = text.split("\t")
                if len(fields) >= 3 and fields[0] in ("F", "B"):  # not a message's continuation
                    messages.append((fields[0], fields[2].strip()))


def test_a_one_need_save_takes_few_statements_and_round_trips(world):
    needs, items, offers = world["needs"], world["items"], world["offers"]
    result = Result(
        proposals=(
            NeedProposal(
                needs[1].pk,
                tuple(
                    line(offer, items[1], 2.0, 2.0, 0.5, f"line {index}")
                    for index, offer in enumerate(offers[:3])
                ),
                coverage=0.12,
                score=0.5,
                explanation={"summary": "three partners"},
            ),
        ),
        metrics={},
    )
    run = running_run()
    messages: list[tuple[str, str]] = []
    with CaptureQueriesContext(connection) as captured, traced(messages):
        assert store_result(run_id=run.pk, result=result, need_ids=[needs[1].pk]) == 1
    # COPY statements do not pass through Django's cursor.execute: count them on the wire.
    statements = [kind for direction, kind in messages if direction == "F" and kind == "Query"]
    round_trips = sum(
        1
        for previous, current in itertools.pairwise(messages)
        if previous[0] == "F" and current[0] == "B"
    )
    assert len(captured) <= len(statements)
    # a savepoint, not BEGIN/COMMIT, inside the test's transaction
    assert len(statements) - 2 <= ONE_NEED_STATEMENTS, captured.captured_queries
    assert round_trips - 2 <= ONE_NEED_ROUND_TRIPS
    assert ProposalLine.objects.filter(proposal__run=run).count() == 3
