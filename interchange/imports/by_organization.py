"""One spreadsheet for several organizations: a row names its organization in the column
`organization` (its id, or its identifier such as KE-RCO-CPR2001), else it is the organization
the upload names. A coordinator who receives forty pledges in one file imports them at once.

The rows of each organization go through that kind's import (with its permission check: members
import for their organization, coordinators for any) inside one transaction: a dry run, or any
row in error, writes nothing for any organization.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from interchange.imports.engine import ERROR, ImportReport, RowOutcome
from interchange.imports.progress import advance
from interchange.imports.reading import Row
from registry.models import Organization

COLUMN = "organization"


def import_by_organization(
    *,
    run: Callable[..., ImportReport],
    actor,
    organization: Organization | None,
    rows: list[Row],
    dry_run: bool,
) -> ImportReport:
    """`run(actor=, organization=, rows=, dry_run=)` for each organization the rows name."""
    outcomes: list[RowOutcome] = []
    groups: dict[int, tuple[Organization, list[Row]]] = {}
    found: dict[str, Organization | None] = {}
    for row in rows:
        text = row.cells.pop(COLUMN, "")
        named = find_organization(text, found) if text else organization
        if named is None:
            reason = (
                _("No organization has the id or identifier %(value)s.") % {"value": text}
                if text
                else _("Name the organization: its id or identifier.")
            )
            outcomes.append(
                RowOutcome(
                    row=row.number,
                    key=row.cells.get("key", ""),
                    outcome=ERROR,
                    errors=[{"column": COLUMN, "reason": reason}],
                )
            )
            advance()
            continue
        groups.setdefault(named.pk, (named, []))[1].append(row)
    with transaction.atomic():
        for named, named_rows in groups.values():
            report = run(actor=actor, organization=named, rows=named_rows, dry_run=dry_run)
            outcomes.extend(report.rows)
        failed = any(outcome.outcome == ERROR for outcome in outcomes)
        if dry_run or failed:
            transaction.set_rollback(True)
    outcomes.sort(key=lambda outcome: outcome.row)
    return ImportReport(dry_run=dry_run, imported=not dry_run and not failed, rows=outcomes)


def find_organization(text: str, found: dict[str, Organization | None]) -> Organization | None:
    """The organization whose id or identifier (any case) `text` is; `found` remembers them."""
    if text not in found:
        lookup = (
            {"pk": int(text)} if text.isdigit() and len(text) < 19 else {"identifier__iexact": text}
        )
        found[text] = Organization.objects.filter(**lookup).first()
    return found[text]
