"""Storing a run's result: new proposals, superseded old ones, no duplicates."""

from __future__ import annotations

import hashlib
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from matching.engine import NeedProposal, Result
from matching.models import MatchRun, Proposal, ProposalLine
from matching.services.history import record, record_many
from registry.models import Offer

CENT = Decimal("0.01")


def to_decimal(value: float) -> Decimal:
    """An engine float as a stored quantity, rounded down so capacity is never exceeded."""
    return Decimal(repr(value)).quantize(CENT, rounding=ROUND_DOWN)


def fingerprint(proposal: NeedProposal) -> str:
    """The identity of a proposal: its need and its lines with their quantities."""
    lines = sorted(
        (line.offer_id, line.need_item_id, str(to_decimal(line.offer_quantity)))
        for line in proposal.lines
    )
    text = f"{proposal.need_id}|" + ";".join(f"{o},{i},{q}" for o, i, q in lines)
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def save_proposals(
    *, run_id: int, result: Result, need_ids: list[int], load_seconds: float = 0.0
) -> int:
    """Write the run's proposals and metrics, superseding unacted proposals of the same needs."""
    run = MatchRun.objects.select_for_update().get(pk=run_id)
    if run.status != MatchRun.Status.RUNNING:
        return 0  # another delivery finished it
    # A whole-catalogue run writes tens of thousands of rows (and their history rows) in this
    # one transaction: the per-statement timeout guards web requests; the task's limit guards this.
    with connection.cursor() as cursor:
        limit = f"{settings.CELERY_TASK_TIME_LIMIT}s"
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [limit])
    started = timezone.now()
    new = {fingerprint(proposal): proposal for proposal in result.proposals if proposal.lines}
    live = set(
        Proposal.objects.filter(
            fingerprint__in=list(new), status__in=Proposal.LIVE_STATUSES
        ).values_list("fingerprint", flat=True)
    )
    stale = list(
        Proposal.objects.filter(need_id__in=need_ids, status=Proposal.Status.PROPOSED)
        .exclude(fingerprint__in=live)
        .values_list("pk", flat=True)
    )
    Proposal.objects.filter(pk__in=stale).update(
        status=Proposal.Status.SUPERSEDED, decided_at=started
    )
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
    rows = Proposal.objects.bulk_create(
        Proposal(
            run_id=run_id,
            need_id=proposal.need_id,
            score=Decimal(repr(round(proposal.score, 4))),
            coverage=Decimal(repr(round(min(1.0, proposal.coverage), 4))),
            explanation=dict(proposal.explanation),
            fingerprint=key,
        )
        for key, proposal in to_create
    )
    organization_of = dict(
        Offer.objects.filter(
            pk__in={line.offer_id for _, proposal in to_create for line in proposal.lines}
        ).values_list("pk", "organization_id")
    )
    ProposalLine.objects.bulk_create(
        ProposalLine(
            proposal=row,
            offer_id=line.offer_id,
            need_item_id=line.need_item_id,
            organization_id=organization_of[line.offer_id],
            quantity=to_decimal(line.quantity),
            offer_quantity=to_decimal(line.offer_quantity),
            score=Decimal(repr(round(line.score, 4))),
            terms={name: round(value, 4) for name, value in line.terms.items()},
            explanation=line.explanation,
        )
        for row, (_, proposal) in zip(rows, to_create, strict=True)
        for line in proposal.lines
        if to_decimal(line.quantity) > 0 and to_decimal(line.offer_quantity) > 0
    )
    record_many(
        "proposal",
        [row.pk for row in rows],
        "",
        Proposal.Status.PROPOSED,
        reason=f"proposed by run {run_id}",
    )
    metrics = dict(result.metrics)
    seconds = dict(metrics.get("seconds", {}))
    seconds["load"] = round(load_seconds, 4)
    seconds["save"] = round((timezone.now() - started).total_seconds(), 4)
    metrics.update(
        seconds=seconds,
        proposals_created=len(rows),
        proposals_kept=len(live),
        proposals_superseded=len(stale),
    )
    run.status = MatchRun.Status.SUCCEEDED
    run.metrics = metrics
    run.progress = 100
    run.stage = "done"
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "metrics", "progress", "stage", "finished_at"])
    record(
        run, MatchRun.Status.SUCCEEDED, from_state=MatchRun.Status.RUNNING, reason="run finished"
    )
    return len(rows)
