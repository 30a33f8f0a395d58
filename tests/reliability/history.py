"""Reading the database-trigger history in tests: events of a row, with their context."""

from __future__ import annotations

from django.apps import apps
from django.db import connection

EVENT_MODELS = (
    "registry.OrganizationEvent",
    "registry.MembershipEvent",
    "registry.OfferEvent",
    "matching.ProposalEvent",
    "matching.ProposalLineEvent",
    "matching.CommitmentEvent",
    "matching.PartnershipEvent",
)


def event_model(label: str):
    return apps.get_model(label)


def events(label: str, obj_id: int) -> list[tuple[str, dict | None]]:
    """(pgh_label, context metadata) of one row's events, oldest first."""
    return [
        (row["pgh_label"], row["pgh_context__metadata"])
        for row in event_model(label)
        .objects.filter(pgh_obj_id=obj_id)
        .order_by("pgh_id")
        .values("pgh_label", "pgh_context__metadata")
    ]


def tables_containing(text: str) -> dict[str, int]:
    """Every table of the database whose rows contain `text` anywhere, with the row count."""
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
        for (table,) in cursor.fetchall():
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*) FROM {quoted} AS row WHERE row::text ILIKE %s",
                [f"%{text}%"],
            )
            count = cursor.fetchone()[0]
            if count:
                found[table] = count
    return found
