"""HXL 3W ("who does what where") tables of offers, needs and partnerships.

Each table is a CSV whose second row holds the HXL hashtags (hxlstandard.org), so that HXL
tools read it without a mapping. Lists inside a cell (focus areas, areas) are joined by "; ".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy as _

from interchange.spreadsheets import Column, csv_lines
from matching.models import Commitment, Partner, Partnership
from registry.area_codes import GLOBAL, country_of, is_subdivision
from registry.models import Need, NeedItem, Offer
from registry.models.taxonomy import ResourceKind

ORGANIZATION_COLUMNS = [
    Column(_("Organization"), "#org+name", lambda row: row.organization.name),
    Column(_("Organization identifier"), "#org+code", lambda row: row.organization.identifier),
    Column(_("Organization type"), "#org+type", lambda row: row.organization.kind),
]


def _countries(areas: list[str]) -> list[str]:
    return list(dict.fromkeys(country_of(area) for area in areas if area != GLOBAL))


def _subdivisions(areas: list[str]) -> list[str]:
    return [area for area in areas if is_subdivision(area)]


def _slugs(related) -> list[str]:
    return [row.slug for row in related.all()]


OFFER_COLUMNS = [
    Column(_("Offer"), "#activity+code", lambda offer: offer.pk),
    Column(_("Title"), "#activity+name", lambda offer: offer.title),
    *ORGANIZATION_COLUMNS,
    Column(_("Category"), "#item+code", lambda offer: offer.category_id),
    Column(_("Resource kind"), "#item+type", lambda offer: offer.kind),
    Column(_("Focus areas"), "#sector", lambda offer: _slugs(offer.focus_areas)),
    Column(_("Vulnerable groups"), "#targeted+type", lambda offer: _slugs(offer.vulnerable_groups)),
    Column(_("Areas"), "#loc+code", lambda offer: offer.areas),
    Column(_("Countries"), "#country+code", lambda offer: _countries(offer.areas)),
    Column(_("Subdivisions"), "#adm1+code", lambda offer: _subdivisions(offer.areas)),
    Column(_("Quantity"), "#value", lambda offer: offer.quantity),
    Column(_("Remaining"), "#value+remaining", lambda offer: offer.remaining),
    Column(_("Unit"), "#meta+unit", lambda offer: offer.category.unit),
    Column(_("Currency"), "#currency", lambda offer: offer.currency),
    Column(_("Status"), "#status", lambda offer: offer.status),
    Column(_("Available from"), "#date+start", lambda offer: offer.available_from),
    Column(_("Available until"), "#date+end", lambda offer: offer.available_until),
]

NEED_ITEM_COLUMNS = [
    Column(_("Need"), "#activity+code", lambda item: item.need.pk),
    Column(_("Title"), "#activity+name", lambda item: item.need.title),
    Column(_("Organization"), "#org+name", lambda item: item.need.organization.name),
    Column(
        _("Organization identifier"), "#org+code", lambda item: item.need.organization.identifier
    ),
    Column(_("Organization type"), "#org+type", lambda item: item.need.organization.kind),
    Column(_("Country"), "#country+code", lambda item: country_of(item.need.area)),
    Column(_("Subdivisions"), "#adm1+code", lambda item: _subdivisions([item.need.area])),
    Column(_("Focus areas"), "#sector", lambda item: _slugs(item.need.focus_areas)),
    Column(
        _("Vulnerable groups"), "#targeted+type", lambda item: _slugs(item.need.vulnerable_groups)
    ),
    Column(_("People affected"), "#affected", lambda item: item.need.population),
    Column(_("Priority"), "#meta+priority", lambda item: item.need.priority),
    Column(_("Status"), "#status", lambda item: item.need.status),
    Column(_("Deadline"), "#date+end", lambda item: item.need.deadline),
    Column(_("Category"), "#item+code", lambda item: item.category_id),
    Column(_("Quantity needed"), "#value+needed", lambda item: item.quantity),
    Column(_("Quantity covered"), "#value+covered", lambda item: item.covered),
    Column(_("Unit"), "#meta+unit", lambda item: item.category.unit),
    Column(_("Currency"), "#currency", lambda item: item.currency),
]


def offer_lines(offers: Iterable[Offer]) -> Iterator[str]:
    """One row per offer."""
    return csv_lines(OFFER_COLUMNS, offers, tags=True)


def need_lines(needs: Iterable[Need]) -> Iterator[str]:
    """One row per resource a need asks for (a need of three items gives three rows)."""
    items = (item for need in needs for item in _items_of(need))
    return csv_lines(NEED_ITEM_COLUMNS, items, tags=True)


def _items_of(need: Need) -> list[NeedItem]:
    items = list(need.items.all())
    for item in items:
        item.need = need  # read the need's prefetched relations, not the database again
    return items


class PartnerRow:
    """One partner of a partnership, with one of the commitments it fulfils in that role."""

    def __init__(self, partnership: Partnership, partner: Partner, commitment: Commitment | None):
        self.partnership, self.partner, self.commitment = partnership, partner, commitment
        self.organization = partner.organization
        self.item = commitment.need_item if commitment else None


PARTNERSHIP_COLUMNS = [
    Column(_("Partnership"), "#activity+code", lambda row: row.partnership.pk),
    Column(_("Need"), "#activity+name", lambda row: row.partnership.need.title),
    *ORGANIZATION_COLUMNS,
    Column(_("Role"), "#org+role", lambda row: row.partner.get_role_display()),
    Column(_("Country"), "#country+code", lambda row: country_of(row.partnership.need.area)),
    Column(_("Subdivisions"), "#adm1+code", lambda row: _subdivisions([row.partnership.need.area])),
    Column(_("Focus areas"), "#sector", lambda row: _slugs(row.partnership.need.focus_areas)),
    Column(_("Status"), "#status", lambda row: row.partnership.status),
    Column(_("Formed"), "#date+start", lambda row: row.partnership.formed_at.date()),
    Column(
        _("Closed"),
        "#date+end",
        lambda row: row.partnership.closed_at.date() if row.partnership.closed_at else None,
    ),
    Column(_("Category"), "#item+code", lambda row: row.item.category_id if row.item else None),
    Column(
        _("Quantity committed"),
        "#value",
        lambda row: row.commitment.item_quantity if row.commitment else None,
    ),
    Column(_("Unit"), "#meta+unit", lambda row: row.item.category.unit if row.item else None),
    Column(_("Currency"), "#currency", lambda row: row.item.currency if row.item else None),
]


def partnership_lines(partnerships: Iterable[Partnership]) -> Iterator[str]:
    """One row per partner and commitment: who gives what, where, in which role."""
    rows = (row for partnership in partnerships for row in _partner_rows(partnership))
    return csv_lines(PARTNERSHIP_COLUMNS, rows, tags=True)


def _partner_rows(partnership: Partnership) -> list[PartnerRow]:
    committed = [
        line.commitment
        for line in partnership.proposal.lines.all()
        if hasattr(line, "commitment") and line.commitment.state == Commitment.State.COMMITTED
    ]
    rows = []
    for partner in partnership.partners.all():
        giving = [
            commitment
            for commitment in committed
            if commitment.line.organization_id == partner.organization_id
            and partner.role in (Partner.Role.FUNDING, Partner.Role.IMPLEMENTING)
            and (partner.role == Partner.Role.FUNDING)
            == (commitment.need_item.kind == ResourceKind.FINANCIAL)
        ]
        rows.extend(PartnerRow(partnership, partner, commitment) for commitment in giving)
        if not giving:
            rows.append(PartnerRow(partnership, partner, None))
    return rows
