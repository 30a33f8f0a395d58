"""Inputs, parameters and results of the matching engine: plain frozen dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from types import MappingProxyType
from typing import Any

FINANCIAL = "financial"


@dataclass(frozen=True)
class OfferInput:
    """An offer's remaining capacity and the facts the rules and the score read."""

    id: int
    organization_id: int
    organization_kind: str
    category: str
    remaining: float
    areas: tuple[str, ...]
    currency: str | None = None
    focus_areas: frozenset[str] = frozenset()
    vulnerable_groups: frozenset[str] = frozenset()
    available_from: date | None = None
    available_until: date | None = None
    min_allocation: float | None = None
    verified: bool = False
    track_record: int = 0
    text: str = ""
    organization_name: str = ""


@dataclass(frozen=True)
class NeedItemInput:
    """One resource a need asks for, with the quantity still uncovered."""

    id: int
    category: str
    remaining: float
    currency: str | None = None


@dataclass(frozen=True)
class NeedInput:
    """An open need (a measured gap) and the items that would close it."""

    id: int
    organization_id: int
    area: str
    priority: int
    items: tuple[NeedItemInput, ...]
    deadline: date | None = None
    focus_areas: frozenset[str] = frozenset()
    vulnerable_groups: frozenset[str] = frozenset()
    text: str = ""
    area_name: str = ""


@dataclass(frozen=True)
class Problem:
    """Everything one matching run looks at."""

    offers: tuple[OfferInput, ...]
    needs: tuple[NeedInput, ...]
    usd_rates: Mapping[str, float]
    category_kinds: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    area_names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def is_financial(self, category: str) -> bool:
        """Whether quantities of this category are amounts of money."""
        return self.category_kinds.get(category) == FINANCIAL


@dataclass(frozen=True)
class Parameters:
    """Weights and limits of a run; stored as JSON on the run row."""

    # Soft score: the weights of the six terms (normalised by their sum).
    weight_focus: float = 0.25
    weight_groups: float = 0.20
    weight_geography: float = 0.15
    weight_verified: float = 0.10
    weight_track_record: float = 0.10
    weight_text: float = 0.20
    # Geographic precision of an offer covering the need's area from a wider area.
    geography_country: float = 0.6
    geography_global: float = 0.3
    # Track record term 1 - exp(-n / scale): three completed partnerships give 0.63.
    track_record_scale: float = 3.0
    # Priority weight w(n) = priority_base ** (priority - 1): 1, 2, 4, 8, 16 by default.
    priority_base: float = 2.0
    # Secondary objective terms, kept small so that whole needs dominate.
    epsilon: float = 0.01
    partner_cost: float = 0.004
    kind_bonus: float = 0.01
    # Hard cap on the organizations supplying one need item (offers of one organization count
    # once). Six keeps a coalition brokerable; with four, items larger than a few typical offers
    # (common when offers are a third of an item, as on the benchmark data) could never be served
    # in full. The partner cost still prefers fewer partners where the exact model runs.
    max_partners: int = 6
    top_k: int = 20
    # Candidates per item when the catalogue has more eligible pairs than pricing's LP may hold
    # (PricingBudget.max_pairs; L and XL): no dual says which pairs beyond the top k pay, so more
    # are kept. At L (seed 2718, 60 s) 20 served 0.9267, 40 0.9488 in the same time (tree PSS
    # 1.14 GB), 60 0.9504 past the limit with 1.53 GB (bench/README.md).
    top_k_unpriced: int = 40
    # Candidates: an item's top_k are first the offers that can supply at least this share of it
    # from what they have left (or 1 / max_partners, if larger: with a cap of L organizations an
    # item needs 1 / L of it from each on average), by score; then the others. 0: by score alone.
    substantial_share: float = 0.2
    seed: int = 0
    time_limit: float = 60.0
    mip_gap: float = 0.005
    workers: int = 1
    # Added to the niceness of the engine's own processes (POSIX `nice`): where a service answers
    # web requests on the same cores, its solvers run below them and yield the CPU to them.
    solver_niceness: int = 0
    # Components up to this many candidate pairs get the full coalition model (a binary per
    # line: partner cost, partner cap and kind bonus in the objective); larger ones are decomposed
    # by region (decomposition.py).
    exact_edge_limit: int = 2000

    def score_weights(self) -> dict[str, float]:
        """The weight of each score term, by term name."""
        return {
            "focus": self.weight_focus,
            "groups": self.weight_groups,
            "geography": self.weight_geography,
            "verified": self.weight_verified,
            "track_record": self.weight_track_record,
            "text": self.weight_text,
        }

    def substantial_threshold(self) -> float:
        """The share of an item an offer must be able to supply to rank among its first
        candidates (0: none is preferred)."""
        if self.substantial_share <= 0:
            return 0.0
        return max(self.substantial_share, 1.0 / max(1, self.max_partners))

    def priority_weight(self, priority: int) -> float:
        """The weight w(n) of a need of this priority."""
        return float(self.priority_base ** (int(priority) - 1))

    def to_dict(self) -> dict[str, Any]:
        """The parameters as a JSON-serialisable dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Parameters:
        """Parameters from a dict written by to_dict; unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass(frozen=True)
class Line:
    """One offer supplying one need item: quantity in the item's unit, and in the offer's."""

    offer_id: int
    need_item_id: int
    quantity: float
    offer_quantity: float
    score: float
    terms: Mapping[str, float]
    explanation: str


@dataclass(frozen=True)
class NeedProposal:
    """The lines proposed for one need, how much of it they cover, and why."""

    need_id: int
    lines: tuple[Line, ...]
    coverage: float
    score: float
    explanation: Mapping[str, Any]


@dataclass(frozen=True)
class Result:
    """The proposals of a run (sorted by need id) and its metrics."""

    proposals: tuple[NeedProposal, ...]
    metrics: Mapping[str, Any]
