"""Candidate pairs (offer, need item): the hard rules, then the k best by score, found by blocking.

Offers are indexed by (category, area code). The need items of one category and one area form a
group; the offers that reach the group are those listed for that area, for its country and for
"global". Each group is checked as one matrix (its items x its offers), so the work grows with the
number of real candidates, never with offers x items.

Within a group, the hard rules and the whole score (the TF-IDF cosines by one dense product over
the few words the group uses) are computed for every pair; each item keeps its k best pairs,
ties broken by offer id. Offers that can supply a substantial share of the item from what they
have left (Parameters.substantial_threshold: a fifth, or more under a tight partner cap) come
first; smaller ones fill the k only where there are too few of those. Ranked by score alone, an
item's k slots went largely to offers that could each supply a few per cent of it: on the
benchmark data (offers about a third of an item) that left many items unservable within the
partner cap, and the same run served 8 points less of the priority weight (bench/README.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from registry.area_codes import covering_codes

from .catalogue import Catalogue
from .model import Parameters, Problem
from .scoring import TERMS, Texts, group_scores, pair_terms, text_vectors
from .tolerances import SLACK

# Why a pair that matched on category and area was still dropped (in the order checked).
OWN_ORGANIZATION = "own_organization"
AVAILABLE_TOO_LATE = "available_too_late"
NO_EXCHANGE_RATE = "no_exchange_rate"
BELOW_MINIMUM = "below_minimum_allocation"
REJECTIONS = (OWN_ORGANIZATION, AVAILABLE_TOO_LATE, NO_EXCHANGE_RATE, BELOW_MINIMUM)

# Pairs checked per matrix: large groups are cut into row chunks of about this many pairs.
_CELLS = 1 << 20


@dataclass(frozen=True)
class Candidates:
    """Parallel arrays, one entry per candidate pair, sorted by item, score descending, offer id.

    rate: item units per offer unit (an exchange rate for money, else 1).
    min_share: the smallest share of the item the offer may supply (its minimum allocation).
    terms: the score terms (columns in TERMS order); score: their weighted mean.
    area_matches: per item, the offers matching on category and area (before the other rules).
    rejected: per reason, the (item, offer) pairs it dropped, for the items left without any.
    found: the pairs that passed every hard rule (before the top k cut).
    """

    offer: np.ndarray
    item: np.ndarray
    level: np.ndarray
    rate: np.ndarray
    min_share: np.ndarray
    terms: np.ndarray
    score: np.ndarray
    area_matches: np.ndarray
    rejected: dict[str, tuple[np.ndarray, np.ndarray]]
    found: int

    def __len__(self) -> int:
        return int(self.offer.size)


def _offer_index(problem: Problem, catalogue: Catalogue) -> dict[tuple[str, str], np.ndarray]:
    """Offers with free capacity, by (category, area code), ascending offer position."""
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, offer in enumerate(problem.offers):
        if catalogue.offer_remaining[position] <= 0:
            continue
        for area in sorted(set(offer.areas)):
            index[(offer.category, area)].append(position)
    return {key: np.array(value, dtype=np.int64) for key, value in index.items()}


def _item_groups(problem: Problem, catalogue: Catalogue) -> dict[tuple[str, str], list[int]]:
    """Open need items by (category, need area), in item order."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, category in enumerate(catalogue.item_category):
        if catalogue.item_remaining[position] > 0:
            area = problem.needs[catalogue.item_need[position]].area
            groups[(category, area)].append(position)
    return groups


def _reaching(
    index: dict[tuple[str, str], np.ndarray], category: str, area: str
) -> tuple[np.ndarray, np.ndarray]:
    """Offers of a category that reach an area, each once at its most precise level."""
    offers, levels = [], []
    for code, code_level in covering_codes(area):
        found = index.get((category, code))
        if found is not None:
            offers.append(found)
            levels.append(np.full(found.size, code_level, dtype=np.int64))
    if not offers:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    offer, level = np.concatenate(offers), np.concatenate(levels)
    # An offer listing both "KE" and "KE-30" reaches a KE-30 need twice: keep the most precise.
    order = np.lexsort((-level, offer))
    first = np.ones(order.size, dtype=bool)
    first[1:] = offer[order][1:] != offer[order][:-1]
    return offer[order][first], level[order][first]


def _rates(catalogue: Catalogue, item: np.ndarray, offer: np.ndarray) -> np.ndarray:
    """Item units per offer unit for every (item row, offer column); NaN without a rate."""
    financial = catalogue.item_financial[item][:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = catalogue.item_usd[item][:, None] / catalogue.offer_usd[offer][None, :]
    # The same currency on both sides (or none on either) needs no exchange rate.
    same = catalogue.item_currency[item][:, None] == catalogue.offer_currency[offer][None, :]
    return np.where(financial, np.where(same, 1.0, rate), 1.0)


@dataclass(frozen=True)
class Survivors:
    """Pairs that pass the hard rules and are among their item's k best (or tie), by column."""

    kept: dict[str, list[np.ndarray]]
    rejected: dict[str, tuple[list[np.ndarray], list[np.ndarray]]]
    area_matches: np.ndarray
    found: int


def _survivors(
    problem: Problem, catalogue: Catalogue, parameters: Parameters, text: Texts
) -> Survivors:
    """Pairs that pass every hard rule, cut to each item's k best and their ties."""
    k = max(1, parameters.top_k)
    index = _offer_index(problem, catalogue)
    area_matches = np.zeros(catalogue.item_id.size, dtype=np.int64)
    kept: dict[str, list[np.ndarray]] = defaultdict(list)
    rejected: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {
        reason: ([], []) for reason in REJECTIONS
    }
    found = 0
    for (category, area), members in sorted(_item_groups(problem, catalogue).items()):
        offers, levels = _reaching(index, category, area)
        items = np.array(members, dtype=np.int64)
        area_matches[items] = offers.size
        if offers.size == 0:
            continue
        rows = max(1, _CELLS // offers.size)
        for start in range(0, items.size, rows):
            chunk = items[start : start + rows]
            found += _check_group(
                catalogue, parameters, text, k, chunk, offers, levels, kept, rejected
            )
    return Survivors(kept, rejected, area_matches, found)


@dataclass(frozen=True)
class GroupRules:
    """The hard rules over one group's matrix (its items x its offers).

    rate: item units per offer unit; min_share: the offer's minimum piece as a share of the item
    (unclipped); supply_share: what the offer has left as a share of the item; failures: per
    reason, the pairs it rules out; alive: the pairs no rule rules out.
    """

    rate: np.ndarray
    min_share: np.ndarray
    supply_share: np.ndarray
    failures: dict[str, np.ndarray]
    alive: np.ndarray


def group_rules(catalogue: Catalogue, items: np.ndarray, offers: np.ndarray) -> GroupRules:
    """The hard rules for every pair of some items of one group and the offers reaching it."""
    need = catalogue.item_need[items]
    rate = _rates(catalogue, items, offers)
    item_remaining = catalogue.item_remaining[items, None]

    def share(quantity: np.ndarray) -> np.ndarray:
        """Each offer's quantity (in its own unit) as a share of each item."""
        with np.errstate(invalid="ignore", divide="ignore"):
            shares: np.ndarray = quantity[None, :] * rate / item_remaining
            return shares

    remaining = catalogue.offer_remaining[offers]
    minimum = np.minimum(catalogue.offer_min[offers], remaining)
    min_share = np.where(minimum[None, :] > 0, share(minimum), 0)
    failures = {
        OWN_ORGANIZATION: catalogue.offer_org[offers][None, :] == catalogue.need_org[need][:, None],
        AVAILABLE_TOO_LATE: catalogue.offer_from[offers][None, :]
        > catalogue.need_deadline[need][:, None],
        NO_EXCHANGE_RATE: ~np.isfinite(rate),
        BELOW_MINIMUM: ~(min_share <= 1.0 + SLACK),
    }
    alive = np.ones(rate.shape, dtype=bool)
    for reason in REJECTIONS:
        alive &= ~failures[reason]
    return GroupRules(rate, min_share, share(remaining), failures, alive)


@dataclass(frozen=True)
class EligibleChunk:
    """Pairs that pass every hard rule, for some items of one group (each item's pairs all in
    one chunk): parallel arrays of item and offer positions and item units per offer unit."""

    item: np.ndarray
    offer: np.ndarray
    rate: np.ndarray


def eligible_chunks(problem: Problem, catalogue: Catalogue) -> Iterator[EligibleChunk]:
    """Every pair that passes the hard rules, with no top k, a chunk of about _CELLS checked
    pairs at a time (so memory stays bounded however many pairs there are); in the same group
    order as the candidate step."""
    index = _offer_index(problem, catalogue)
    for (category, area), members in sorted(_item_groups(problem, catalogue).items()):
        offers, _ = _reaching(index, category, area)
        if offers.size == 0:
            continue
        items = np.array(members, dtype=np.int64)
        rows = max(1, _CELLS // offers.size)
        for start in range(0, items.size, rows):
            chunk = items[start : start + rows]
            rules = group_rules(catalogue, chunk, offers)
            row, column = np.nonzero(rules.alive)
            yield EligibleChunk(chunk[row], offers[column], rules.rate[row, column])


def _check_group(
    catalogue: Catalogue,
    parameters: Parameters,
    text: Texts,
    k: int,
    items: np.ndarray,
    offers: np.ndarray,
    levels: np.ndarray,
    kept: dict[str, list[np.ndarray]],
    rejected: dict[str, tuple[list[np.ndarray], list[np.ndarray]]],
) -> int:
    """Hard rules and scores for one group's matrix; keeps each item's k best (and ties)."""
    need = catalogue.item_need[items]
    rules = group_rules(catalogue, items, offers)
    rate, min_share, failures, alive = rules.rate, rules.min_share, rules.failures, rules.alive
    # Reasons are kept only for the items that end without any candidate: the explanation of
    # what is uncovered reads them.
    empty = ~alive.any(axis=1)
    if empty.any():
        blocked = np.ones((int(empty.sum()), offers.size), dtype=bool)
        for reason in REJECTIONS:
            row, column = np.nonzero(blocked & failures[reason][empty])
            rejected[reason][0].append(items[empty][row])
            rejected[reason][1].append(offers[column])
            blocked &= ~failures[reason][empty]
    score = np.where(alive, group_scores(catalogue, parameters, text, offers, levels, need), -1.0)
    preferred = alive & (rules.supply_share >= parameters.substantial_threshold())
    if offers.size > k:
        # Each item's k-th best (preferred offers first, then by score); ties with it are kept
        # and broken by offer id later. Scores are in [0, 1], so + 2 puts preferred pairs first.
        key = np.where(preferred, score + 2.0, score)
        kth = -np.partition(-key, k - 1, axis=1)[:, k - 1]
        alive &= key >= kth[:, None]
    row, column = np.nonzero(alive)
    kept["item"].append(items[row])
    kept["offer"].append(offers[column])
    kept["level"].append(levels[column])
    kept["rate"].append(rate[row, column])
    kept["min_share"].append(np.clip(min_share[row, column], 0.0, 1.0))
    kept["score"].append(score[row, column])
    kept["preferred"].append(preferred[row, column])
    return int(np.count_nonzero(score >= 0))


def rank_candidates(
    problem: Problem, catalogue: Catalogue, parameters: Parameters, text: Texts | None = None
) -> Candidates:
    """The k best pairs of every need item (substantial offers first, then score, then offer
    id), with their terms (text: the run's text vectors, if already computed)."""
    text = text_vectors(problem) if text is None else text
    survivors = _survivors(problem, catalogue, parameters, text)
    kept, rejected = survivors.kept, survivors.rejected
    area_matches, found = survivors.area_matches, survivors.found
    k = max(1, parameters.top_k)
    empty = np.zeros(0, dtype=np.int64)
    if not kept:
        return Candidates(
            offer=empty,
            item=empty,
            level=empty,
            rate=np.zeros(0),
            min_share=np.zeros(0),
            terms=np.zeros((0, len(TERMS))),
            score=np.zeros(0),
            area_matches=area_matches,
            rejected={reason: (empty, empty) for reason in REJECTIONS},
            found=0,
        )
    columns = {name: np.concatenate(parts) for name, parts in kept.items()}
    item, offer, score = columns["item"], columns["offer"], columns["score"]
    order = np.lexsort((catalogue.offer_id[offer], -score, ~columns["preferred"], item))
    starts = np.ones(order.size, dtype=bool)
    starts[1:] = item[order][1:] != item[order][:-1]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(order.size), 0))
    chosen = order[np.arange(order.size) - group_start < k]
    level = columns["level"][chosen]
    return Candidates(
        offer=offer[chosen],
        item=item[chosen],
        level=level,
        rate=columns["rate"][chosen],
        min_share=columns["min_share"][chosen],
        terms=pair_terms(
            catalogue, parameters, text, offer[chosen], level, catalogue.item_need[item[chosen]]
        ),
        score=score[chosen],
        area_matches=area_matches,
        rejected={
            reason: (
                np.concatenate(items) if items else empty,
                np.concatenate(offers) if offers else empty,
            )
            for reason, (items, offers) in rejected.items()
        },
        found=found,
    )


def with_pairs(
    problem: Problem,
    catalogue: Catalogue,
    parameters: Parameters,
    candidates: Candidates,
    item: np.ndarray,
    offer: np.ndarray,
    text: Texts,
) -> Candidates:
    """The candidates and these other eligible pairs (item, offer positions), scored like them.
    Each item keeps its ranked candidates first, in their order, then the added pairs by score
    descending and offer id."""
    if item.size == 0:
        return candidates
    index = _offer_index(problem, catalogue)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, (one_item, need) in enumerate(
        zip(item.tolist(), catalogue.item_need[item].tolist(), strict=True)
    ):
        groups[(catalogue.item_category[one_item], problem.needs[need].area)].append(position)
    parts: dict[str, list[np.ndarray]] = defaultdict(list)
    for (category, area), members in sorted(groups.items()):
        pairs = np.array(members, dtype=np.int64)
        reaching, levels = _reaching(index, category, area)
        items, row = np.unique(item[pairs], return_inverse=True)
        offers, column = np.unique(offer[pairs], return_inverse=True)
        level = levels[np.searchsorted(reaching, offers)]
        rules = group_rules(catalogue, items, offers)
        score = group_scores(catalogue, parameters, text, offers, level, catalogue.item_need[items])
        row, column = row.ravel(), column.ravel()
        parts["pair"].append(pairs)
        parts["level"].append(level[column])
        parts["rate"].append(rules.rate[row, column])
        parts["min_share"].append(np.clip(rules.min_share[row, column], 0.0, 1.0))
        parts["score"].append(score[row, column])
    pair = np.concatenate(parts["pair"])
    added_item, added_offer = item[pair], offer[pair]
    level = np.concatenate(parts["level"])
    score = np.concatenate(parts["score"])
    size = len(candidates)
    # Ranked candidates keep their place; the added pairs follow them within their item.
    place = np.concatenate(
        [
            np.arange(size),
            size + np.lexsort((catalogue.offer_id[added_offer], -score)).argsort(),
        ]
    )
    all_item = np.concatenate([candidates.item, added_item])
    order = np.lexsort((place, all_item))
    terms = pair_terms(
        catalogue, parameters, text, added_offer, level, catalogue.item_need[added_item]
    )
    return Candidates(
        offer=np.concatenate([candidates.offer, added_offer])[order],
        item=all_item[order],
        level=np.concatenate([candidates.level, level])[order],
        rate=np.concatenate([candidates.rate, np.concatenate(parts["rate"])])[order],
        min_share=np.concatenate([candidates.min_share, np.concatenate(parts["min_share"])])[order],
        terms=np.concatenate([candidates.terms, terms])[order],
        score=np.concatenate([candidates.score, score])[order],
        area_matches=candidates.area_matches,
        rejected=candidates.rejected,
        found=candidates.found,
    )
