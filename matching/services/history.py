"""Recording state changes: who, when, why."""

from __future__ import annotations

from collections.abc import Iterable

from matching.models import StateChange


def record(subject, to_state: str, *, actor=None, reason: str = "", from_state: str = "") -> None:
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
    StateChange.objects.bulk_create(
        StateChange(
            subject_type=subject_type,
            subject_id=pk,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
        )
        for pk in ids
    )


def transition(
    subject,
    to_state: str,
    *,
    actor=None,
    reason: str = "",
    field: str = "status",
    also: dict | None = None,
) -> None:
    """Move subject.<field> to to_state (with the `also` field values), save, and record it."""
    from_state = getattr(subject, field)
    setattr(subject, field, to_state)
    for name, value in (also or {}).items():
        setattr(subject, name, value)
    subject.save(update_fields=[field, *(also or {})])
    record(subject, to_state, actor=actor, reason=reason, from_state=from_state)
