"""Likely duplicate organizations: the same identifier, or a similar name in the same country.

PostgreSQL's pg_trgm finds the candidates through a trigram index (`name % other`); rapidfuzz
scores each candidate's name, and only names that score at least NAME_THRESHOLD are kept. Where
the server lacks pg_trgm (the embedded PostgreSQL), every organization of the country is scored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from interchange.models import DistinctOrganizations, OrganizationAlias, OrganizationMerge
from notifications.models import Kind
from notifications.services.events import record_event
from registry import services
from registry.errors import Conflict
from registry.models import Organization
from registry.services.recipients import coordinators

# 0-100: "Kenya Red Cross" and "Kenya Red Cross Society" score 100; "Ministry of Health" and
# "Ministry of Education" about 70.
NAME_THRESHOLD = 85
# Words that tell nothing about who an organization is.
LEGAL_FORMS = frozenset(
    {"the", "ltd", "limited", "inc", "incorporated", "llc", "plc", "co", "corp", "gmbh", "sa"}
)


@dataclass(frozen=True)
class DuplicateCandidate:
    """An existing organization that may be the same as another, and why."""

    organization: Organization
    score: int
    evidence: list[str] = field(default_factory=list)


class LikelyDuplicates(Conflict):
    """A registration that looks like an organization already registered (answered 409)."""

    def __init__(self, candidates: list[DuplicateCandidate]) -> None:
        super().__init__(
            _(
                "%(count)d organization(s) already registered look like this one; send "
                "confirm_distinct: true to register it anyway."
            )
            % {"count": len(candidates)},
            code="likely_duplicates",
        )
        self.candidates = candidates


def normalized_name(name: str) -> str:
    """Lower case, punctuation and legal forms dropped: what is compared of two names."""
    words = re.findall(r"\w+", name.casefold())
    return " ".join(word for word in words if word not in LEGAL_FORMS)


def name_score(first: str, second: str) -> int:
    """How alike two organization names are, 0-100, word order ignored.

    Names that carry different numbers ("School 9", "School 10") name different organizations.
    """
    first, second = normalized_name(first), normalized_name(second)
    if set(re.findall(r"\d+", first)) != set(re.findall(r"\d+", second)):
        return 0
    return round(fuzz.token_set_ratio(first, second))


def trigrams_available() -> bool:
    """Whether this database has pg_trgm (migration 0002 enables it where the server ships it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def merged_ids() -> QuerySet[OrganizationMerge, Any]:
    """Organizations already merged into another: never a candidate again."""
    return OrganizationMerge.objects.values("merged_id")


def find_duplicates(
    *, name: str, country: str, identifier: str | None = None, exclude_id: int | None = None
) -> list[DuplicateCandidate]:
    """Organizations likely to be the one described, the most alike first."""
    found: dict[int, DuplicateCandidate] = {}
    # exclude(pk=None) excludes nothing (IS NULL); the stubs accept no None for pk
    live = Organization.objects.exclude(pk__in=merged_ids()).exclude(pk=exclude_id)  # type: ignore[misc]
    if identifier:
        same = live.filter(
            Q(identifier__iexact=identifier)
            | Q(aliases__kind=OrganizationAlias.Kind.IDENTIFIER, aliases__value__iexact=identifier)
        )
        for organization in same.distinct():
            evidence = _("same identifier %(identifier)s") % {"identifier": identifier}
            found[organization.pk] = DuplicateCandidate(organization, 100, [evidence])
    similar = live.filter(country=country)
    if trigrams_available():
        similar = similar.filter(
            Q(name__trigram_similar=name)
            | Q(aliases__kind=OrganizationAlias.Kind.NAME, aliases__value__trigram_similar=name)
        )
    for organization in similar.distinct().prefetch_related("aliases"):
        names = [organization.name] + [
            alias.value for alias in organization.aliases.all() if alias.kind == "name"
        ]
        best = max(names, key=lambda known: name_score(name, known))
        score = name_score(name, best)
        if score < NAME_THRESHOLD:
            continue
        evidence = _("name “%(name)s” is %(score)d%% alike, in the same country %(country)s") % {
            "name": best,
            "score": score,
            "country": country,
        }
        if organization.pk in found:
            found[organization.pk].evidence.append(evidence)
        else:
            found[organization.pk] = DuplicateCandidate(organization, score, [evidence])
    return sorted(
        found.values(), key=lambda candidate: (-candidate.score, candidate.organization.pk)
    )


@transaction.atomic
def register_organization(
    *, actor: User, data: dict[str, Any], confirm_distinct: bool = False
) -> Organization:
    """Register an organization unless it looks like one already registered.

    The caller sees the likely duplicates (LikelyDuplicates) and may confirm that the new
    organization is a different one, which registers it.
    """
    identifier = data.get("identifier") or None
    # An identifier already registered is no maybe: create_organization refuses it (400).
    taken = identifier and Organization.objects.filter(identifier=identifier).exists()
    candidates = []
    if not taken:
        candidates = find_duplicates(
            name=data.get("name", ""),
            country=data.get("country", ""),
            identifier=identifier,
        )
        if candidates and not confirm_distinct:
            raise LikelyDuplicates(candidates)
    organization = services.create_organization(actor=actor, data=data)
    if candidates:
        # Registered as distinct although it looks like others: the coordinators, who merge,
        # decide whether it is one of them.
        record_event(
            kind=Kind.MERGE_PROPOSED,
            subject=organization,
            link=f"/api/v1/organizations/{organization.pk}/",
            recipients=coordinators(),
            organizations=[organization.pk],
        )
    return organization


@dataclass(frozen=True)
class DuplicatePair:
    """Two organizations that may be one, for the coordinators' merge queue."""

    first: Organization
    second: Organization
    score: int
    evidence: list[str]


UNMERGED = "id NOT IN (SELECT merged_id FROM interchange_organizationmerge)"
# Candidate pairs without comparing every name with every other: two organizations of a country
# are compared when their names share a word that few names of that country have (at most
# RARE_WORD_NAMES). A common word ("foundation", "kenya") pairs no one, so each organization has
# a bounded number of candidates and the queue grows with the registry, not with its square.
# Needs no pg_trgm. The registration check (find_duplicates) still compares every similar name.
PAIRS_SQL = f"""
    WITH words AS (
        SELECT DISTINCT o.id, o.country, word
        FROM registry_organization o, regexp_split_to_table(lower(o.name), '\\W+') word
        WHERE word <> '' AND o.{UNMERGED}
    ), rare AS (
        SELECT country, word FROM words GROUP BY country, word HAVING count(*) <= %s
    )
    SELECT a.id, b.id FROM words a
    JOIN rare USING (country, word)
    JOIN words b ON b.country = a.country AND b.word = a.word AND b.id > a.id
    UNION
    SELECT a.id, b.id FROM registry_organization a
    JOIN registry_organization b ON a.id < b.id AND upper(a.identifier) = upper(b.identifier)
    WHERE a.{UNMERGED} AND b.{UNMERGED}
"""
# A word that more names of a country share than this tells too little to pair them on it.
RARE_WORD_NAMES = 50


def list_duplicate_pairs() -> list[DuplicatePair]:
    """Pairs of unmerged organizations that are likely one, the most alike first."""
    with connection.cursor() as cursor:
        cursor.execute(PAIRS_SQL, [RARE_WORD_NAMES])
        rows = cursor.fetchall()
    distinct = set(DistinctOrganizations.objects.values_list("first_id", "second_id"))
    return _scored_pairs([(a, b) for a, b in rows if (a, b) not in distinct])


def duplicate_pair(*, first_id: int, second_id: int) -> DuplicatePair | None:
    """The pair as the merge queue shows it, or None when it is not one of its pairs (not alike
    enough, found distinct, or one of them merged already)."""
    low, high = sorted((first_id, second_id))
    if (
        low == high
        or Organization.objects.filter(pk__in=[low, high]).count() != 2
        or OrganizationMerge.objects.filter(merged_id__in=[low, high]).exists()
        or DistinctOrganizations.objects.filter(first_id=low, second_id=high).exists()
    ):
        return None
    pairs = _scored_pairs([(low, high)])
    return pairs[0] if pairs else None


def _scored_pairs(rows: list[tuple[int, int]]) -> list[DuplicatePair]:
    """The candidate pairs (smaller id first) alike enough to list, with their evidence."""
    ids = {pk for pair in rows for pk in pair}
    known = {}
    for pk, country, identifier, name in Organization.objects.filter(pk__in=ids).values_list(
        "pk", "country", "identifier", "name"
    ):
        normal = normalized_name(name)
        known[pk] = (country, (identifier or "").upper(), normal, set(re.findall(r"\d+", normal)))
    scored = []
    for first_id, second_id in rows:
        first, second = known[first_id], known[second_id]
        same_identifier = bool(first[1]) and first[1] == second[1]
        alike = 0
        if first[0] == second[0] and first[3] == second[3]:  # name_score, names read once
            alike = round(fuzz.token_set_ratio(first[2], second[2]))
        if same_identifier or alike >= NAME_THRESHOLD:
            scored.append((first_id, second_id, same_identifier, alike))
    organizations = Organization.objects.in_bulk({pk for row in scored for pk in row[:2]})
    pairs = []
    for first_id, second_id, same_identifier, alike in scored:
        one, other = organizations[first_id], organizations[second_id]
        evidence, score = [], 0
        if same_identifier:
            evidence.append(_("same identifier %(identifier)s") % {"identifier": one.identifier})
            score = 100
        if alike >= NAME_THRESHOLD:
            evidence.append(
                _("names %(score)d%% alike, in the same country %(country)s")
                % {"score": alike, "country": one.country}
            )
            score = max(score, alike)
        pairs.append(DuplicatePair(one, other, score, evidence))
    return sorted(pairs, key=lambda pair: (-pair.score, pair.first.pk, pair.second.pk))
