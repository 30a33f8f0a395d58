"""Reminders: recorded once per reminder key and user, however often the schedule runs, and
never for a user who turned reminders off."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Model

from notifications.models import Event, Kind, Nudge, Preference
from notifications.services.events import record_event

# Concurrent schedules race on the unique (key, user): the first insert wins, the other skips.
INSERT_NUDGES = f"""
    INSERT INTO {Nudge._meta.db_table} (key, user_id, created_at)
    SELECT %s, recipient, now() FROM unnest(%s::bigint[]) AS recipient
    ON CONFLICT DO NOTHING
    RETURNING user_id
"""


@transaction.atomic
def record_nudge(
    *,
    kind: Kind | str,
    key: str,
    subject: Model,
    link: str,
    recipients: Iterable[int],
    organizations: Iterable[int] = (),
) -> Event | None:
    """Remind the recipients not yet reminded under this key (and who want reminders); answer
    the event, or None when nobody is left to remind."""
    users = set(recipients) - set(
        Preference.objects.filter(user_id__in=set(recipients), nudges=False).values_list(
            "user_id", flat=True
        )
    )
    if not users:
        return None
    with connection.cursor() as cursor:
        cursor.execute(INSERT_NUDGES, [key, sorted(users)])
        fresh = [row[0] for row in cursor.fetchall()]
    if not fresh:
        return None
    return record_event(
        kind=kind, subject=subject, link=link, recipients=fresh, organizations=organizations
    )
