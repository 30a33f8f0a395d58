"""The run's proposals: one per need with a line, each line explained, the shortfall of every
item not covered in full given a reason."""

from __future__ import annotations

from typing import Any

import numpy as np

from .candidates import Candidates
from .catalogue import Catalogue
from .explain import amount, amount_facts, line_facts, line_sentence, summary, summary_facts
from .model import Line, NeedInput, NeedProposal, OfferInput, Problem
from .scoring import TERMS
from .shortfall import Shortfall, reason_text
from .tolerances import DIVISOR_FLOOR, SLACK


def build_proposals(
    problem: Problem,
    catalogue: Catalogue,
    candidates: Candidates,
    lines: np.ndarray,
    item_quantity: np.ndarray,
    offer_quantity: np.ndarray,
    terms: np.ndarray,
    score: np.ndarray,
) -> tuple[list[NeedProposal], np.ndarray]:
    """One proposal per need with at least one line; and the quantity served per item."""
    served = np.bincount(
        candidates.item[lines], weights=item_quantity, minlength=catalogue.item_id.size
    )
    shortfall = Shortfall(
        problem,
        catalogue,
        candidates,
        candidates.offer[lines],
        candidates.item[lines],
        offer_quantity,
    )
    need_of_line = catalogue.item_need[candidates.item[lines]]
    order = np.lexsort(
        (
            catalogue.offer_id[candidates.offer[lines]],
            candidates.item[lines],
            catalogue.need_id[need_of_line],
        )
    )
    proposals = []
    first_item = np.searchsorted(catalogue.item_need, np.arange(catalogue.need_id.size))
    for group in np.split(order, np.flatnonzero(np.diff(need_of_line[order])) + 1):
        if group.size == 0:
            continue
        need_position = int(need_of_line[group[0]])
        need = problem.needs[need_position]
        built, partners, facts = [], [], []
        for line in group:
            edge = lines[line]
            offer = problem.offers[candidates.offer[edge]]
            partners.append(offer)
            item_position = int(candidates.item[edge])
            item = need.items[item_position - first_item[need_position]]
            named = {name: round(float(terms[edge, k]), 4) for k, name in enumerate(TERMS)}
            how = (
                problem,
                offer,
                need,
                item,
                int(candidates.level[edge]),
                float(item_quantity[line]),
                named,
            )
            facts.append(line_facts(*how))
            built.append(
                Line(
                    offer_id=offer.id,
                    need_item_id=item.id,
                    quantity=float(item_quantity[line]),
                    offer_quantity=float(offer_quantity[line]),
                    score=round(float(score[edge]), 4),
                    terms=named,
                    explanation=line_sentence(*how),
                )
            )
        proposals.append(
            _proposal(
                problem,
                catalogue,
                need_position,
                first_item,
                built,
                facts,
                partners,
                served,
                shortfall,
            )
        )
    proposals.sort(key=lambda proposal: proposal.need_id)
    return proposals, served


def item_unit(financial: bool) -> float:
    """The smallest quantity that counts: one cent of money, one unit of anything else."""
    return 0.01 if financial else 1.0


def _proposal(
    problem: Problem,
    catalogue: Catalogue,
    need_position: int,
    first_item: np.ndarray,
    lines: list[Line],
    facts: list[dict[str, Any]],
    partners: list[OfferInput],
    served: np.ndarray,
    shortfall: Shortfall,
) -> NeedProposal:
    need = problem.needs[need_position]
    shares, uncovered, covered_items = [], [], 0
    for offset, item in enumerate(need.items):
        position = first_item[need_position] + offset
        remaining = catalogue.item_remaining[position]
        missing = max(0.0, remaining - served[position])
        if remaining <= 0 or missing < item_unit(catalogue.item_financial[position]) - SLACK:
            shares.append(1.0)
            covered_items += 1
            continue
        shares.append(float(served[position] / remaining))
        reasons = shortfall.reason_facts(position, missing)
        uncovered.append(
            {
                "need_item": item.id,
                "missing": round(float(missing), 2),
                "missing_text": amount(problem, item.category, round(missing, 2), item.currency),
                "reason": reason_text(reasons),
                "missing_amount": amount_facts(
                    problem, item.category, round(float(missing), 2), item.currency
                ),
                "reasons": reasons,
            }
        )
    coverage = float(np.mean(shares)) if shares else 1.0
    organizations = sorted({offer.organization_id for offer in partners})
    kinds = sorted({offer.organization_kind for offer in partners})
    weights = [
        line.quantity / max(DIVISOR_FLOOR, _remaining(need, line.need_item_id)) for line in lines
    ]
    score = (
        float(np.average([line.score for line in lines], weights=weights))
        if sum(weights) > 0
        else 0.0
    )
    unverified = sorted(
        {
            offer.organization_name or f"Organization {offer.organization_id}"
            for offer in partners
            if not offer.verified
        }
    )
    words = summary(problem, need, covered_items, coverage, len(organizations), kinds, uncovered)
    if unverified:
        words += (
            f" Not yet verified: {', '.join(unverified)}; accepting this proposal needs a "
            "coordinator's override with a reason."
        )
    explanation = {
        "summary": words,
        "unverified_partners": unverified,
        "lines": [
            {
                "offer": line.offer_id,
                "need_item": line.need_item_id,
                "quantity": line.quantity,
                "offer_quantity": line.offer_quantity,
                "score": line.score,
                "terms": dict(line.terms),
                "text": line.explanation,
                "facts": line_facts_of,
            }
            for line, line_facts_of in zip(lines, facts, strict=True)
        ],
        "uncovered": [
            {
                key: entry[key]
                for key in ("need_item", "missing", "reason", "missing_amount", "reasons")
            }
            for entry in uncovered
        ],
        "partners": len(organizations),
        "kinds": kinds,
        "facts": summary_facts(
            need, covered_items, coverage, len(organizations), kinds, unverified
        ),
    }
    return NeedProposal(
        need_id=need.id,
        lines=tuple(lines),
        coverage=round(coverage, 6),
        score=round(score, 4),
        explanation=explanation,
    )


def _remaining(need: NeedInput, item_id: int) -> float:
    return next(float(item.remaining) for item in need.items if item.id == item_id)
