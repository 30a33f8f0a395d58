"""IATI 2.03 activity files: each partnership, and each accepted proposal as a pipeline activity.

The querysets come from interchange.selectors (prefetched); the writer reads and never writes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from interchange.iati import codes
from interchange.iati.elements import (
    XML_LANG,
    child,
    document,
    iso_date,
    number,
    organization_element,
    reporting_org,
    with_narrative,
)
from interchange.iati.publisher import Publisher, current_publisher
from interchange.iati.results import result_element
from matching.models import Commitment, Partner, Partnership, Proposal
from registry.area_codes import country_of
from registry.areas import area_name
from registry.models import Need, Organization
from registry.models.taxonomy import ResourceKind


@dataclass
class Activity:
    """What one iati-activity says, whether it comes from a partnership or a proposal."""

    identifier: str
    need: Need
    status: str
    dates: list[tuple[str, datetime.date]]
    participants: list[tuple[Organization, str]]
    commitments: list[Commitment]
    transaction_type: str
    reports: list = field(default_factory=list)
    start: datetime.date | None = None
    updated: datetime.datetime | None = None


def write_activities(
    *, partnerships: Iterable[Partnership], proposals: Iterable[Proposal], language: str
) -> bytes:
    """An iati-activities document of the partnerships and the accepted proposals."""
    publisher = current_publisher()
    root = etree.Element("iati-activities", version=codes.IATI_VERSION)
    root.set("generated-datetime", timezone.now().isoformat(timespec="seconds"))
    for partnership in partnerships:
        _write(root, partnership_activity(partnership, publisher), publisher, language)
    for proposal in proposals:
        _write(root, pipeline_activity(proposal, publisher), publisher, language)
    return document(root)


def partnership_activity(partnership: Partnership, publisher: Publisher) -> Activity:
    """A partnership as an activity: its partners in their roles, its committed resources."""
    start = partnership.formed_at.date()
    dates = [(codes.ACTUAL_START, start)]
    if partnership.need.deadline:
        dates.append((codes.PLANNED_END, partnership.need.deadline))
    if partnership.closed_at and partnership.status != Partnership.Status.ACTIVE:
        dates.append((codes.ACTUAL_END, partnership.closed_at.date()))
    commitments = [
        line.commitment
        for line in partnership.proposal.lines.all()
        if _has_commitment(line) and line.commitment.state == Commitment.State.COMMITTED
    ]
    return Activity(
        identifier=f"{publisher.ref}-PARTNERSHIP-{partnership.pk}",
        need=partnership.need,
        status=codes.ACTIVITY_STATUS[partnership.status],
        dates=dates,
        participants=[
            (partner.organization, partner.role) for partner in partnership.partners.all()
        ],
        commitments=commitments,
        transaction_type=codes.INCOMING_COMMITMENT,
        reports=list(partnership.approved_reports),
        start=start,
        updated=partnership.formed_at,
    )


def pipeline_activity(proposal: Proposal, publisher: Publisher) -> Activity:
    """An accepted proposal as a pipeline activity: its reserved resources are pledges."""
    start = (proposal.decided_at or proposal.created_at).date()
    dates = [(codes.PLANNED_START, start)]
    if proposal.need.deadline:
        dates.append((codes.PLANNED_END, proposal.need.deadline))
    lines = [line for line in proposal.lines.all() if _has_commitment(line)]
    live = [line for line in lines if line.commitment.state != Commitment.State.RELEASED]
    return Activity(
        identifier=f"{publisher.ref}-PROPOSAL-{proposal.pk}",
        need=proposal.need,
        status=codes.PIPELINE,
        dates=dates,
        participants=pipeline_participants(proposal.need, live),
        commitments=[line.commitment for line in live],
        transaction_type=codes.INCOMING_PLEDGE,
        start=start,
        updated=proposal.decided_at,
    )


def pipeline_participants(need: Need, lines) -> list[tuple[Organization, str]]:
    """The roles the partners will hold once the proposal forms a partnership: the need's
    organization accountable, who gives money funding, who gives anything else implementing."""
    roles = {(need.organization.pk, Partner.Role.ACCOUNTABLE): need.organization}
    for line in lines:
        funding = line.need_item.kind == ResourceKind.FINANCIAL
        role = Partner.Role.FUNDING if funding else Partner.Role.IMPLEMENTING
        roles[(line.organization.pk, role)] = line.organization
    return [(roles[key], key[1]) for key in sorted(roles, key=lambda key: (key[1], key[0]))]


def _has_commitment(line) -> bool:
    try:
        return line.commitment is not None
    except Commitment.DoesNotExist:
        return False


def _write(root: etree._Element, activity: Activity, publisher: Publisher, language: str) -> None:
    need = activity.need
    element = child(root, "iati-activity")
    element.set(XML_LANG, language)
    if activity.updated:
        element.set("last-updated-datetime", activity.updated.isoformat(timespec="seconds"))
    child(element, "iati-identifier", activity.identifier)
    reporting_org(element, publisher)
    with_narrative(element, "title", need.title)
    _descriptions(element, activity)
    for organization, role in activity.participants:
        organization_element(element, "participating-org", organization, role=role)
    child(element, "activity-status", code=activity.status)
    for date_type, date in activity.dates:
        child(element, "activity-date", type=date_type, iso_date=iso_date(date))
    _geography(element, need.area)
    _sectors(element, [area.slug for area in need.focus_areas.all()])
    _sdg_tags(element, list(need.sdg_targets.all()))
    _policy_markers(element, [group.slug for group in need.vulnerable_groups.all()])
    for commitment in activity.commitments:
        if commitment.need_item.kind == ResourceKind.FINANCIAL:
            _transaction(element, activity, commitment)
    if need.indicator_name:
        result_element(element, need, activity.reports, activity.start)


def _descriptions(element: etree._Element, activity: Activity) -> None:
    need = activity.need
    with_narrative(element, "description", need.description or need.title, type=codes.GENERAL)
    groups = [group.name for group in need.vulnerable_groups.all()]
    if groups or need.population:
        text = _("Groups reached first: %(groups)s.") % {"groups": ", ".join(groups) or "—"}
        if need.population:
            text += " " + _("People affected: %(count)s.") % {"count": need.population}
        with_narrative(element, "description", text, type=codes.TARGET_GROUPS)
    in_kind = [c for c in activity.commitments if c.need_item.kind != ResourceKind.FINANCIAL]
    if in_kind:
        parts = [
            _("%(quantity)s %(unit)s of %(category)s from %(organization)s")
            % {
                "quantity": number(commitment.item_quantity),
                "unit": commitment.need_item.category.unit,
                "category": commitment.need_item.category.name,
                "organization": commitment.line.organization.name,
            }
            for commitment in in_kind
        ]
        text = _("Contributions in kind: %(list)s.") % {"list": "; ".join(parts)}
        with_narrative(element, "description", text, type=codes.OTHER)


def _geography(element: etree._Element, area: str) -> None:
    country = country_of(area)
    if country is None:  # a global need names no recipient country
        return
    with_narrative(
        element, "recipient-country", area_name(country) or country, code=country, percentage=100
    )
    if area != country:
        location = child(element, "location", ref=area)
        with_narrative(location, "name", area_name(area) or area)


def _sectors(element: etree._Element, focus_areas: list[str]) -> None:
    sectors = sorted({codes.SECTOR_OF_FOCUS_AREA.get(slug, codes.ICT) for slug in focus_areas})
    sectors = sectors or [codes.ICT]
    for code, percentage in zip(sectors, _shares(len(sectors)), strict=True):
        child(
            element,
            "sector",
            vocabulary=codes.SECTOR_VOCABULARY,
            code=code,
            percentage=percentage,
        )


def _shares(count: int) -> list[Decimal]:
    """`count` percentages with two decimals that add up to exactly 100."""
    share = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    shares = [share] * count
    shares[0] += Decimal(100) - share * count
    return shares


def _sdg_tags(element: etree._Element, targets: list) -> None:
    for goal in sorted({target.goal for target in targets}):
        child(element, "tag", vocabulary=codes.SDG_GOAL_VOCABULARY, code=goal)
    for target in targets:
        with_narrative(
            element, "tag", target.title, vocabulary=codes.SDG_TARGET_VOCABULARY, code=target.code
        )


def _policy_markers(element: etree._Element, groups: list[str]) -> None:
    for group, code in codes.POLICY_MARKER_OF_GROUP.items():
        if group in groups:
            significance = codes.PRINCIPAL if groups == [group] else codes.SIGNIFICANT
            child(
                element,
                "policy-marker",
                vocabulary=codes.POLICY_MARKER_VOCABULARY,
                code=code,
                significance=significance,
            )


def _transaction(element: etree._Element, activity: Activity, commitment: Commitment) -> None:
    when = iso_date(commitment.updated_at)
    transaction = child(element, "transaction")
    child(transaction, "transaction-type", code=activity.transaction_type)
    child(transaction, "transaction-date", iso_date=when)
    child(
        transaction,
        "value",
        format(commitment.item_quantity, "f"),
        currency=commitment.need_item.currency,
        value_date=when,
    )
    with_narrative(transaction, "description", commitment.need_item.category.name)
    organization_element(transaction, "provider-org", commitment.line.organization)
    organization_element(transaction, "receiver-org", activity.need.organization)
