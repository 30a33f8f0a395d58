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

from registry.area_codes import LEVEL_COUNTRY, LEVEL_GLOBAL, LEVEL_SAME

from .catalogue import Catalogue
from .model import Parameters, Problem

TERMS = ("focus", "groups", "geography", "verified", "track_record", "text")
_CHUNK = 1 << 19


# The TF-IDF vectors of the offers' texts and of the needs' (rows in problem order).
Texts = tuple[sparse.csr_matrix, sparse.csr_matrix]


def text_vectors(problem: Problem) -> Texts:
    """TF-IDF vectors (L2-normalised rows) of offer and need texts, fitted once on both."""
    texts = [offer.text for offer in problem.offers] + [need.text for need in problem.needs]
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", dtype=np.float32)
    try:
        matrix = vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no words at all (empty texts or stop words only)
        matrix = sparse.csr_matrix((len(texts), 1), dtype=np.float32)
    cut = len(problem.offers)
    return matrix[:cut], matrix[cut:]


def _gather(
    matrix: sparse.csr_matrix, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The entries of the given rows of a CSR matrix: (local row, column, value) arrays."""
    starts = matrix.indptr[rows]
    lengths = matrix.indptr[rows + 1] - starts
    total = int(lengths.sum())
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    positions = offsets + np.arange(total)
    local = np.repeat(np.arange(rows.size), lengths)
    return local, matrix.indices[positions], matrix.data[positions]


def group_cosines(
    need_text: sparse.csr_matrix,
    offer_text: sparse.csr_matrix,
    needs: np.ndarray,
    offers: np.ndarray,
) -> np.ndarray:
    """Cosines of every (need, offer) pair of a group, as a dense matrix.

    The rows are L2-normalised, so a cosine is a dot product; over the few words a group uses,
    one dense product gives all of them.
    """
    need_row, need_word, need_value = _gather(need_text, needs)
    offer_row, offer_word, offer_value = _gather(offer_text, offers)
    words = np.union1d(need_word, offer_word)
    if words.size == 0:
        return np.zeros((needs.size, offers.size))
    left = np.zeros((needs.size, words.size), dtype=np.float32)
    left[need_row, np.searchsorted(words, need_word)] = need_value
    right = np.zeros((offers.size, words.size), dtype=np.float32)
    right[offer_row, np.searchsorted(words, offer_word)] = offer_value
    cosines: np.ndarray = np.clip(left @ right.T, 0.0, 1.0).astype(float)
    return cosines


def pair_cosines(
    left: sparse.csr_matrix, right: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Row-wise dot products left[rows[i]] · right[cols[i]] (few pairs), without densifying."""
    out = np.zeros(rows.size, dtype=float)
    for start in range(0, rows.size, _CHUNK):
        stop = min(rows.size, start + _CHUNK)
        product = left[rows[start:stop]].multiply(right[cols[start:stop]])
        out[start:stop] = np.asarray(product.sum(axis=1)).ravel()
    return np.clip(out, 0.0, 1.0)


def _shared_share(offer_masks: np.ndarray, need_masks: np.ndarray) -> np.ndarray:
    """|offer ∩ need| / |need| for every (need row, offer column) (0 when the need names none)."""
    shared = np.bitwise_count(need_masks[:, None, :] & offer_masks[None, :, :]).sum(axis=2)
    wanted = np.bitwise_count(need_masks).sum(axis=1)[:, None]
    share: np.ndarray = np.divide(
        shared, wanted, out=np.zeros(shared.shape, dtype=float), where=wanted > 0
    )
    return share


def term_weights(parameters: Parameters) -> np.ndarray:
    """The weight of each term, in TERMS order, normalised to sum to 1 (all zero if none)."""
    weights = parameters.score_weights()
    vector = np.array([max(0.0, weights[name]) for name in TERMS])
    total = vector.sum()
    return vector / total if total > 0 else vector


def _geography(levels: np.ndarray, parameters: Parameters) -> np.ndarray:
    geography = np.zeros(levels.size)
    geography[levels == LEVEL_SAME] = 1.0
    geography[levels == LEVEL_COUNTRY] = parameters.geography_country
    geography[levels == LEVEL_GLOBAL] = parameters.geography_global
    return geography


def _track(catalogue: Catalogue, offers: np.ndarray, parameters: Parameters) -> np.ndarray:
    track: np.ndarray = 1.0 - np.exp(-catalogue.offer_track[offers] / parameters.track_record_scale)
    return track


def group_scores(
    catalogue: Catalogue,
    parameters: Parameters,
    text: Texts,
    offers: np.ndarray,
    levels: np.ndarray,
    needs: np.ndarray,
) -> np.ndarray:
    """The score of every (need row, offer column) pair of a group."""
    weights = dict(zip(TERMS, term_weights(parameters), strict=True))
    per_offer = (
        weights["geography"] * _geography(levels, parameters)
        + weights["verified"] * catalogue.offer_verified[offers]
        + weights["track_record"] * _track(catalogue, offers, parameters)
    )
    score = per_offer[None, :] + weights["focus"] * _shared_share(
        catalogue.offer_focus[offers], catalogue.need_focus[needs]
    )
    score += weights["groups"] * _shared_share(
        catalogue.offer_groups[offers], catalogue.need_groups[needs]
    )
    if weights["text"] > 0:
        offer_text, need_text = text
        score += weights["text"] * group_cosines(need_text, offer_text, needs, offers)
    clipped: np.ndarray = np.clip(score, 0.0, 1.0)
    return clipped


def pair_terms(
    catalogue: Catalogue,
    parameters: Parameters,
    text: Texts,
    offers: np.ndarray,
    levels: np.ndarray,
    needs: np.ndarray,
) -> np.ndarray:
    """The six terms of the given pairs (kept for the explanations), columns in TERMS order."""

    def overlap(offer_masks: np.ndarray, need_masks: np.ndarray) -> np.ndarray:
        shared = np.bitwise_count(offer_masks & need_masks).sum(axis=1)
        wanted = np.bitwise_count(need_masks).sum(axis=1)
        share: np.ndarray = np.divide(shared, wanted, out=np.zeros(shared.shape), where=wanted > 0)
        return share

    offer_text, need_text = text
    columns = {
        "focus": overlap(catalogue.offer_focus[offers], catalogue.need_focus[needs]),
        "groups": overlap(catalogue.offer_groups[offers], catalogue.need_groups[needs]),
        "geography": _geography(levels, parameters),
        "verified": catalogue.offer_verified[offers],
        "track_record": _track(catalogue, offers, parameters),
        "text": pair_cosines(offer_text, need_text, offers, needs),
    }
    return (
        np.column_stack([columns[name] for name in TERMS])
        if offers.size
        else (np.zeros((0, len(TERMS))))
    )
