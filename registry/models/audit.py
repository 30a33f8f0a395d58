"""Database-trigger history: every insert, update and delete of a tracked model, with its actor."""

from __future__ import annotations

import pghistory


def audited(*, exclude: list[str] | None = None):
    """Track a model with triggers; its event rows can change only through an erasure."""
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        exclude=exclude,
        append_only=True,
    )
