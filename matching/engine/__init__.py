"""The matching engine: pure Python + numpy/scipy, no Django.

solve(problem, parameters) proposes, for every open need at once, the offers (often a coalition of
several organizations) that cover it, with quantities, scores and explanations.
"""

from registry.area_codes import country_of, covers

from .model import (
    Line,
    NeedInput,
    NeedItemInput,
    NeedProposal,
    OfferInput,
    Parameters,
    Problem,
    Result,
)
from .solve import solve

__all__ = [
    "Line",
    "NeedInput",
    "NeedItemInput",
    "NeedProposal",
    "OfferInput",
    "Parameters",
    "Problem",
    "Result",
    "country_of",
    "covers",
    "solve",
]
