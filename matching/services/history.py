"""Recording state changes: who, when, why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from matching.models import StateChange
from registry.actors import Actor

# One statement however many rows: a run supersedes and proposes thousands at once, and model
# instances for each took a tenth of its save. Rows keep the order of the ids.
RECORD_MANY_SQL = f"""
INSERT INTO "{StateChange._meta.db_table}"
    ("subject_type", "subject_id", "from_state", "to_state", "reason", "at")
SELECT %s, change.subject_id, %s, %s, %s, change.at
FROM unnest(%s::bigint[], %s::timestamptz[]) WITH ORDINALITY AS change(subject_id, at, position)
ORDER BY change.position
"""


def record(
    subject: Model,
    to_state: str,
    *,
    actor: Actor | None = None,
    reason: str = "",
    from_state: str = "",
) -> None:
    """Record one state change of a model instance."""
    StateChange.objects.create(
        subject_type=type(subject).__name__.lower(),
        subject_id=subject.pk,
        from_state=from_state,
        to_state=to_state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        reason=reason,
    )


def record_many(
    subject_type: str, ids: Iterable[int], from_state: str, to_state: str, *, reason: str
) -> None:
    """Record the same state change of many rows (bulk updates are audited too)."""
    ids = list(ids)
    if not ids:
        return
    at = [timezone.now() for _ in ids]  # as auto_now_add sets it, row by row
    with connection.cursor() as cursor:
        cursor.execute(RECORD_MANY_SQL, [subject_type, from_state, to_state, reason, ids, at])


def transition(
    subject: Model,
    to_state: str,
    *,
    actor: Actor | None = None,
    reason: str = "",
    field: str = "status",
    also: dict[str, Any] | None = None,
) -> None:
    """Move subject.<field> to to_state (with the `also` field values), save, and record it."""
    from_state = getattr(subject, field)
    setattr(subject, field, to_state)
    for name, value in (also or {}).items():
        setattr(subject, name, value)
    subject.save(update_fields=[field, *(also or {})])
    record(subject, to_state, actor=actor, reason=reason, from_state=from_state)
