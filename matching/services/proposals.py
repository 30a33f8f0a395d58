"""Storing a run's proposals: new ones, superseded old ones, no duplicates.

The run's own status and metrics are written by the execution (run_execution.py), in the same
transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from matching.engine import NeedProposal, Result
from matching.models import Proposal, ProposalLine
from matching.services.history import record_many
from registry.models import Offer

CENT = Decimal("0.01")
# Django's JSONField writes json.dumps(value); orjson gives the same JSON values, faster.
JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY

# One statement for everything the write needs to know, so that a one-need run stays within
# the round trips of a few inserts: which fingerprints are live (kept, not duplicated), which
# unacted proposals of these needs are superseded (updated here, ordered as the model lists
# them), ids for the new proposals, and the offers' organizations. The SELECTs see the rows as
# they were before the UPDATE.
SETTLE_SQL = f"""
WITH live AS (
    SELECT "fingerprint" FROM "{Proposal._meta.db_table}"
    WHERE "fingerprint" = ANY(%(fingerprints)s::text[]) AND "status" = ANY(%(live)s::text[])
), stale AS (
    UPDATE "{Proposal._meta.db_table}" SET "status" = %(superseded)s, "decided_at" = %(at)s
    WHERE "need_id" = ANY(%(need_ids)s::bigint[]) AND "status" = %(proposed)s
        AND "fingerprint" NOT IN (SELECT "fingerprint" FROM live)
    RETURNING "id", "created_at"
), offer AS (
    SELECT "id", "organization_id" FROM "{Offer._meta.db_table}"
    WHERE "id" = ANY(%(offer_ids)s::bigint[])
)
SELECT
    ARRAY(SELECT "fingerprint" FROM live),
    ARRAY(SELECT "id" FROM stale ORDER BY "created_at" DESC, "id" DESC),
    ARRAY(
        SELECT nextval(pg_get_serial_sequence('{Proposal._meta.db_table}', 'id'))
        FROM (SELECT unnest(%(fingerprints)s::text[]) EXCEPT SELECT "fingerprint" FROM live) AS new
    ),
    ARRAY(SELECT "id" FROM offer ORDER BY "id"),
    ARRAY(SELECT "organization_id" FROM offer ORDER BY "id")
"""
PROPOSAL_COLUMNS = (
    "id, run_id, need_id, status, score, coverage, explanation, fingerprint, created_at, reason"
)
LINE_COLUMNS = (
    "proposal_id, offer_id, need_item_id, organization_id, quantity, offer_quantity, score,"
    " terms, explanation, confirmation"
)


def to_decimal(value: float) -> Decimal:
    """An engine float as a stored quantity, rounded down so capacity is never exceeded."""
    return Decimal(repr(value)).quantize(CENT, rounding=ROUND_DOWN)


def to_score(value: float) -> Decimal:
    """An engine score or share as stored (4 decimals)."""
    return Decimal(repr(round(value, 4)))


def fingerprint(proposal: NeedProposal) -> str:
    """The identity of a proposal: its need and its lines with their quantities."""
    lines = sorted(
        (line.offer_id, line.need_item_id, str(to_decimal(line.offer_quantity)))
        for line in proposal.lines
    )
    text = f"{proposal.need_id}|" + ";".join(f"{o},{i},{q}" for o, i, q in lines)
    return hashlib.sha256(text.encode()).hexdigest()


def _json(value: Any) -> str:
    return orjson.dumps(value, option=JSON_OPTIONS).decode()


def _copy(cursor: CursorWrapper, table: str, columns: str, rows: Iterable[Sequence[Any]]) -> None:
    # COPY, not INSERT: a run writes tens of thousands of rows, and building, adapting and
    # quoting them as parameters took most of the save. Row triggers (the history) still fire.
    with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def _proposal_rows(
    run_id: int, ids: list[int], to_create: list[tuple[str, NeedProposal]]
) -> Iterator[tuple[Any, ...]]:
    for pk, (key, proposal) in zip(ids, to_create, strict=True):
        yield (
            pk,
            run_id,
            proposal.need_id,
            Proposal.Status.PROPOSED,
            to_score(proposal.score),
            to_score(min(1.0, proposal.coverage)),
            _json(dict(proposal.explanation)),
            key,
            timezone.now(),  # created_at, as auto_now_add sets it row by row
            "",
        )


def _line_rows(
    ids: list[int], to_create: list[tuple[str, NeedProposal]], organization_of: dict[int, int]
) -> Iterator[tuple[Any, ...]]:
    for pk, (_, proposal) in zip(ids, to_create, strict=True):
        for line in proposal.lines:
            quantity, offer_quantity = to_decimal(line.quantity), to_decimal(line.offer_quantity)
            if quantity > 0 and offer_quantity > 0:
                yield (
                    pk,
                    line.offer_id,
                    line.need_item_id,
                    organization_of[line.offer_id],
                    quantity,
                    offer_quantity,
                    to_score(line.score),
                    _json({name: round(value, 4) for name, value in line.terms.items()}),
                    line.explanation,
                    ProposalLine.Confirmation.PENDING,
                )


@dataclass(frozen=True)
class Stored:
    """What storing a run's proposals did: proposals created, kept (live already), superseded."""

    created: int
    kept: int
    superseded: int
    seconds: float


@transaction.atomic(savepoint=False)
def save_proposals(*, run_id: int, result: Result, need_ids: list[int]) -> Stored:
    """Write the run's proposals, superseding unacted proposals of the same needs.

    Called by the execution inside the transaction that holds the run and marks it succeeded.
    """
    with connection.cursor() as cursor:
        # A whole-catalogue run writes tens of thousands of rows (and their history rows) in
        # this one transaction: the per-statement timeout guards web requests; the task's
        # limit guards this.
        limit = f"{settings.CELERY_TASK_TIME_LIMIT}s"
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [limit])
        started = timezone.now()
        new = {fingerprint(proposal): proposal for proposal in result.proposals if proposal.lines}
        # Not a bare SELECT, so pghistory sets its context here, for the COPYs' triggers too.
        cursor.execute(
            SETTLE_SQL,
            {
                "fingerprints": list(new),
                "live": list(Proposal.LIVE_STATUSES),
                "superseded": Proposal.Status.SUPERSEDED,
                "proposed": Proposal.Status.PROPOSED,
                "at": started,
                "need_ids": list(need_ids),
                "offer_ids": list({line.offer_id for p in new.values() for line in p.lines}),
            },
        )
        live_fingerprints, stale, ids, offer_ids, organization_ids = cursor.fetchone()
        live = set(live_fingerprints)
        record_many(
            "proposal",
            stale,
            Proposal.Status.PROPOSED,
            Proposal.Status.SUPERSEDED,
            reason=f"superseded by run {run_id}",
        )
        to_create = [
            (key, proposal)
            for key, proposal in sorted(new.items(), key=lambda kv: kv[1].need_id)
            if key not in live
        ]
        ids = sorted(ids)  # in need order, as bulk_create numbered them
        organization_of = dict(zip(offer_ids, organization_ids, strict=True))
        if to_create:
            rows = _proposal_rows(run_id, ids, to_create)
            _copy(cursor, Proposal._meta.db_table, PROPOSAL_COLUMNS, rows)
            lines = _line_rows(ids, to_create, organization_of)
            _copy(cursor, ProposalLine._meta.db_table, LINE_COLUMNS, lines)
    record_many("proposal", ids, "", Proposal.Status.PROPOSED, reason=f"proposed by run {run_id}")
    return Stored(
        created=len(to_create),
        kept=len(live),
        superseded=len(stale),
        seconds=(timezone.now() - started).total_seconds(),
    )
