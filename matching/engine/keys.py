"""Distinct pairs of integers by one integer key.

np.unique over the rows of a two-column array sorts them as structured records, several times
slower than np.unique over one int64 key (first · span + second); the order is the same, by the
first then the second, so the answers are those of np.unique(axis=0).
"""

from __future__ import annotations

import numpy as np


def unique_pairs(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (first, second) pairs, sorted by first then second, as a (k, 2) int64 array,
    and the position of each input pair among them (np.unique(..., axis=0, return_inverse=True)
    of np.column_stack([first, second]))."""
    first = np.asarray(first, dtype=np.int64)
    second = np.asarray(second, dtype=np.int64)
    if first.size == 0:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.int64)
    first_low = int(first.min())
    second_low = int(second.min())
    span = int(second.max()) - second_low + 1
    keys, inverse = np.unique(
        (first - first_low) * span + (second - second_low), return_inverse=True
    )
    pairs = np.column_stack([keys // span + first_low, keys % span + second_low])
    return pairs, inverse.ravel()
