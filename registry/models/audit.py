"""Database-trigger history: every insert, update and delete of a tracked model, with its actor."""

from __future__ import annotations

import pghistory


def audited(*, exclude: list[str] | None = None, inserts: bool = True):
    """Track a model with triggers; its event rows can change only through an erasure.

    inserts=False leaves out the insert event, for rows written in bulk by a run whose creation
    is already recorded (a proposal's lines): their later changes are still tracked.
    """
    return pghistory.track(
        *([pghistory.InsertEvent()] if inserts else []),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        exclude=exclude,
        append_only=True,
    )
