"""unique_pairs gives np.unique(axis=0)'s answer by one integer key."""

import numpy as np
import pytest

from matching.engine.keys import unique_pairs


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("low", "high"), [(0, 5), (-7, 3), (0, 100_000)])
def test_the_same_pairs_and_positions_as_unique_over_rows(seed, low, high):
    rng = np.random.default_rng(seed)
    first = rng.integers(low, high, size=500)
    second = rng.integers(low * 2, high * 3, size=500)
    pairs, inverse = unique_pairs(first, second)
    expected, expected_inverse = np.unique(
        np.column_stack([first, second]), axis=0, return_inverse=True
    )
    np.testing.assert_array_equal(pairs, expected)
    np.testing.assert_array_equal(inverse, expected_inverse.ravel())
    np.testing.assert_array_equal(pairs[inverse], np.column_stack([first, second]))


def test_one_pair_and_none():
    pairs, inverse = unique_pairs(np.array([4, 4]), np.array([9, 9]))
    assert pairs.tolist() == [[4, 9]] and inverse.tolist() == [0, 0]
    pairs, inverse = unique_pairs(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    assert pairs.shape == (0, 2) and inverse.size == 0
