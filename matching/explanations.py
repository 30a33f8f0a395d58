"""The engine's explanations in the reader's language, rebuilt from the facts stored beside them.

The engine writes English sentences and, beside each, the facts they say (organization, amounts,
areas, overlaps, reason codes). These functions say the same facts with gettext in the active
language; in English they give the engine's sentence word for word. Rows stored before the facts
existed keep their English text.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from registry.area_codes import LEVEL_COUNTRY, LEVEL_GLOBAL
from registry.areas import localized_area_name
from registry.models import Category, FocusArea, VulnerableGroup
from registry.models.organizations import OrganizationKind


class Labels:
    """Names of categories, focus areas, vulnerable groups and organization kinds in the active
    language, read once per rendering. In English the engine's own words (the keys) are kept."""

    def __init__(self) -> None:
        self.english = (get_language() or "en").split("-")[0] == "en"

    @cached_property
    def _categories(self) -> dict[str, str]:
        return {str(c.pk): str(c) for c in Category.objects.all()}

    @cached_property
    def _focus_areas(self) -> dict[str, str]:
        return {f.slug: str(f) for f in FocusArea.objects.all()}

    @cached_property
    def _groups(self) -> dict[str, str]:
        return {g.slug: str(g) for g in VulnerableGroup.objects.all()}

    def category(self, key: str) -> str:
        return key if self.english else self._categories.get(key, key)

    def focus_area(self, key: str) -> str:
        return key if self.english else self._focus_areas.get(key, key)

    def group(self, key: str) -> str:
        return key if self.english else self._groups.get(key, key)

    def kind(self, key: str) -> str:
        if self.english:
            return key
        return str(OrganizationKind(key).label) if key in OrganizationKind.values else key

    def area(self, facts: Mapping[str, Any]) -> str:
        """An area's name: the engine's in English, else the name pages show."""
        name = str(facts.get("name") or facts.get("code") or "")
        if self.english:
            return name
        return localized_area_name(str(facts.get("code") or "")) or name

    def date(self, value: str | None) -> str:
        if self.english or not value:
            return str(value)
        return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")

    def count(self, value: float) -> str:
        """A quantity of units: as the engine writes it in English, else in the locale's digits."""
        if self.english:
            return f"{value:g}"
        number = Decimal(repr(float(value)))
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
        return formats.number_format(number, use_l10n=True, force_grouping=True)

    def money(self, value: float) -> str:
        return formats.number_format(Decimal(f"{value:.2f}"), 2, use_l10n=True, force_grouping=True)

    def decimals(self, value: float) -> str:
        return formats.number_format(Decimal(f"{value:.2f}"), 2, use_l10n=True)


def _join(words: list[str]) -> str:
    return pgettext("list separator", ", ").join(words)


def amount(facts: Mapping[str, Any], labels: Labels) -> str:
    """A quantity with its unit: "120 laptops", "USD 50,000.00 grant"."""
    category = labels.category(str(facts["category"]))
    if facts.get("financial"):
        values = {"amount": labels.money(facts["quantity"]), "category": category}
        if facts.get("currency"):
            return _("%(currency)s %(amount)s %(category)s") % {
                **values,
                "currency": facts["currency"],
            }
        return _("%(amount)s %(category)s") % values
    return _("%(quantity)s %(category)s") % {
        "quantity": labels.count(facts["quantity"]),
        "category": category,
    }


def _focus_overlap(facts: Mapping[str, Any], labels: Labels) -> str:
    wanted, shared = int(facts["wanted"]), list(facts["shared"])
    if not wanted:
        return _("the need names no focus areas")
    if not shared:
        return _("no shared focus area (the need names %(count)s)") % {"count": wanted}
    return ngettext(
        "shares %(shared)s of %(count)s focus areas (%(names)s)",
        "shares %(shared)s of %(count)s focus areas (%(names)s)",
        wanted,
    ) % {
        "shared": len(shared),
        "count": wanted,
        "names": _join([labels.focus_area(key) for key in shared]),
    }


def _group_overlap(facts: Mapping[str, Any], labels: Labels) -> str:
    wanted, shared = int(facts["wanted"]), list(facts["shared"])
    if not wanted:
        return _("the need names no vulnerable groups")
    if not shared:
        return _("no shared vulnerable group (the need names %(count)s)") % {"count": wanted}
    return ngettext(
        "reaches %(shared)s of %(count)s vulnerable groups (%(names)s)",
        "reaches %(shared)s of %(count)s vulnerable groups (%(names)s)",
        wanted,
    ) % {
        "shared": len(shared),
        "count": wanted,
        "names": _join([labels.group(key) for key in shared]),
    }


def _similarity(value: float, labels: Labels) -> str:
    words = {"value": labels.decimals(value)}
    if value >= 0.3:
        return _("descriptions similar (text similarity %(value)s)") % words
    if value >= 0.1:
        return _("descriptions somewhat similar (text similarity %(value)s)") % words
    return _("descriptions unrelated (text similarity %(value)s)") % words


def term_words(facts: Mapping[str, Any], labels: Labels) -> list[str]:
    """The score terms of a line in words, in the engine's order."""
    track = int(facts["track_record"])
    return [
        _focus_overlap(facts["focus_areas"], labels),
        _group_overlap(facts["groups"], labels),
        _("verified organization") if facts["verified"] else _("organization not yet verified"),
        ngettext("%(count)s completed partnership", "%(count)s completed partnerships", track)
        % {"count": track}
        if track
        else _("no completed partnership yet"),
        _similarity(float(facts["text_similarity"]), labels),
    ]


def _where(facts: Mapping[str, Any], labels: Labels) -> str:
    level = int(facts["level"])
    if level == LEVEL_GLOBAL:
        return _("any country (global offer)")
    if level == LEVEL_COUNTRY:
        return _("all of %(area)s") % {"area": labels.area(facts["offer_area"])}
    return labels.area(facts["offer_area"])


def _level_words(level: int) -> str:
    if level == LEVEL_GLOBAL:
        return _("global offer")
    if level == LEVEL_COUNTRY:
        return _("country-level match")
    return _("same-area match")


def line_text(facts: Mapping[str, Any] | None, fallback: str, labels: Labels | None = None) -> str:
    """One line of a proposal in the active language; the stored text when it has no facts."""
    if not facts:
        return fallback
    labels = labels or Labels()
    who = facts.get("organization") or _("Organization %(id)s") % {"id": facts["organization_id"]}
    details = pgettext("list separator", "; ").join(term_words(facts, labels))
    details = details[:1].upper() + details[1:]
    return _(
        "%(who)s offers %(offered)s in %(where)s; the need is in %(need_area)s — %(level)s. "
        "Proposed: %(given)s of the %(needed)s needed. %(details)s."
    ) % {
        "who": who,
        "offered": amount(facts["offered"], labels),
        "where": _where(facts, labels),
        "need_area": labels.area(facts["need_area"]),
        "level": _level_words(int(facts["level"])),
        "given": amount(facts["given"], labels),
        "needed": amount(facts["needed"], labels),
        "details": details,
    }


def _reason_words(reason: Mapping[str, Any], labels: Labels) -> str:
    code = reason.get("code")
    if code == "no_area_match":
        return _("no candidate offer of %(category)s covers %(area)s") % {
            "category": labels.category(str(reason["category"])),
            "area": labels.area(reason["need_area"]),
        }
    if code == "capacity_short":
        return _("candidate offers hold only %(amount)s in total") % {
            "amount": amount(reason["held"], labels)
        }
    if code == "contested":
        values = {
            "offer": reason["offer"],
            "organization": reason.get("organization")
            or _("organization %(id)s") % {"id": reason["organization_id"]},
            "need": reason["rival_need"],
            "priority": reason["rival_priority"],
        }
        if reason["higher_priority"]:
            return (
                _(
                    "capacity taken by higher-priority needs (offer %(offer)s of "
                    "%(organization)s contested by need %(need)s, priority %(priority)s)"
                )
                % values
            )
        return (
            _(
                "capacity taken by other needs (offer %(offer)s of %(organization)s "
                "contested by need %(need)s, priority %(priority)s)"
            )
            % values
        )
    if code == "below_minimum":
        return _("below the offer's minimum allocation")
    if code == "capacity_spread":
        return _(
            "the free capacity left is spread over offers the partner limit or minimum pieces "
            "exclude"
        )
    if code == "only_own_offers":
        return _("the only offers covering it belong to the need's own organization")
    if code == "available_too_late":
        return _("the offers become available only after the deadline (%(deadline)s)") % {
            "deadline": labels.date(reason.get("deadline"))
        }
    if code == "no_exchange_rate":
        return _("no exchange rate for %(currencies)s") % {
            "currencies": _join(list(reason["currencies"])) or _("the currencies")
        }
    if code == "below_smallest_minimum":
        return _("below the offer's minimum allocation (smallest minimum %(smallest)s)") % {
            "smallest": labels.count(reason["smallest"])
        }
    return _("no candidate offer")


def reason_text(entry: Mapping[str, Any], labels: Labels | None = None) -> str:
    """Why an item stays uncovered, in the active language; the stored text without facts."""
    reasons = entry.get("reasons")
    if not reasons:
        return str(entry.get("reason") or "")
    labels = labels or Labels()
    return pgettext("list separator", "; ").join(_reason_words(r, labels) for r in reasons)


def summary_text(explanation: Mapping[str, Any], labels: Labels | None = None) -> str:
    """The proposal's summary in the active language; the stored text without facts."""
    facts = explanation.get("facts")
    uncovered = list(explanation.get("uncovered") or [])
    if not facts or any("missing_amount" not in entry for entry in uncovered):
        return str(explanation.get("summary") or "")
    labels = labels or Labels()
    kinds = list(facts["kinds"])
    total, partners = int(facts["items_total"]), int(facts["partners"])
    kind_words = ngettext(
        "%(count)s kind (%(kinds)s)", "%(count)s kinds (%(kinds)s)", len(kinds)
    ) % {
        "count": len(kinds),
        "kinds": _join([labels.kind(kind) for kind in kinds]),
    }
    partner_words = ngettext(
        "%(count)s partner of %(kinds)s", "%(count)s partners of %(kinds)s", partners
    ) % {"count": partners, "kinds": kind_words}
    if not uncovered:
        words = ngettext(
            "Covers all %(count)s item with %(partners)s.",
            "Covers all %(count)s items with %(partners)s.",
            total,
        ) % {"count": total, "partners": partner_words}
    else:
        missing = pgettext("list separator", "; ").join(
            _("%(amount)s: %(reason)s")
            % {
                "amount": amount(entry["missing_amount"], labels),
                "reason": reason_text(entry, labels),
            }
            for entry in uncovered
        )
        words = ngettext(
            "Covers %(covered)s of %(count)s items fully (coverage %(percent)s%%) with "
            "%(partners)s. Still missing: %(missing)s.",
            "Covers %(covered)s of %(count)s items fully (coverage %(percent)s%%) with "
            "%(partners)s. Still missing: %(missing)s.",
            total,
        ) % {
            "covered": facts["items_covered"],
            "count": total,
            "percent": f"{float(facts['coverage']):.0%}"[:-1],
            "partners": partner_words,
            "missing": missing,
        }
    if facts["unverified"]:
        words += " " + _(
            "Not yet verified: %(names)s; accepting this proposal needs a coordinator's override "
            "with a reason."
        ) % {"names": _join(list(facts["unverified"]))}
    return words


def localized(
    explanation: Mapping[str, Any] | None, labels: Labels | None = None
) -> dict[str, Any]:
    """A proposal's stored explanation with its summary, line texts and uncovered reasons in
    the active language (the facts and other keys as stored)."""
    if not explanation:
        return dict(explanation or {})
    labels = labels or Labels()
    result = dict(explanation)
    result["summary"] = summary_text(explanation, labels)
    if "lines" in explanation:
        result["lines"] = [
            {**line, "text": line_text(line.get("facts"), str(line.get("text") or ""), labels)}
            for line in explanation["lines"]
        ]
    if "uncovered" in explanation:
        result["uncovered"] = [
            {**entry, "reason": reason_text(entry, labels)} for entry in explanation["uncovered"]
        ]
    return result


def line_texts(explanation: Mapping[str, Any]) -> dict[tuple[int, int], str]:
    """{(offer id, need item id): text} of the localized explanation's lines that have facts;
    a line missing here keeps its stored text."""
    return {
        (int(line["offer"]), int(line["need_item"])): str(line.get("text") or "")
        for line in explanation.get("lines") or []
        if line.get("facts")
    }


def localize_representation(data: dict[str, Any], labels: Labels | None = None) -> dict[str, Any]:
    """A proposal as the API writes it, with its explanation and its lines' texts in the active
    language."""
    explanation = localized(data.get("explanation"), labels)
    data["explanation"] = explanation
    texts = line_texts(explanation)
    for line in data.get("lines") or []:
        line["explanation"] = texts.get((line["offer"], line["need_item"]), line["explanation"])
    return data
