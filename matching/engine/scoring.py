"""The soft score of a candidate pair: six terms in [0, 1] and their weighted mean.

focus        share of the need's focus areas that the offer also names
groups       share of the need's vulnerable groups that the offer also names
geography    1 when the offer names the need's own area, less for a whole country or "global"
verified     1 when a coordinator has verified the offering organization
track_record 1 - exp(-completed partnerships / scale), saturating
text         cosine similarity of the TF-IDF vectors of the two descriptions
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .areas import LEVEL_COUNTRY, LEVEL_GLOBAL, LEVEL_SAME
from .candidates import Candidates
from .catalogue import Catalogue
from .model import Parameters, Problem

TERMS = ("focus", "groups", "geography", "verified", "track_record", "text")
_CHUNK = 1 << 19


def text_vectors(problem: Problem) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """TF-IDF vectors (L2-normalised rows) of offer and need texts, fitted once on both."""
    texts = [offer.text for offer in problem.offers] + [need.text for need in problem.needs]
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", dtype=np.float32)
    try:
        matrix = vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no words at all (empty texts or stop words only)
        matrix = sparse.csr_matrix((len(texts), 1), dtype=np.float32)
    cut = len(problem.offers)
    return matrix[:cut], matrix[cut:]


def pair_cosines(
    left: sparse.csr_matrix, right: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Row-wise dot products left[rows[i]] · right[cols[i]], in chunks, without densifying."""
    out = np.zeros(rows.size, dtype=float)
    for start in range(0, rows.size, _CHUNK):
        stop = min(rows.size, start + _CHUNK)
        product = left[rows[start:stop]].multiply(right[cols[start:stop]])
        out[start:stop] = np.asarray(product.sum(axis=1)).ravel()
    return np.clip(out, 0.0, 1.0)


def _shared_share(offer_masks: np.ndarray, need_masks: np.ndarray) -> np.ndarray:
    """|offer ∩ need| / |need| per pair (0 when the need names none)."""
    shared = np.bitwise_count(offer_masks & need_masks).sum(axis=1)
    wanted = np.bitwise_count(need_masks).sum(axis=1)
    return np.divide(shared, wanted, out=np.zeros(shared.shape, dtype=float), where=wanted > 0)


def score_terms(
    problem: Problem, catalogue: Catalogue, candidates: Candidates, parameters: Parameters
) -> np.ndarray:
    """The six score terms of every candidate, one row per pair, columns in TERMS order."""
    offer, item = candidates.offer, candidates.item
    need = catalogue.item_need[item]
    geography = np.zeros(len(candidates))
    geography[candidates.level == LEVEL_SAME] = 1.0
    geography[candidates.level == LEVEL_COUNTRY] = parameters.geography_country
    geography[candidates.level == LEVEL_GLOBAL] = parameters.geography_global
    offer_text, need_text = text_vectors(problem)
    columns = {
        "focus": _shared_share(catalogue.offer_focus[offer], catalogue.need_focus[need]),
        "groups": _shared_share(catalogue.offer_groups[offer], catalogue.need_groups[need]),
        "geography": geography,
        "verified": catalogue.offer_verified[offer],
        "track_record": 1.0 - np.exp(-catalogue.offer_track[offer] / parameters.track_record_scale),
        "text": pair_cosines(offer_text, need_text, offer, need),
    }
    return (
        np.column_stack([columns[name] for name in TERMS])
        if len(candidates)
        else (np.zeros((0, len(TERMS))))
    )


def combine(terms: np.ndarray, parameters: Parameters) -> np.ndarray:
    """The weighted mean of the terms: a score in [0, 1]."""
    weights = parameters.score_weights()
    vector = np.array([max(0.0, weights[name]) for name in TERMS])
    total = vector.sum()
    if total <= 0:
        return np.zeros(terms.shape[0])
    return np.clip(terms @ (vector / total), 0.0, 1.0)


def top_k(candidates: Candidates, score: np.ndarray, offer_id: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best candidates of each item (score desc, then offer id), item order."""
    order = np.lexsort((offer_id[candidates.offer], -score, candidates.item))
    items = candidates.item[order]
    starts = np.ones(order.size, dtype=bool)
    starts[1:] = items[1:] != items[:-1]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(order.size), 0))
    rank = np.arange(order.size) - group_start
    return order[rank < max(1, k)]
